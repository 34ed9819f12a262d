"""ecrtui's data layer: references, models and manifest parsing (no Textual or Rich here).

The names below are exported lazily (PEP 562): ``from ecrtui.ecr import parse_manifest`` works as usual, but
importing a submodule (``ecrtui.ecr.aws_files``, which the app reads before its first frame) does not drag in
the pydantic models. Service, errors and cache live in their own modules (`ecrtui.ecr.service`, `.errors`,
`.cache`) and are imported from there, so importing this package stays cheap and free of boto3.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecrtui.ecr.manifests import (
        ACCEPTED_MANIFEST_TYPES,
        Descriptor,
        HistoryEntry,
        ImageConfig,
        ImageIndex,
        ImageManifest,
        LayerHistory,
        LayerInfo,
        Manifest,
        ManifestError,
        MediaTypes,
        Platform,
        Schema1Manifest,
        Schema1Step,
        parse_image_config,
        parse_manifest,
    )
    from ecrtui.ecr.mediatypes import ImageKind
    from ecrtui.ecr.models import ImageSummary, Registry, Repository
    from ecrtui.ecr.refs import ImageRef, InvalidReference, RegistryRef, RepositoryRef, parse_reference

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        (
            "ACCEPTED_MANIFEST_TYPES",
            "Descriptor",
            "HistoryEntry",
            "ImageConfig",
            "ImageIndex",
            "ImageManifest",
            "LayerHistory",
            "LayerInfo",
            "Manifest",
            "ManifestError",
            "MediaTypes",
            "Platform",
            "Schema1Manifest",
            "Schema1Step",
            "parse_image_config",
            "parse_manifest",
        ),
        "ecrtui.ecr.manifests",
    ),
    "ImageKind": "ecrtui.ecr.mediatypes",
    **dict.fromkeys(("ImageSummary", "Registry", "Repository"), "ecrtui.ecr.models"),
    **dict.fromkeys(
        ("ImageRef", "InvalidReference", "RegistryRef", "RepositoryRef", "parse_reference"), "ecrtui.ecr.refs"
    ),
}

__all__ = [
    "ACCEPTED_MANIFEST_TYPES",
    "Descriptor",
    "HistoryEntry",
    "ImageConfig",
    "ImageIndex",
    "ImageKind",
    "ImageManifest",
    "ImageRef",
    "ImageSummary",
    "InvalidReference",
    "LayerHistory",
    "LayerInfo",
    "Manifest",
    "ManifestError",
    "MediaTypes",
    "Platform",
    "Registry",
    "RegistryRef",
    "Repository",
    "RepositoryRef",
    "Schema1Manifest",
    "Schema1Step",
    "parse_image_config",
    "parse_manifest",
    "parse_reference",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ecrtui.ecr' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
