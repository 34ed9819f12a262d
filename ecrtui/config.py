"""Typed settings: a TOML file under the user config dir, then ``ECRTUI_*`` environment, then flags.

Loaded once by the launcher and injected into the App, so tests build settings directly and nothing reads the
environment behind the App's back. No Textual import: ``ecrtui --help`` and the data layer stay light.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "ECRTUI_"
CONFIG_FILE_NAME = "config.toml"
_ACCOUNT_RE = re.compile(r"^\d{12}$")


class ConfigError(Exception):
    """The config file or environment is unusable; ``str()`` is one line for the user."""


class RegistryEntry(BaseModel):
    """An extra registry to list: a profile/region pair, or another account's registry reached through it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = None
    """Shown in the registries pane instead of the profile name."""
    profile: str | None = None
    """AWS profile whose credentials are used (None: the default chain)."""
    region: str | None = None
    """Region override (None: the profile's region)."""
    endpoint_url: str | None = None
    """ECR endpoint override, e.g. a local sandbox."""
    registry_id: str | None = None
    """Another account's registry (12 digits) readable through a repository policy."""

    @field_validator("registry_id")
    @classmethod
    def _twelve_digits(cls, value: str | None) -> str | None:
        if value is not None and not _ACCOUNT_RE.match(value):
            raise ValueError("registry_id must be a 12-digit AWS account id")
        return value

    @property
    def probeable(self) -> bool:
        """Whether a background STS call can tell this row's account: a profile's own registry at its
        configured endpoint (a row naming another account shows it already; an explicit endpoint is identified
        when opened)."""
        return self.profile is not None and self.registry_id is None and self.endpoint_url is None


class Settings(BaseModel):
    """Everything the user can configure. Defaults make a fresh install work with no file at all."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str = "textual-dark"
    """A Textual theme name (``ctrl+p`` → "view: toggle theme" switches at run time)."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id → keys, e.g. ``{"app.quit" = "ctrl+q"}``; ids are listed on the ``?`` screen."""
    registries: tuple[RegistryEntry, ...] = ()
    """Registries listed after the AWS config profiles."""
    cache_ttl: int = Field(default=300, ge=0)
    """Seconds a repository or image listing is reused before it is fetched again (``r`` always refetches)."""
    cache_images: int = Field(default=200_000, ge=0)
    """Images the cached image listings may hold together, across every registry (least recently used out
    first; about 30 MB per 100,000 images). 0 keeps no image listing once you leave it."""
    read_only: bool = False
    """Refuse every change to ECR (the header shows a READ-ONLY badge)."""
    copy_unreachable_seconds: float = Field(default=60.0, ge=0)
    """How long one copy job (every image of a batch together) keeps calling an endpoint that does not answer
    before it stops with one line saying so."""


def default_config_path() -> Path:
    """``<user config dir>/ecrtui/config.toml``; platformdirs is imported here only."""
    import platformdirs

    return Path(platformdirs.user_config_dir("ecrtui")) / CONFIG_FILE_NAME


def _env_values(env: Mapping[str, str]) -> dict[str, Any]:
    """Scalar settings from ``ECRTUI_THEME``, ``ECRTUI_CACHE_TTL``, ``ECRTUI_CACHE_IMAGES``, ``ECRTUI_READ_ONLY``,
    ``ECRTUI_COPY_UNREACHABLE_SECONDS``."""
    values: dict[str, Any] = {}
    for field in ("theme", "cache_ttl", "cache_images", "read_only", "copy_unreachable_seconds"):
        raw = env.get(ENV_PREFIX + field.upper())
        if raw is None or raw == "":
            continue
        if field == "read_only":
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                values[field] = True
            elif lowered in ("0", "false", "no", "off"):
                values[field] = False
            else:
                raise ConfigError(f"{ENV_PREFIX}READ_ONLY must be true or false, not {raw!r}")
        else:
            values[field] = raw
    return values


def _describe(error: ValidationError, source: str) -> str:
    """The first validation problem as one line: where and what."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"{source}: {where}: {first['msg']}"


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the TOML file (missing file is fine unless named explicitly) overlaid by the environment.

    ``path`` None means ``ECRTUI_CONFIG`` or the default location. Raises ``ConfigError`` with one line.
    """
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get(ENV_PREFIX + "CONFIG"))
    if path is None:
        path = Path(env[ENV_PREFIX + "CONFIG"]) if env.get(ENV_PREFIX + "CONFIG") else default_config_path()
    data: dict[str, Any] = {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    data.update(_env_values(env))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(path))) from None


def apply_flags(settings: Settings, *, read_only: bool | None) -> Settings:
    """A flag the user typed beats the file and the environment; ``None`` means "not given"."""
    if read_only is None:
        return settings
    return settings.model_copy(update={"read_only": read_only})
