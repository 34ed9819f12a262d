"""Image configuration (the JSON blob a manifest's config descriptor points to)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError, field_validator

from ecrtui.ecr.descriptors import _Document
from ecrtui.ecr.jsondoc import ManifestError, document_fields, load_json_object, validation_message
from ecrtui.ecr.mediatypes import MediaTypes

_DATETIME = TypeAdapter(datetime)


def _lenient_time(value: Any) -> datetime | None:
    """Tools write odd timestamps (empty, zero, nanoseconds); an unreadable one is shown as unknown."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return _DATETIME.validate_python(value)
    except ValidationError:
        return None


Timestamp = Annotated[datetime | None, BeforeValidator(_lenient_time)]


def _empty_if_null(value: Any, empty: Any) -> Any:
    return empty if value is None else value


class Healthcheck(_Document):
    """Docker's HEALTHCHECK; durations are nanoseconds as in the config JSON."""

    test: tuple[str, ...] = Field(default=(), alias="Test")
    interval: int | None = Field(default=None, alias="Interval")
    timeout: int | None = Field(default=None, alias="Timeout")
    start_period: int | None = Field(default=None, alias="StartPeriod")
    start_interval: int | None = Field(default=None, alias="StartInterval")
    retries: int | None = Field(default=None, alias="Retries")

    @field_validator("test", mode="before")
    @classmethod
    def _test_list(cls, value: Any) -> Any:
        return _empty_if_null(value, ())


class ContainerConfig(_Document):
    """The `config` object of an image config: how a container of the image runs."""

    user: str | None = Field(default=None, alias="User")
    exposed_ports: dict[str, Any] = Field(default_factory=dict, alias="ExposedPorts")
    env: tuple[str, ...] = Field(default=(), alias="Env")
    entrypoint: tuple[str, ...] | None = Field(default=None, alias="Entrypoint")
    cmd: tuple[str, ...] | None = Field(default=None, alias="Cmd")
    volumes: dict[str, Any] = Field(default_factory=dict, alias="Volumes")
    working_dir: str | None = Field(default=None, alias="WorkingDir")
    labels: dict[str, str] = Field(default_factory=dict, alias="Labels")
    stop_signal: str | None = Field(default=None, alias="StopSignal")
    healthcheck: Healthcheck | None = Field(default=None, alias="Healthcheck")
    args_escaped: bool | None = Field(default=None, alias="ArgsEscaped")
    on_build: tuple[str, ...] = Field(default=(), alias="OnBuild")

    @field_validator("exposed_ports", "volumes", "labels", mode="before")
    @classmethod
    def _null_dict(cls, value: Any) -> Any:
        return _empty_if_null(value, {})

    @field_validator("env", "on_build", mode="before")
    @classmethod
    def _null_list(cls, value: Any) -> Any:
        return _empty_if_null(value, ())


class RootFS(_Document):
    """The uncompressed layer digests (`diff_ids`), one per non-empty history entry."""

    type: str = "layers"
    diff_ids: tuple[str, ...] = ()

    @field_validator("diff_ids", mode="before")
    @classmethod
    def _null_list(cls, value: Any) -> Any:
        return _empty_if_null(value, ())


class HistoryEntry(_Document):
    """One build step; `empty_layer` steps (ENV, CMD, ...) changed metadata only and have no layer."""

    created: Timestamp = None
    created_by: str | None = None
    author: str | None = None
    comment: str | None = None
    empty_layer: bool = False

    @field_validator("empty_layer", mode="before")
    @classmethod
    def _null_false(cls, value: Any) -> Any:
        return _empty_if_null(value, False)


class ImageConfig(_Document):
    """An image config (Docker or OCI; both share one JSON shape). Keeps its raw bytes and digest."""

    architecture: str = ""
    os: str = ""
    variant: str | None = None
    os_version: str | None = Field(default=None, alias="os.version")
    created: Timestamp = None
    author: str | None = None
    config: ContainerConfig = Field(default_factory=ContainerConfig)
    rootfs: RootFS = Field(default_factory=RootFS)
    history: tuple[HistoryEntry, ...] = ()

    raw: bytes = Field(default=b"", exclude=True, repr=False)
    digest: str = Field(default="", exclude=True)
    media_type: str = Field(default=MediaTypes.OCI_CONFIG, exclude=True)
    warnings: tuple[str, ...] = Field(default=(), exclude=True)

    @field_validator("config", "rootfs", mode="before")
    @classmethod
    def _null_object(cls, value: Any) -> Any:
        return _empty_if_null(value, {})

    @field_validator("history", mode="before")
    @classmethod
    def _null_list(cls, value: Any) -> Any:
        return _empty_if_null(value, ())

    @property
    def platform_text(self) -> str:
        """`os/architecture[/variant]` for display."""
        text = f"{self.os}/{self.architecture}"
        return f"{text}/{self.variant}" if self.variant else text

    @property
    def env(self) -> tuple[str, ...]:
        return self.config.env

    @property
    def entrypoint(self) -> tuple[str, ...] | None:
        return self.config.entrypoint

    @property
    def cmd(self) -> tuple[str, ...] | None:
        return self.config.cmd

    @property
    def working_dir(self) -> str | None:
        return self.config.working_dir

    @property
    def user(self) -> str | None:
        return self.config.user

    @property
    def exposed_ports(self) -> tuple[str, ...]:
        return tuple(self.config.exposed_ports)

    @property
    def volumes(self) -> tuple[str, ...]:
        return tuple(self.config.volumes)

    @property
    def labels(self) -> dict[str, str]:
        return self.config.labels

    @property
    def stop_signal(self) -> str | None:
        return self.config.stop_signal

    @property
    def healthcheck(self) -> Healthcheck | None:
        return self.config.healthcheck

    @property
    def layer_history(self) -> tuple[HistoryEntry, ...]:
        """History entries that produced a layer, in layer order."""
        return tuple(entry for entry in self.history if not entry.empty_layer)

    @property
    def empty_history(self) -> tuple[HistoryEntry, ...]:
        """History entries that changed only metadata (ENV, CMD, LABEL, ...)."""
        return tuple(entry for entry in self.history if entry.empty_layer)


def parse_image_config(data: bytes, media_type: str | None = None) -> ImageConfig:
    """Parse an image config blob, keeping its raw bytes and sha256 digest.

    Raises ManifestError (one line) for anything that is not a JSON object shaped like a config.
    """
    doc = load_json_object(data, "image config")
    warnings: list[str] = []
    if "schemaVersion" in doc:  # only manifests carry it, whatever else they hold
        raise ManifestError("image config: this is a manifest, not an image config")
    try:
        config = ImageConfig.model_validate(document_fields(doc))
    except ValidationError as exc:
        raise ManifestError(validation_message(exc, "image config")) from None
    if not config.architecture or not config.os:
        warnings.append("image config does not name its architecture and os")
    layer_steps = len(config.layer_history)
    diff_ids = len(config.rootfs.diff_ids)
    if config.history and layer_steps != diff_ids:
        warnings.append(f"history has {layer_steps} layer steps but rootfs lists {diff_ids} layers")
    raw = bytes(data)
    return config.model_copy(
        update={
            "raw": raw,
            "digest": "sha256:" + hashlib.sha256(raw).hexdigest(),
            "media_type": media_type or MediaTypes.OCI_CONFIG,
            "warnings": tuple(warnings),
        }
    )
