"""AWS profiles read straight from the config files with configparser.

The registries pane and the ``--profile`` check need the profile list before boto3 is imported (boto3 costs
hundreds of milliseconds and must not delay the first frame), so this reads the same files botocore reads.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class AwsFiles:
    """Where the AWS config and credentials files are (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)."""

    config_file: Path
    credentials_file: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AwsFiles:
        """The files botocore would read for this environment."""
        home = Path(env.get("HOME") or Path.home())
        config = env.get("AWS_CONFIG_FILE") or str(home / ".aws" / "config")
        credentials = env.get("AWS_SHARED_CREDENTIALS_FILE") or str(home / ".aws" / "credentials")
        return cls(Path(config).expanduser(), Path(credentials).expanduser())


@dataclass(frozen=True)
class ProfileInfo:
    """One profile as the files describe it (account is unknown until STS answers)."""

    name: str
    region: str | None = None


def _read(path: Path) -> configparser.RawConfigParser:
    """Parse one INI file; a missing or broken file reads as empty (botocore then reports the real problem)."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return configparser.RawConfigParser()
    return parser


def read_profiles(files: AwsFiles) -> list[ProfileInfo]:
    """Every profile in the config and credentials files, ``default`` first, then in file order."""
    regions: dict[str, str | None] = {}
    config = _read(files.config_file)
    for section in config.sections():
        if section == DEFAULT_PROFILE:
            name = DEFAULT_PROFILE
        elif section.startswith("profile "):
            name = section.removeprefix("profile ").strip()
        else:
            continue  # sso-session, services, ...
        regions[name] = config.get(section, "region", fallback=None) or None
    credentials = _read(files.credentials_file)
    for section in credentials.sections():
        regions.setdefault(section.strip(), None)
    names = sorted(regions, key=lambda n: n != DEFAULT_PROFILE)  # stable: default first, then file order
    return [ProfileInfo(name, regions[name]) for name in names]


def read_profile_settings(files: AwsFiles, profile: str) -> dict[str, str]:
    """One profile's settings, the credentials file's section overlaid by the config file's (botocore's order)."""
    settings: dict[str, str] = {}
    credentials = _read(files.credentials_file)
    if credentials.has_section(profile):
        settings.update(credentials.items(profile))
    config = _read(files.config_file)
    section = profile if profile == DEFAULT_PROFILE else f"profile {profile}"
    if config.has_section(section):
        settings.update(config.items(section))
    return settings


def profile_names(files: AwsFiles) -> list[str]:
    """Just the names, for messages and the palette."""
    return [profile.name for profile in read_profiles(files)]
