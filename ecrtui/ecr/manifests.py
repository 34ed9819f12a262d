"""Manifests of every kind ECR stores, and `parse_manifest` that reads them from raw bytes.

Each parsed document keeps its exact bytes and their sha256 (the registry digest), its effective media type
(declared in the document, or sniffed from its shape when absent) and `warnings` the UI can show for documents
that are readable but not quite right. Documents that cannot be read raise `ManifestError` with one line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from ecrtui.ecr.config import HistoryEntry, ImageConfig, parse_image_config
from ecrtui.ecr.descriptors import Descriptor, Platform, _Document, check_digest
from ecrtui.ecr.jsondoc import ManifestError, document_fields, load_json_object, quoted, validation_message
from ecrtui.ecr.mediatypes import (
    ACCEPTED_MANIFEST_TYPES,
    IMAGE_CONFIG_TYPES,
    IMAGE_LAYER_TYPES,
    IMAGE_MANIFEST_TYPES,
    INDEX_TYPES,
    SCHEMA1_TYPES,
    ImageKind,
    MediaTypes,
)

__all__ = [
    "ACCEPTED_MANIFEST_TYPES",
    "Descriptor",
    "HistoryEntry",
    "ImageConfig",
    "ImageIndex",
    "ImageKind",
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
]


class _Parsed(_Document):
    """Fields every parsed manifest carries besides its JSON content (excluded from dumps of the JSON)."""

    schema_version: int = Field(alias="schemaVersion")
    raw: bytes = Field(default=b"", exclude=True, repr=False)
    digest: str = Field(default="", exclude=True)
    media_type: str = Field(default="", exclude=True)
    warnings: tuple[str, ...] = Field(default=(), exclude=True)

    @property
    def size(self) -> int:
        """Size of the manifest itself in bytes."""
        return len(self.raw)

    def to_json(self) -> Any:
        """The document as JSON values (decoded from the raw bytes, so nothing is lost or renamed)."""
        return json.loads(self.raw)


class LayerInfo(BaseModel):
    """A layer of an image with the build step that made it, for the inspector's Layers tab."""

    model_config = ConfigDict(frozen=True)

    index: int
    descriptor: Descriptor
    diff_id: str | None = None
    history: HistoryEntry | None = None

    @property
    def created_by(self) -> str | None:
        """The Dockerfile instruction (or tool step) that produced this layer, when the config says."""
        return self.history.created_by if self.history else None


class LayerHistory(BaseModel):
    """Layers matched to their history entries, with metadata-only steps kept apart."""

    model_config = ConfigDict(frozen=True)

    layers: tuple[LayerInfo, ...]
    empty_steps: tuple[HistoryEntry, ...] = ()
    warnings: tuple[str, ...] = ()


def _null_is_empty(value: Any, info: ValidationInfo) -> Any:
    """Documents in the wild write ``"layers": null`` / ``"manifests": null``: read them as empty."""
    if value is None:
        return {} if info.field_name == "annotations" else ()
    return value


class ImageManifest(_Parsed):
    """A Docker v2 schema 2 or OCI image manifest; also OCI artifacts (artifactType, subject)."""

    declared_media_type: str | None = Field(default=None, alias="mediaType")
    config: Descriptor
    layers: tuple[Descriptor, ...] = ()
    subject: Descriptor | None = None
    artifact_type: str | None = Field(default=None, alias="artifactType")
    annotations: dict[str, str] = Field(default_factory=dict)

    _null_is_empty = field_validator("layers", "annotations", mode="before")(_null_is_empty)

    @property
    def kind(self) -> ImageKind:
        """IMAGE for runnable images; ARTIFACT for Helm charts, SBOMs, signatures, attestations..."""
        return ImageKind.ARTIFACT if self.is_artifact else ImageKind.IMAGE

    @property
    def is_artifact(self) -> bool:
        if self.media_type == MediaTypes.DOCKER_MANIFEST:
            return False
        if self.artifact_type or self.config.media_type not in IMAGE_CONFIG_TYPES:
            return True
        return bool(self.layers) and not any(layer.media_type in IMAGE_LAYER_TYPES for layer in self.layers)

    @property
    def effective_artifact_type(self) -> str | None:
        """What ECR reports as `artifactMediaType`: artifactType, else the config media type."""
        return self.artifact_type or self.config.media_type or None

    @property
    def total_size(self) -> int:
        """Sum of the (compressed) layer sizes: what ECR reports as the image size."""
        return sum(layer.size for layer in self.layers)

    def layers_with_history(self, config: ImageConfig | None) -> LayerHistory:
        """Pair each layer with its diff_id and the history entry that created it.

        Non-empty history entries map one to one onto layers in order; a count mismatch (squashed or
        hand-edited images) is reported as a warning and the unmatched side left as None.
        """
        if config is None:
            infos = tuple(LayerInfo(index=i, descriptor=d) for i, d in enumerate(self.layers))
            return LayerHistory(layers=infos)
        steps = config.layer_history
        diff_ids = config.rootfs.diff_ids
        infos = tuple(
            LayerInfo(
                index=i,
                descriptor=d,
                diff_id=diff_ids[i] if i < len(diff_ids) else None,
                history=steps[i] if i < len(steps) else None,
            )
            for i, d in enumerate(self.layers)
        )
        warnings: list[str] = []
        if config.digest and config.digest != self.config.digest:
            warnings.append(f"the config {config.digest} is not this manifest's config {self.config.digest}")
        if config.history and len(steps) != len(self.layers):
            warnings.append(f"the config history has {len(steps)} layer steps for {len(self.layers)} layers")
        if len(diff_ids) != len(self.layers):
            warnings.append(f"the config lists {len(diff_ids)} diff_ids for {len(self.layers)} layers")
        return LayerHistory(layers=infos, empty_steps=config.empty_history, warnings=tuple(warnings))


