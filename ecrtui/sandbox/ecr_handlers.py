"""Install the sandbox's corrected ECR handlers on moto's ``ECRResponse``.

moto has no plugin API, but it looks handlers up on ``ECRResponse`` at call time, so assigning these functions
corrects the service in process and in the server alike. moto keeps repositories, policies, tags, lifecycle and
the rest; see ``image_handlers`` and ``layer_handlers`` for what changes.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, BaseResponse
from moto.ecr.responses import ECRResponse

from ecrtui.sandbox import (
    archive,
    creation_templates,
    deferred,
    image_handlers,
    layer_handlers,
    lifecycle_handlers,
    mutability,
    referrer_handlers,
    replication_handlers,
    repository_access,
    scan_handlers,
)
from ecrtui.sandbox.errors import AccessDeniedException
from ecrtui.sandbox.handler_support import MOTO_HANDLERS, Handler, backend_for
from ecrtui.sandbox.rate_limits import ThrottlingException
from ecrtui.sandbox.registry import account_settings
from ecrtui.sandbox.runtime import current

HANDLERS: dict[str, Handler] = {
    "describe_repositories": image_handlers.describe_repositories,
    "describe_images": image_handlers.describe_images,
    "list_images": image_handlers.list_images,
    "batch_get_image": image_handlers.batch_get_image,
    "put_image": image_handlers.put_image,
    "batch_delete_image": image_handlers.batch_delete_image,
    "initiate_layer_upload": layer_handlers.initiate_layer_upload,
    "upload_layer_part": layer_handlers.upload_layer_part,
    "complete_layer_upload": layer_handlers.complete_layer_upload,
    "get_download_url_for_layer": layer_handlers.get_download_url_for_layer,
    "get_authorization_token": layer_handlers.get_authorization_token,
    "put_account_setting": account_settings.put_account_setting,
    "get_account_setting": account_settings.get_account_setting,
    # management (issue 9): archive storage, scans, tag mutability filters, lifecycle policies and previews
    "update_image_storage_class": archive.update_image_storage_class,
    "start_image_scan": scan_handlers.start_image_scan,
    "describe_image_scan_findings": scan_handlers.describe_image_scan_findings,
    "create_repository": mutability.create_repository,
    "put_image_tag_mutability": mutability.put_image_tag_mutability,
    "put_lifecycle_policy": lifecycle_handlers.put_lifecycle_policy,
    "start_lifecycle_policy_preview": lifecycle_handlers.start_lifecycle_policy_preview,
    "get_lifecycle_policy_preview": lifecycle_handlers.get_lifecycle_policy_preview,
    # replication (issue 10): rules, per-image status, backfills, repository creation templates
    "put_replication_configuration": replication_handlers.put_replication_configuration,
    "describe_image_replication_status": replication_handlers.describe_image_replication_status,
    "start_replication_backfill": replication_handlers.start_replication_backfill,
    "stop_replication_backfill": replication_handlers.stop_replication_backfill,
    "list_replication_backfills": replication_handlers.list_replication_backfills,
    "describe_replication_backfill_results": replication_handlers.describe_replication_backfill_results,
    "create_repository_creation_template": creation_templates.create_repository_creation_template,
    "describe_repository_creation_templates": creation_templates.describe_repository_creation_templates,
    "update_repository_creation_template": creation_templates.update_repository_creation_template,
    "delete_repository_creation_template": creation_templates.delete_repository_creation_template,
    # copying (issue 8): layer availability as ECR answers it, referrers
    "batch_check_layer_availability": layer_handlers.batch_check_layer_availability,
    "list_image_referrers": referrer_handlers.list_image_referrers,
}


def _locked_call_action(self: Any) -> Any:
    """moto's dispatch, one ECR call at a time (moto's models are not thread-safe), within ECR's rate quotas,
    after any change come due, and only into another account's repository its policy lets the caller into."""
    limiter = current().rate_limiter
    if limiter is not None:
        try:
            limiter.check(
                self._get_param("registryId") or self.current_account, self.region, self._get_action()
            )
        except ThrottlingException as error:
            status, headers, body = self.serialized(ActionResult(error))
            return status, *self._enrich_response(headers, body)
    with current().lock:
        deferred.settle_due()
        try:
            repository_access.check_call(self)
        except AccessDeniedException as error:
            status, headers, body = self.serialized(ActionResult(error))
            return status, *self._enrich_response(headers, body)
        return BaseResponse.call_action(self)


def install() -> None:
    """Put the corrected handlers on moto's ``ECRResponse`` (idempotent)."""
    setattr(ECRResponse, "ecr_backend", property(backend_for))  # noqa: B010 - replacing moto's method
    for name, handler in HANDLERS.items():
        original = ECRResponse.__dict__.get(name)  # None for the calls moto does not implement
        if original is not None and original is not handler:
            MOTO_HANDLERS.setdefault(name, original)
        setattr(ECRResponse, name, handler)
    setattr(ECRResponse, "call_action", _locked_call_action)  # noqa: B010
