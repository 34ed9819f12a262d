"""Install the sandbox's corrected ECR handlers on moto's ``ECRResponse``.

moto has no plugin API, but it looks handlers up on ``ECRResponse`` at call time, so assigning these functions
corrects the service in process and in the server alike. moto keeps repositories, policies, tags, lifecycle and
the rest; see ``image_handlers`` and ``layer_handlers`` for what changes.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, BaseResponse
from moto.ecr.responses import ECRResponse

from ecrtui.sandbox import image_handlers, layer_handlers, referrer_handlers
from ecrtui.sandbox.handler_support import MOTO_HANDLERS, Handler, backend_for
from ecrtui.sandbox.rate_limits import ThrottlingException
from ecrtui.sandbox.runtime import current

HANDLERS: dict[str, Handler] = {
    "describe_repositories": image_handlers.describe_repositories,
    "describe_images": image_handlers.describe_images,
    "list_images": image_handlers.list_images,
    "batch_get_image": image_handlers.batch_get_image,
    "put_image": image_handlers.put_image,
    "batch_delete_image": image_handlers.batch_delete_image,
    "describe_image_scan_findings": image_handlers.describe_image_scan_findings,
    "initiate_layer_upload": layer_handlers.initiate_layer_upload,
    "upload_layer_part": layer_handlers.upload_layer_part,
    "complete_layer_upload": layer_handlers.complete_layer_upload,
    "get_download_url_for_layer": layer_handlers.get_download_url_for_layer,
    "get_authorization_token": layer_handlers.get_authorization_token,
    "batch_check_layer_availability": layer_handlers.batch_check_layer_availability,
    "list_image_referrers": referrer_handlers.list_image_referrers,
}


def _locked_call_action(self: Any) -> Any:
    """moto's dispatch, one ECR call at a time (moto's models are not thread-safe), within ECR's rate quotas."""
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
        return BaseResponse.call_action(self)


def install() -> None:
    """Put the corrected handlers on moto's ``ECRResponse`` (idempotent)."""
    setattr(ECRResponse, "ecr_backend", property(backend_for))  # noqa: B010 - replacing moto's method
    for name, handler in HANDLERS.items():
        original = getattr(ECRResponse, name, None)  # None: a call moto does not have
        if original is not None:
            MOTO_HANDLERS.setdefault(name, original)
        setattr(ECRResponse, name, handler)
    setattr(ECRResponse, "call_action", _locked_call_action)  # noqa: B010
