"""Test helpers for the sandbox's registry face: skopeo (a real client nobody here wrote), a plain HTTP client,
and a check that a pulled image is intact, digest by digest.

Logging in is done the way a client does on AWS: ``SandboxProcess.registry_login(profile)`` calls
``GetAuthorizationToken`` and returns ``proxyEndpoint`` and ``AWS:PASSWORD``. To check that an image written by
anything (``ecrtui copy``, the app, boto3) is pullable and intact::

    login = sandbox.registry_login("demo-prod")
    pulled = pull_and_verify(skopeo, login, "web/api", "v1.4.2", tmp_path / "pulled")
    assert pulled.digest == expected_digest
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import urllib3

from ecrtui.sandbox.process import RegistryLogin

INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
SKOPEO_TIMEOUT = 120.0
_HEX_NAME = re.compile(r"^[a-f0-9]{64}$")


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Skopeo:
    """Runs skopeo with no signature policy, no stored logins and plain HTTP (the sandbox is loopback HTTP)."""

    executable: str
    home: Path
    """An empty HOME and auth file, so nothing of the user's container setup is read."""

    def env(self) -> dict[str, str]:
        auth_file = self.home / "auth.json"
        if not auth_file.exists():
            auth_file.write_text('{"auths": {}}')
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "TMPDIR")}
        return keep | {"HOME": str(self.home), "REGISTRY_AUTH_FILE": str(auth_file)}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``skopeo --insecure-policy ARGS``; the caller checks ``returncode`` (failures are part of tests)."""
        command = [self.executable, "--insecure-policy", *args]
        return subprocess.run(
            command, env=self.env(), capture_output=True, text=True, timeout=SKOPEO_TIMEOUT, check=False
        )

    def ok(self, *args: str) -> str:
        """Run and require success; the failure message carries skopeo's stderr."""
        result = self.run(*args)
        assert result.returncode == 0, f"skopeo {' '.join(args[:1])} failed: {result.stderr.strip()}"
        return result.stdout

    def inspect(self, login: RegistryLogin, repository: str, reference: str, *, raw: bool = False) -> Any:
        """``skopeo inspect`` (``--raw``: the manifest bytes exactly as served)."""
        args = ["inspect", "--tls-verify=false", "--creds", login.creds]
        if raw:
            args.append("--raw")
        out = self.ok(*args, f"docker://{login.reference(repository, reference)}")
        return out.encode() if raw else json.loads(out)

    def copy_to_dir(self, login: RegistryLogin, repository: str, reference: str, directory: Path) -> None:
        """Every platform of an index too (``--all``), bytes unchanged."""
        self.ok(
            "copy",
            "--all",
            "--src-tls-verify=false",
            "--src-creds",
            login.creds,
            f"docker://{login.reference(repository, reference)}",
            f"dir:{directory}",
        )

    def copy_between(
        self,
        source: RegistryLogin,
        repository: str,
        reference: str,
        target: RegistryLogin,
        target_repository: str,
        tag: str,
    ) -> None:
        """Registry to registry (``repository:reference`` to ``target_repository:tag``), every platform, digests
        preserved."""
        self.ok(
            "copy",
            "--all",
            "--preserve-digests",
            "--src-tls-verify=false",
            "--dest-tls-verify=false",
            "--src-creds",
            source.creds,
            "--dest-creds",
            target.creds,
            f"docker://{source.reference(repository, reference)}",
            f"docker://{target.reference(target_repository, tag)}",
        )


def skopeo_in(home: Path) -> Skopeo:
    """skopeo, or a failed test saying how to install it (CI installs it in ``.ci/run``)."""
    executable = shutil.which("skopeo")
    if executable is None:
        pytest.fail("skopeo is not installed: the registry tests need it (apt-get install skopeo)")
    home.mkdir(parents=True, exist_ok=True)
    return Skopeo(executable, home)


@dataclass
class PulledImage:
    """An image ``skopeo copy --all`` wrote to a directory, every file checked against its digest."""

    directory: Path
    manifest: bytes
    digest: str
    media_type: str
    children: dict[str, bytes] = field(default_factory=dict)
    """Manifests of an index's platforms, by digest."""
    blobs: set[str] = field(default_factory=set)


def _blob_digests(manifest: dict[str, Any]) -> list[str]:
    """Config and layers an image needs (foreign layers excluded, as ECR excludes them)."""
    layers = [
        layer["digest"]
        for layer in manifest.get("layers", [])
        if "foreign" not in layer.get("mediaType", "")
        and "nondistributable" not in layer.get("mediaType", "")
    ]
    config = manifest.get("config")
    return ([config["digest"]] if config else []) + layers


def verify_pulled(directory: Path) -> PulledImage:
    """Check a ``dir:`` image: every blob and manifest file hashes to its name, and nothing referenced is
    missing (for an index: every platform's manifest and all its blobs)."""
    manifest = (directory / "manifest.json").read_bytes()
    document = json.loads(manifest)
    media_type = document.get("mediaType", "")
    for path in directory.iterdir():
        name = path.name.removesuffix(".manifest.json")
        if _HEX_NAME.match(name):
            assert sha256(path.read_bytes()) == f"sha256:{name}", f"{path.name} does not hash to its name"
    pulled = PulledImage(directory, manifest, sha256(manifest), media_type)
    images = [document]
    if media_type in INDEX_TYPES or "manifests" in document:
        for child in document["manifests"]:
            data = (directory / f"{child['digest'].split(':', 1)[1]}.manifest.json").read_bytes()
            assert sha256(data) == child["digest"]
            assert len(data) == child["size"]
            pulled.children[child["digest"]] = data
            images.append(json.loads(data))
    for image in images:
        for digest in _blob_digests(image):
            path = directory / digest.split(":", 1)[1]
            assert path.exists(), f"blob {digest} was not pulled"
            pulled.blobs.add(digest)
    return pulled


def pull_and_verify(
    skopeo: Skopeo, login: RegistryLogin, repository: str, reference: str, directory: Path
) -> PulledImage:
    """Pull an image (every platform) with skopeo and verify every digest; the digest of what was pulled."""
    skopeo.copy_to_dir(login, repository, reference, directory)
    return verify_pulled(directory)


@dataclass
class RegistryHttp:
    """Plain HTTP against one registry server, for what skopeo does not exercise."""

    login: RegistryLogin

    @property
    def authorization(self) -> str:
        return "Basic " + base64.b64encode(self.login.creds.encode()).decode()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        """``path`` is absolute (``/v2/...``) or a full URL (a ``Location`` header); redirects are returned, not
        followed (tests follow them as a client would, without the credentials)."""
        url = path if path.startswith("http") else f"{self.login.url}{path}"
        all_headers = dict(headers or {})
        if auth:
            all_headers.setdefault("Authorization", self.authorization)
        return urllib3.request(
            method, url, body=body, headers=all_headers, redirect=False, retries=False, timeout=30
        )

    def errors(self, response: urllib3.BaseHTTPResponse) -> list[str]:
        """The distribution error codes of an error response."""
        return [e["code"] for e in json.loads(response.data)["errors"]]
