"""Policy documents (repository and lifecycle policies) checked before they are sent: JSON objects, not too big."""

from __future__ import annotations

import json
from typing import Any

from ecrtui.ecr.errors import InvalidInput

__all__ = ["MAX_POLICY_CHARS", "require_json_object"]

MAX_POLICY_CHARS = 30720
"""ECR's limit for a lifecycle policy (``LifecyclePolicyText``) and a repository policy (``RepositoryPolicyText``)."""


def require_json_object(text: str, what: str) -> dict[str, Any]:
    """The parsed document, or ``InvalidInput`` saying why ECR would refuse it."""
    if len(text) > MAX_POLICY_CHARS:
        raise InvalidInput(f"the {what} is {len(text):,} characters; ECR takes at most {MAX_POLICY_CHARS:,}")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"the {what} is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidInput(f"the {what} must be a JSON object")
    return document