class ImageIndex(_Parsed):
    """A Docker manifest list or OCI image index: one entry per platform, plus attestations."""

    declared_media_type: str | None = Field(default=None, alias="mediaType")
    manifests: tuple[Descriptor, ...] = ()
    subject: Descriptor | None = None
    artifact_type: str | None = Field(default=None, alias="artifactType")
    annotations: dict[str, str] = Field(default_factory=dict)

    _null_is_empty = field_validator("manifests", "annotations", mode="before")(_null_is_empty)

    @property
    def kind(self) -> ImageKind:
        return ImageKind.INDEX

    @property
    def images(self) -> tuple[Descriptor, ...]:
        """Entries for runnable platforms (attestations left out)."""
        return tuple(entry for entry in self.manifests if not entry.is_attestation)

    @property
    def attestations(self) -> tuple[Descriptor, ...]:
        """BuildKit attestation/provenance entries (annotation or `unknown/unknown` platform)."""
        return tuple(entry for entry in self.manifests if entry.is_attestation)

    @property
    def platforms(self) -> tuple[Platform, ...]:
        """Platforms of the runnable entries, in index order."""
        return tuple(entry.platform for entry in self.images if entry.platform is not None)

    @property
    def total_size(self) -> None:
        """An index has no size of its own to report; sizes belong to its children."""
        return None


class FsLayer(_Document):
    """A schema 1 layer reference (top layer first)."""

    blob_sum: str = Field(alias="blobSum")

    @field_validator("blob_sum")
    @classmethod
    def _valid_digest(cls, value: str) -> str:
        return check_digest(value)


class V1History(_Document):
    """A schema 1 history entry: a JSON string in Docker's legacy v1 image format."""

    v1_compatibility: str = Field(default="", alias="v1Compatibility")

    @property
    def parsed(self) -> dict[str, Any] | None:
        """The decoded v1Compatibility object, or None if it is not a JSON object."""
        try:
            value = json.loads(self.v1_compatibility)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class Schema1Step(BaseModel):
    """A schema 1 layer with its build command; `empty_layer` layers are metadata-only (empty tar)."""

    model_config = ConfigDict(frozen=True)

    digest: str
    created_by: str | None = None
    empty_layer: bool = False


