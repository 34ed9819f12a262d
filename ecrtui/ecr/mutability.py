"""Tag mutability and its exclusion filters: which tags of a repository may move, checked before any call.

ECR (botocore 1.39.11 and later): MUTABLE and IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION (tags are fixed except those
matching a filter) and MUTABLE_WITH_EXCLUSION (tags move except those matching a filter), with 1-5 wildcard filters
of ``[0-9a-zA-Z._*-]``, 1-128 characters, where ``*`` matches any run of characters. Knowing the rule here lets a
"move tag" say why ECR would refuse before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Literal

from ecrtui.ecr.errors import InvalidInput

__all__ = [
    "MAX_EXCLUSION_FILTERS",
    "TagMutability",
    "TagRules",
    "check_exclusion_filter",
    "mutability_params",
]

TagMutability = Literal["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"]
MUTABILITIES: tuple[TagMutability, ...] = (
    "MUTABLE",
    "IMMUTABLE",
    "IMMUTABLE_WITH_EXCLUSION",
    "MUTABLE_WITH_EXCLUSION",
)
MAX_EXCLUSION_FILTERS = 5
_FILTER = re.compile(r"^[0-9a-zA-Z._*-]{1,128}$")
_FILTER_CHAR = re.compile(r"[0-9a-zA-Z._*-]")


def check_exclusion_filter(text: str) -> str:
    """A filter ECR accepts, or ``InvalidInput`` naming what is wrong (``'v 1' contains a space``)."""
    if not text:
        raise InvalidInput("an exclusion filter is empty")
    if len(text) > 128:
        raise InvalidInput(f"exclusion filter '{text[:40]}…' is {len(text)} characters; the limit is 128")
    if not _FILTER.match(text):
        bad = next(c for c in text if not _FILTER_CHAR.match(c))
        what = "a space" if bad == " " else repr(bad)
        raise InvalidInput(
            f"exclusion filter '{text}' contains {what} (letters, digits, '.', '_', '-' and '*' only)"
        )
    return text


@dataclass(frozen=True, slots=True)
class TagRules:
    """A repository's tag mutability: the setting and its exclusion filters."""

    mutability: str
    exclusion_filters: tuple[str, ...] = ()

    @classmethod
    def of(cls, repository: Any) -> TagRules:
        """The rules of a ``Repository`` (its ``image_tag_mutability`` and ``tag_mutability_exclusion_filters``)."""
        return cls(str(repository.image_tag_mutability), tuple(repository.tag_mutability_exclusion_filters))

    @property
    def base_immutable(self) -> bool:
        """Whether tags are fixed unless a filter says otherwise."""
        return self.mutability in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")

    def excluded(self, tag: str) -> str | None:
        """The first exclusion filter ``tag`` matches, if the setting has filters."""
        if self.mutability not in ("IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"):
            return None
        return next((f for f in self.exclusion_filters if fnmatchcase(tag, f)), None)

    def is_immutable(self, tag: str) -> bool:
        """Whether ECR refuses to move ``tag`` to another image."""
        return self.base_immutable != (self.excluded(tag) is not None)

    def why_immutable(self, tag: str) -> str | None:
        """Why ``tag`` cannot move, in one clause, or None if it can."""
        if not self.is_immutable(tag):
            return None
        if self.mutability == "IMMUTABLE":
            return "the repository's tags are immutable"
        if self.mutability == "IMMUTABLE_WITH_EXCLUSION":
            filters = ", ".join(self.exclusion_filters)
            return (
                f"the repository's tags are immutable and '{tag}' matches none of its exclusions ({filters})"
            )
        return f"'{tag}' matches the immutable exclusion filter '{self.excluded(tag)}'"

    def describe(self) -> str:
        """``mutable``, ``immutable``, ``immutable except latest, nightly-*``, ``mutable except v*``."""
        base = "immutable" if self.base_immutable else "mutable"
        if self.mutability.endswith("_WITH_EXCLUSION") and self.exclusion_filters:
            return f"{base} except {', '.join(self.exclusion_filters)}"
        return base


def mutability_params(mutability: str, exclusion_filters: Sequence[str]) -> dict[str, Any]:
    """``imageTagMutability`` and its filters as ``CreateRepository``/``PutImageTagMutability`` take them.

    Filters with MUTABLE or IMMUTABLE choose the ``_WITH_EXCLUSION`` form (what the user means); an
    ``_WITH_EXCLUSION`` setting without filters, an unknown setting, more than five filters or a malformed one
    raise ``InvalidInput``.
    """
    filters = list(dict.fromkeys(check_exclusion_filter(f) for f in exclusion_filters))
    if mutability not in MUTABILITIES:
        raise InvalidInput(f"tag mutability '{mutability}' is not one of {', '.join(MUTABILITIES)}")
    if filters and mutability in ("MUTABLE", "IMMUTABLE"):
        mutability = f"{mutability}_WITH_EXCLUSION"
    if mutability.endswith("_WITH_EXCLUSION") and not filters:
        raise InvalidInput(f"{mutability} needs at least one exclusion filter")
    if len(filters) > MAX_EXCLUSION_FILTERS:
        raise InvalidInput(f"{len(filters)} exclusion filters; ECR allows at most {MAX_EXCLUSION_FILTERS}")
    params: dict[str, Any] = {"imageTagMutability": mutability}
    if filters:
        params["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in filters
        ]
    return params
