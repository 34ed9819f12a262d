"""ecrtui's data layer: references, models and manifest parsing (no Textual or Rich here).

Service, errors and cache live in their own modules (`ecrtui.ecr.service`, `.errors`, `.cache`) and are
imported from there, so importing this package stays cheap and free of boto3.
"""

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
