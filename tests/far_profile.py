"""A second sandbox's registry as a profile of the first one's files: copies between two sandboxes, one of which
a test can stop (a dead endpoint) while the other stays up."""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

__all__ = ["with_far_profile"]


def with_far_profile(source: Any, far: Any, into: Path) -> dict[str, str]:
    """The source sandbox's profiles plus ``far``: the other sandbox's demo-prod (its endpoint, its keys)."""
    into.mkdir()
    for name, section in (("config", "profile demo-prod"), ("credentials", "demo-prod")):
        mine = configparser.ConfigParser()
        mine.read(source.profiles_dir / name)
        theirs = configparser.ConfigParser()
        theirs.read(far.profiles_dir / name)
        far_name = "profile far" if name == "config" else "far"
        mine[far_name] = dict(theirs[section])
        with (into / name).open("w", encoding="utf-8") as handle:
            mine.write(handle)
    return {"AWS_CONFIG_FILE": str(into / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(into / "credentials")}