def _b64url(text: Any) -> bytes:
    """Decode unpadded base64url (JWS), as schema 1 signatures write it."""
    if not isinstance(text, str):
        raise ValueError("not base64url text")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Schema1Manifest(_Parsed):
    """Legacy Docker image manifest v2 schema 1 (read-only: ECR still stores some)."""

    name: str | None = None
    tag: str | None = None
    architecture: str | None = None
    fs_layers: tuple[FsLayer, ...] = Field(alias="fsLayers")
    history: tuple[V1History, ...] = ()
    signatures: tuple[dict[str, Any], ...] = ()

    @field_validator("history", "signatures", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return () if value is None else value

    @property
    def kind(self) -> ImageKind:
        return ImageKind.SCHEMA1

    @property
    def is_signed(self) -> bool:
        return bool(self.signatures)

    @property
    def payload_digest(self) -> str | None:
        """The digest a registry gives a signed manifest: sha256 of the JWS payload (the bytes without the
        signatures, rebuilt from the first signature's ``formatLength``/``formatTail``); None if unreadable."""
        if not self.signatures:
            return None
        try:
            header = json.loads(_b64url(self.signatures[0]["protected"]))
            length = int(header["formatLength"])
            tail = _b64url(header["formatTail"])
        except (KeyError, TypeError, ValueError, binascii.Error):
            return None
        if not 0 < length <= len(self.raw):
            return None
        return "sha256:" + hashlib.sha256(self.raw[:length] + tail).hexdigest()

    @property
    def layer_digests(self) -> tuple[str, ...]:
        """Layer digests base first (schema 1 lists the top layer first)."""
        return tuple(layer.blob_sum for layer in reversed(self.fs_layers))

    @property
    def build_steps(self) -> tuple[Schema1Step, ...]:
        """Each layer (base first) with the command that made it, read from its v1Compatibility entry."""
        steps = []
        for position in reversed(range(len(self.fs_layers))):
            layer = self.fs_layers[position]
            entry = self.history[position] if position < len(self.history) else None
            info = (entry.parsed if entry else None) or {}
            container = info.get("container_config")
            command = container.get("Cmd") if isinstance(container, dict) else None
            created_by = " ".join(str(part) for part in command) if isinstance(command, list) else None
            steps.append(
                Schema1Step(
                    digest=layer.blob_sum, created_by=created_by, empty_layer=bool(info.get("throwaway"))
                )
            )
        return tuple(steps)

    @property
    def total_size(self) -> None:
        """Schema 1 manifests do not record layer sizes."""
        return None


Manifest = ImageManifest | ImageIndex | Schema1Manifest
"""Any parsed manifest; switch on `.kind` or isinstance."""

_INDEX_CHILD_TYPES = IMAGE_MANIFEST_TYPES | INDEX_TYPES | SCHEMA1_TYPES
_P = TypeVar("_P", ImageManifest, ImageIndex, Schema1Manifest)


def parse_manifest(data: bytes, media_type: str | None = None) -> Manifest:
    """Parse a manifest, index or schema 1 manifest from its exact bytes.

    `media_type` is what the registry reported (ECR's `imageManifestMediaType`); the document's own
    `mediaType` wins when present, and a disagreement becomes a warning. Raises ManifestError.
    """
    doc = load_json_object(data, "manifest")
    warnings: list[str] = []
    version = _schema_version(doc, warnings)
    if version == 1:
        return _finish(_parse_schema1(doc, media_type, warnings), data, warnings)
    effective = _v2_media_type(doc, media_type, warnings)
    if effective in INDEX_TYPES:
        return _finish(_parse_index(doc, effective, warnings), data, warnings)
    return _finish(_parse_image_manifest(doc, effective, warnings), data, warnings)


def _finish(model: _P, data: bytes, warnings: list[str]) -> _P:
    raw = bytes(data)
    update = {"raw": raw, "digest": "sha256:" + hashlib.sha256(raw).hexdigest(), "warnings": tuple(warnings)}
    return model.model_copy(update=update)


def _schema_version(doc: dict[str, Any], warnings: list[str]) -> int:
    if "schemaVersion" not in doc:
        if "rootfs" in doc or ("architecture" in doc and "config" in doc and "layers" not in doc):
            raise ManifestError("manifest: this is an image config, not a manifest")
        if "manifests" in doc or "layers" in doc:
            warnings.append("schemaVersion is missing; read as schema version 2")
            doc["schemaVersion"] = 2
            return 2
        raise ManifestError("manifest: no schemaVersion, and it does not look like a manifest")
    version = doc["schemaVersion"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise ManifestError(f"manifest: schemaVersion must be a number, not {json.dumps(version)[:40]}")
    if version not in (1, 2):
        raise ManifestError(f"manifest: unsupported schemaVersion {version} (only 1 and 2 exist)")
    return version


def _sniff_shape(doc: dict[str, Any]) -> str:
    """The media type a schema-2 document's fields imply (OCI unless only a Docker type fits)."""
    if "fsLayers" in doc and "config" not in doc and "manifests" not in doc:
        raise ManifestError(
            "manifest: schemaVersion is 2 but it has schema 1 fields (fsLayers); a schema 1 manifest "
            "with an edited schemaVersion is refused"
        )
    if "manifests" in doc and "config" not in doc and "layers" not in doc:
        return MediaTypes.OCI_INDEX
    if ("config" in doc or "layers" in doc) and "manifests" not in doc:
        config = doc.get("config")
        if isinstance(config, dict) and config.get("mediaType") == MediaTypes.DOCKER_CONFIG:
            return MediaTypes.DOCKER_MANIFEST
        return MediaTypes.OCI_MANIFEST
    if "manifests" in doc:
        raise ManifestError(
            "manifest: it has both index fields (manifests) and manifest fields (config/layers)"
        )
    raise ManifestError("manifest: schemaVersion 2 but neither config/layers nor manifests: not a manifest")


def _v2_media_type(doc: dict[str, Any], reported: str | None, warnings: list[str]) -> str:
    shape = _sniff_shape(doc)
    shape_is_index = shape in INDEX_TYPES
    declared = doc.get("mediaType")
    if declared is not None and not isinstance(declared, str):
        raise ManifestError(f"manifest: mediaType must be a string, not {json.dumps(declared)[:40]}")
    if declared in SCHEMA1_TYPES:
        raise ManifestError(f"manifest: declares {declared} but has schemaVersion 2")
    if declared in IMAGE_MANIFEST_TYPES | INDEX_TYPES:
        if (declared in INDEX_TYPES) != shape_is_index:
            what = "an index" if shape_is_index else "an image manifest"
            raise ManifestError(f"manifest: declares {declared} but its fields are those of {what}")
        if reported and reported != declared:
            warnings.append(
                f"the registry reports media type {reported} but the document declares {declared}"
            )
        return declared
    if declared is not None:
        warnings.append(f"unknown media type {quoted(declared)}; read as {shape} from its fields")
        return shape
    if reported in IMAGE_MANIFEST_TYPES | INDEX_TYPES and (reported in INDEX_TYPES) == shape_is_index:
        return reported
    if reported:
        warnings.append(f"the registry reports media type {reported} but the fields are those of {shape}")
    return shape


def _validate(model: type[_P], doc: dict[str, Any], media_type: str, what: str) -> _P:
    try:
        return model.model_validate(document_fields(doc)).model_copy(update={"media_type": media_type})
    except ValidationError as exc:
        raise ManifestError(validation_message(exc, what)) from None


def _parse_image_manifest(doc: dict[str, Any], media_type: str, warnings: list[str]) -> ImageManifest:
    if "layers" in doc and doc["layers"] is None:
        warnings.append("layers is null (the spec requires an array); read as no layers")
    if "config" not in doc:
        raise ManifestError("manifest: config is missing")
    manifest = _validate(ImageManifest, doc, media_type, "manifest")
    if not manifest.is_artifact:
        config_type = manifest.config.media_type
        if media_type == MediaTypes.DOCKER_MANIFEST and config_type not in IMAGE_CONFIG_TYPES:
            warnings.append(f"config has media type {quoted(config_type)}, not an image config type")
        for number, layer in enumerate(manifest.layers, start=1):
            if not layer.media_type:
                warnings.append(f"layer {number} has no media type")
            elif layer.media_type not in IMAGE_LAYER_TYPES:
                warnings.append(f"layer {number} has unknown media type {quoted(layer.media_type)}")
    if manifest.subject is not None and manifest.subject.media_type not in _INDEX_CHILD_TYPES:
        warnings.append(f"subject has media type {quoted(manifest.subject.media_type)}, not a manifest type")
    return manifest


def _parse_index(doc: dict[str, Any], media_type: str, warnings: list[str]) -> ImageIndex:
    if doc.get("manifests", ()) is None:
        warnings.append("manifests is null (the spec requires an array); read as an empty index")
    index = _validate(ImageIndex, doc, media_type, "index")
    for number, entry in enumerate(index.manifests, start=1):
        if entry.media_type not in _INDEX_CHILD_TYPES:
            warnings.append(f"entry {number} has media type {quoted(entry.media_type)}, not a manifest type")
        if media_type == MediaTypes.DOCKER_MANIFEST_LIST and entry.platform is None:
            warnings.append(f"entry {number} has no platform (a Docker manifest list requires one)")
    if index.subject is not None and any(e.digest == index.subject.digest for e in index.manifests):
        warnings.append("the subject is also one of the index's entries (a reference loop)")
    return index


def _parse_schema1(doc: dict[str, Any], reported: str | None, warnings: list[str]) -> Schema1Manifest:
    if "fsLayers" not in doc:
        raise ManifestError("manifest: schemaVersion 1 but fsLayers is missing")
    signed = bool(doc.get("signatures"))
    if reported in SCHEMA1_TYPES:
        media_type = reported
    else:
        media_type = MediaTypes.DOCKER_SCHEMA1_SIGNED if signed else MediaTypes.DOCKER_SCHEMA1
    manifest = _validate(Schema1Manifest, doc, media_type, "schema 1 manifest")
    missing = [field for field in ("name", "tag", "architecture") if not getattr(manifest, field)]
    if missing:
        warnings.append(f"schema 1 manifest has no {', '.join(missing)}")
    if len(manifest.history) != len(manifest.fs_layers):
        warnings.append(f"{len(manifest.history)} history entries for {len(manifest.fs_layers)} layers")
    for number, entry in enumerate(manifest.history, start=1):
        if entry.parsed is None:
            warnings.append(f"history entry {number}: v1Compatibility is not a JSON object")
    return manifest
