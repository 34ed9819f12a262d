"""Repository creation templates: the four calls moto lacks, and the repositories ECR creates with them.

When ECR creates a repository on a registry's behalf (replication, pull-through cache, create-on-push), it applies
the registry's template whose ``prefix`` is the longest match of the repository name (``prod`` matches ``prod/...``;
a trailing ``/`` is implied), else the ``ROOT`` template, and only templates whose ``appliedFor`` names the
scenario. With no template the repository gets ECR's defaults: MUTABLE tags, AES256 encryption, no policies.
Templates live on moto's per-registry backend, so a new sandbox start forgets them with everything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from moto.core.responses import ActionResult
from moto.ecr.models import ECRBackend, Repository

from ecrtui.sandbox.errors import TemplateAlreadyExistsException, TemplateNotFoundException
from ecrtui.sandbox.handler_support import backend_for, refuse_paging_with, with_token
from ecrtui.sandbox.model_checks import (
    check_enum,
    check_length,
    check_pattern,
    expect_list,
    expect_object,
    expect_string,
)
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.runtime import current

__all__ = [
    "add_template",
    "create_repository_creation_template",
    "create_repository_for",
    "delete_repository_creation_template",
    "describe_repository_creation_templates",
    "update_repository_creation_template",
]

ROOT = "ROOT"
PREFIX = re.compile(r"^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$")
KMS_KEY = re.compile(r"^$|arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[a-z0-9-]+")
EXCLUSION_FILTER = re.compile(r"^[0-9a-zA-Z._*-]{1,128}$")
APPLIED_FOR = ("REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH")
MUTABILITY = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
ENCRYPTION = ("AES256", "KMS", "KMS_DSSE")


def templates_of(backend: ECRBackend) -> dict[str, dict[str, Any]]:
    """A registry's templates by prefix (kept on moto's backend, created on first use)."""
    templates = getattr(backend, "sandbox_creation_templates", None)
    if templates is None:
        templates = {}
        setattr(backend, "sandbox_creation_templates", templates)  # noqa: B010 - moto's class has no such slot
    return cast(dict[str, dict[str, Any]], templates)


def _key(prefix: str) -> str:
    """``prod`` and ``prod/`` name the same namespace."""
    return prefix if prefix == ROOT else prefix.rstrip("/")


def _prefix(param: Callable[[str], Any]) -> str:
    prefix = expect_string(param("prefix"), "prefix")
    check_length(prefix, "prefix", 1, 256)
    check_pattern(prefix, "prefix", PREFIX)
    return prefix


def _settings(param: Callable[[str], Any], *, creating: bool) -> dict[str, Any]:
    """The template members a create or update request sets (``param`` reads one), checked against the model."""
    settings: dict[str, Any] = {}
    description = param("description")
    if description is not None:
        check_length(expect_string(description, "description"), "description", None, 256)
        settings["description"] = description
    encryption = param("encryptionConfiguration")
    if encryption is not None:
        config = expect_object(encryption, "encryptionConfiguration")
        kind = check_enum(config.get("encryptionType"), "encryptionConfiguration.encryptionType", ENCRYPTION)
        settings["encryptionConfiguration"] = {"encryptionType": kind}
        if config.get("kmsKey") is not None:
            key = expect_string(config["kmsKey"], "encryptionConfiguration.kmsKey")
            check_length(key, "encryptionConfiguration.kmsKey", 0, 2048)
            check_pattern(key, "encryptionConfiguration.kmsKey", KMS_KEY)
            settings["encryptionConfiguration"]["kmsKey"] = key
    tags = param("resourceTags")
    if tags is not None:
        settings["resourceTags"] = [
            {
                "Key": expect_string(expect_object(t, "resourceTags.member").get("Key"), "resourceTags.Key"),
                "Value": expect_string(t.get("Value"), "resourceTags.Value"),
            }
            for t in expect_list(tags, "resourceTags")
        ]
    mutability = param("imageTagMutability")
    if mutability is not None:
        settings["imageTagMutability"] = check_enum(mutability, "imageTagMutability", MUTABILITY)
    filters = param("imageTagMutabilityExclusionFilters")
    if filters is not None:
        entries = expect_list(filters, "imageTagMutabilityExclusionFilters")
        check_length(entries, "imageTagMutabilityExclusionFilters", 1, 5)
        settings["imageTagMutabilityExclusionFilters"] = []
        for entry in entries:
            item = expect_object(entry, "imageTagMutabilityExclusionFilters.member")
            check_enum(item.get("filterType"), "imageTagMutabilityExclusionFilters.filterType", ("WILDCARD",))
            value = expect_string(item.get("filter"), "imageTagMutabilityExclusionFilters.filter")
            check_pattern(value, "imageTagMutabilityExclusionFilters.filter", EXCLUSION_FILTER)
            settings["imageTagMutabilityExclusionFilters"].append({"filterType": "WILDCARD", "filter": value})
    for name, limit in (("repositoryPolicy", 10240), ("lifecyclePolicy", 30720), ("customRoleArn", 2048)):
        value = param(name)
        if value is not None:
            check_length(expect_string(value, name), name, 0, limit)
            settings[name] = value
    applied = param("appliedFor")
    if applied is not None or creating:
        scenarios = expect_list(applied, "appliedFor")
        settings["appliedFor"] = [check_enum(s, "appliedFor.member", APPLIED_FOR) for s in scenarios]
    return settings


def _check_mutability(backend: ECRBackend, template: dict[str, Any]) -> None:
    """Exclusion filters go with, and only with, the ``*_WITH_EXCLUSION`` modes (moto's own rule for repositories)."""
    backend.validate_image_tag_mutability_params_compatibility(
        template.get("imageTagMutability", "MUTABLE"), template.get("imageTagMutabilityExclusionFilters")
    )


def _reply(backend: ECRBackend, template: dict[str, Any]) -> ActionResult:
    return ActionResult({"registryId": backend.account_id, "repositoryCreationTemplate": template})


def add_template(backend: ECRBackend, param: Callable[[str], Any], now: datetime) -> dict[str, Any]:
    """Validate and keep a new template (``param`` reads the members ``CreateRepositoryCreationTemplate`` takes);
    one per prefix (``TemplateAlreadyExistsException``)."""
    prefix = _prefix(param)
    templates = templates_of(backend)
    if _key(prefix) in templates:
        raise TemplateAlreadyExistsException(
            f"A repository creation template with prefix '{prefix}' already exists in the registry with id "
            f"'{backend.account_id}'"
        )
    settings = _settings(param, creating=True)
    template = {
        "prefix": prefix,
        "imageTagMutability": "MUTABLE",
        **settings,
        "createdAt": now,
        "updatedAt": now,
    }
    _check_mutability(backend, template)
    templates[_key(prefix)] = template
    return template


def create_repository_creation_template(self: Any) -> ActionResult:
    backend = backend_for(self)
    return _reply(backend, add_template(backend, self._get_param, current().clock()))


def _existing(backend: ECRBackend, prefix: str) -> dict[str, Any]:
    template = templates_of(backend).get(_key(prefix))
    if template is None:
        raise TemplateNotFoundException(
            f"The repository creation template with prefix '{prefix}' does not exist in the registry with id "
            f"'{backend.account_id}'"
        )
    return template


def update_repository_creation_template(self: Any) -> ActionResult:
    """``UpdateRepositoryCreationTemplate``: the members given replace the template's; the tag mutability is the
    one given, MUTABLE when omitted (as the model documents), and its exclusion filters go with it."""
    backend = backend_for(self)
    template = _existing(backend, _prefix(self._get_param))
    settings = _settings(self._get_param, creating=False)
    kept = {
        k: v
        for k, v in template.items()
        if k not in ("imageTagMutability", "imageTagMutabilityExclusionFilters")
    }
    updated = {**kept, "imageTagMutability": "MUTABLE", **settings, "updatedAt": current().clock()}
    _check_mutability(backend, updated)
    template.clear()
    template.update(updated)
    return _reply(backend, template)


def delete_repository_creation_template(self: Any) -> ActionResult:
    backend = backend_for(self)
    prefix = _prefix(self._get_param)
    template = _existing(backend, prefix)
    del templates_of(backend)[_key(prefix)]
    return _reply(backend, template)


def describe_repository_creation_templates(self: Any) -> ActionResult:
    """Templates in prefix order, paged; ``prefixes`` narrows to those (unknown ones are simply absent)."""
    refuse_paging_with(self, "prefixes")
    backend = backend_for(self)
    templates = sorted(templates_of(backend).values(), key=lambda t: str(t["prefix"]))
    wanted = self._get_param("prefixes")
    if wanted:
        keys = {_key(expect_string(p, "prefixes.member")) for p in expect_list(wanted, "prefixes")}
        templates = [t for t in templates if _key(t["prefix"]) in keys]
    page, token = paginate(
        templates,
        lambda t: str(t["prefix"]),
        "creation-templates",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    return with_token({"registryId": backend.account_id, "repositoryCreationTemplates": list(page)}, token)


def template_for(backend: ECRBackend, repository_name: str, scenario: str) -> dict[str, Any] | None:
    """The template ECR applies when it creates ``repository_name`` for ``scenario`` (``REPLICATION``...)."""
    candidates = [(k, t) for k, t in templates_of(backend).items() if scenario in t.get("appliedFor", ())]
    matching = [(k, t) for k, t in candidates if k != ROOT and repository_name.startswith(k + "/")]
    if matching:
        return max(matching, key=lambda item: len(item[0]))[1]
    return next((t for k, t in candidates if k == ROOT), None)


def create_repository_for(backend: ECRBackend, repository_name: str, scenario: str) -> Repository:
    """Create a repository as ECR does on the registry's behalf: the matching template's settings, or defaults."""
    template = template_for(backend, repository_name, scenario) or {}
    repository = backend.create_repository(
        repository_name=repository_name,
        registry_id=None,
        encryption_config=dict(template.get("encryptionConfiguration") or {}),
        image_scan_config={"scanOnPush": False},
        image_tag_mutability=template.get("imageTagMutability", "MUTABLE"),
        tags=list(template.get("resourceTags") or []),
        image_tag_mutability_exclusion_filters=template.get("imageTagMutabilityExclusionFilters"),
    )
    repository.created_at = current().clock()
    if template.get("repositoryPolicy"):
        repository.policy = template["repositoryPolicy"]
    if template.get("lifecyclePolicy"):
        repository.lifecycle_policy = template["lifecyclePolicy"]
    return repository
