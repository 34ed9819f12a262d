"""The sandbox's second face: the OCI distribution API (the subset ECR serves), one server per registry.

Real ECR has two faces on one store: the ECR API (boto3, ecrtui) and the registry that docker, skopeo, crane and
oras pull from and push to, authenticated with ``GetAuthorizationToken``. This package is the second face over the
same moto state, blob store and ``registry_ops`` rules as the first, so an image pushed through either is the same
image through the other.

| Module | What it holds |
|---|---|
| ``servers`` | ``RegistryServers``: one threaded server per (account, region); which registries get one |
| ``app`` | the WSGI app of one registry: network simulation, auth, routing, error responses |
| ``routes``, ``context`` | the URL space; ``RegistryAddress`` and the per-request ``Call`` |
| ``tokens``, ``auth`` | registry passwords (signed, regional, expiring) and the 401/400/403 rules |
| ``manifests``, ``negotiation`` | manifest GET/HEAD/PUT/DELETE; ECR's ``Accept`` handling and conversions |
| ``blobs``, ``uploads`` | blob HEAD and GET (a redirect to a presigned URL); uploads and mounts |
| ``listing``, ``referrers`` | tags list paging; the OCI 1.1 referrers index |
| ``account_settings`` | ``PutAccountSetting`` / ``GetAccountSetting`` (``BLOB_MOUNTING``) for the ECR API |
| ``errors`` | distribution-API error bodies and the mapping from ECR's errors |
"""
