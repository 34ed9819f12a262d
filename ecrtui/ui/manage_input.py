"""What the management dialogs read from a person and check as they type, with no Textual import.

The forms (tag, repository name, exclusion filters, resource tags) turn text into the values ``ecrtui.manage``
plans take, and say in one line what is wrong; the rules themselves are the data layer's (``check_tag``,
``check_repository_name``, ``check_exclusion_filter``, ``resource_tag_list``), so a dialog never accepts what the
headless commands would refuse. ``row_after_removal`` keeps the Images cursor near rows that go away.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ecr.mutability import MAX_EXCLUSION_FILTERS, TagMutability, check_exclusion_filter
from ecrtui.ecr.refs import InvalidReference, check_repository_name, check_tag
from ecrtui.ecr.repositories import resource_tag_list

__all__ = [
    "MUTABILITY_LABELS",
    "filters_text",
    "needs_filters",
    "parse_filters",
    "parse_resource_tags",
    "repository_name_problem",
    "resource_tags_text",
    "row_after_removal",
    "tag_problem",
]

MUTABILITY_LABELS: tuple[tuple[str, TagMutability], ...] = (
    ("mutable: tags move", "MUTABLE"),
    ("immutable: tags never move", "IMMUTABLE"),
    ("immutable, except tags matching a filter", "IMMUTABLE_WITH_EXCLUSION"),
    ("mutable, except tags matching a filter", "MUTABLE_WITH_EXCLUSION"),
)
"""The tag mutability choices as a person reads them, with ECR's value."""

_SEPARATORS = re.compile(r"[\s,]+")


def tag_problem(text: str) -> str | None:
    """Why ``text`` is not a tag ECR takes, or ``None``."""
    try:
        check_tag(text)
    except InvalidReference as exc:
        return str(exc)
    return None


def repository_name_problem(text: str) -> str | None:
    """Why ``text`` is not a repository name ECR takes, or ``None``."""
    try:
        check_repository_name(text)
    except InvalidReference as exc:
        return str(exc)
    return None


def needs_filters(mutability: str) -> bool:
    """Whether a tag mutability setting takes exclusion filters (and needs at least one)."""
    return mutability.endswith("_WITH_EXCLUSION")


def parse_filters(text: str) -> tuple[str, ...]:
    """``latest, dev-*`` → ``("latest", "dev-*")``, each checked (``InvalidInput`` says which and why)."""
    filters = tuple(dict.fromkeys(part for part in _SEPARATORS.split(text.strip()) if part))
    if len(filters) > MAX_EXCLUSION_FILTERS:
        raise InvalidInput(f"{len(filters)} exclusion filters; ECR takes at most {MAX_EXCLUSION_FILTERS}")
    for item in filters:
        check_exclusion_filter(item)
    return filters


def filters_text(filters: Sequence[str]) -> str:
    """The filters as the form shows them."""
    return ", ".join(filters)


def parse_resource_tags(text: str) -> dict[str, str]:
    """``team=web, env=dev`` (commas or new lines) → ``{"team": "web", "env": "dev"}``, checked.

    A value may be empty (``key=``); a key given twice keeps the last value. ``InvalidInput`` names the entry.
    """
    tags: dict[str, str] = {}
    for entry in re.split(r"[,\n]", text):
        item = entry.strip()
        if not item:
            continue
        key, equals, value = item.partition("=")
        if not equals:
            raise InvalidInput(f"resource tag '{item}' has no '=' (write key=value)")
        key = key.strip()
        if not key:
            raise InvalidInput(f"resource tag '{item}' has no key")
        tags[key] = value.strip()
    resource_tag_list(tags)
    return tags


def resource_tags_text(tags: Mapping[str, str]) -> str:
    """Resource tags one ``key=value`` per line, sorted by key (what the editor starts with)."""
    return "\n".join(f"{key}={tags[key]}" for key in sorted(tags))


def row_after_removal(keys: Sequence[str], cursor: int, leaving: Collection[str]) -> str | None:
    """The row key the cursor should rest on once the rows in ``leaving`` are gone: the cursor's own row if it
    stays, else the next row that stays, else the closest one above; ``None`` when nothing stays."""
    if not keys:
        return None
    cursor = max(0, min(cursor, len(keys) - 1))
    if keys[cursor] not in leaving:
        return keys[cursor]
    after = next((key for key in keys[cursor + 1 :] if key not in leaving), None)
    if after is not None:
        return after
    return next((key for key in reversed(keys[:cursor]) if key not in leaving), None)
