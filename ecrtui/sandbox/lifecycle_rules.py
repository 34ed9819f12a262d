"""ECR lifecycle policies: the rules checked as ``PutLifecyclePolicy`` checks them, and evaluated as ECR does.

moto 5.2.5 stores a policy but knows only ``expire`` with ``imageCountMoreThan``/``sinceImagePushed``, refuses
``transition``, ``sinceImagePulled``, ``sinceImageTransitioned`` and ``storageClass``, and has no preview. The
rules here follow the ECR user guide ("Lifecycle policy properties", "Lifecycle policy evaluation rules") and what
users of archive storage report:

- ``selection``: ``tagStatus`` tagged (with exactly one of ``tagPrefixList`` / ``tagPatternList``), untagged or
  any (with neither); ``storageClass`` standard (the default) or archive; ``countType`` ``imageCountMoreThan``,
  ``sinceImagePushed``, ``sinceImagePulled`` (last recorded pull, else the push) or ``sinceImageTransitioned``
  (archive only, at least 90 days: the archive's minimum storage duration); ``countUnit`` days for the ``since*``
  types and absent otherwise; ``countNumber`` at least 1. ``sinceImagePulled`` only archives (transition).
- ``action``: ``expire``, or ``transition`` with ``targetStorageClass`` archive (standard images only).
- Priorities are unique; within a storage class at most one rule selects untagged images, and a rule with
  ``tagStatus`` any must be the last (highest priority number).
- Tag patterns take ``*`` wildcards (at most four per pattern); with several prefixes or patterns an image is
  selected only when every one matches one of its tags.

Evaluation: rules apply in priority order to the images of their storage class (standard: ACTIVE and ACTIVATING;
archive: ARCHIVED). An image is acted on by at most one rule; an image that matches the tag selection of a rule
with a higher priority is never acted on by a lower one, though lower rules still count it
(``imageCountMoreThan`` keeps the newest ``countNumber`` of everything it selects). Older images go first. An image
an index refers to is acted on only together with an index that refers to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.images import SandboxImage

TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
STORAGE_CLASSES = ("standard", "archive")
ACTION_TYPES = ("expire", "transition")
MIN_ARCHIVE_DAYS = 90
MAX_WILDCARDS = 4
_RULE_KEYS = {"rulePriority", "description", "selection", "action"}
_SELECTION_KEYS = {
    "tagStatus",
    "tagPrefixList",
    "tagPatternList",
    "storageClass",
    "countType",
    "countUnit",
    "countNumber",
}
_ACTION_KEYS = {"type", "targetStorageClass"}
_PATTERN = re.compile(r"^[A-Za-z0-9_.*-]{1,128}$")
_PREFIX = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


class PolicyError(InvalidParameterException):
    """A policy ECR would refuse, worded as ECR words it."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
            f"'Lifecycle policy validation failure: {reason}'"
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a lifecycle policy, checked."""

    priority: int
    tag_status: str
    prefixes: tuple[str, ...]
    patterns: tuple[str, ...]
    storage_class: str
    count_type: str
    count_number: int
    action: str
    description: str = ""

    def selects_tags(self, tags: Sequence[str]) -> bool:
        """Whether an image with ``tags`` meets this rule's tag selection."""
        if self.tag_status == "any":
            return True
        if self.tag_status == "untagged":
            return not tags
        if not tags:
            return False
        if self.prefixes:
            return all(any(tag.startswith(p) for tag in tags) for p in self.prefixes)
        return all(any(fnmatchcase(tag, p) for tag in tags) for p in self.patterns)

    def selects(self, image: SandboxImage) -> bool:
        """Tag selection and storage class."""
        return storage_class_of(image) == self.storage_class and self.selects_tags(image.image_tags)


def storage_class_of(image: SandboxImage) -> str:
    """``archive`` for an archived image, ``standard`` otherwise (an image being restored is not in archive)."""
    return "archive" if image.image_status == "ARCHIVED" else "standard"


def _strings(value: object, name: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{name} must be a non-empty list of strings")
    for item in value:
        if not pattern.match(item):
            raise PolicyError(
                f"{name} entry {item!r} is not a valid tag {'pattern' if '*' in item else 'prefix'}"
            )
        if item.count("*") > MAX_WILDCARDS:
            raise PolicyError(f"{name} entry {item!r} has more than {MAX_WILDCARDS} wildcards")
    return tuple(value)


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError(f"{name} must be an integer of at least 1 (got {value!r})")
    return value


def _rule(raw: object) -> Rule:
    if not isinstance(raw, dict):
        raise PolicyError("each rule must be an object")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise PolicyError(f"rule has properties which are not allowed: {unknown}")
    missing = sorted({"rulePriority", "selection", "action"} - set(raw))
    if missing:
        raise PolicyError(f"rule has missing required properties {missing}")
    priority = _integer(raw["rulePriority"], "rulePriority")
    selection, action = raw["selection"], raw["action"]
    if not isinstance(selection, dict) or not isinstance(action, dict):
        raise PolicyError(f"rule {priority}: selection and action must be objects")
    unknown = sorted((set(selection) - _SELECTION_KEYS) | (set(action) - _ACTION_KEYS))
    if unknown:
        raise PolicyError(f"rule {priority} has properties which are not allowed: {unknown}")
    tag_status = selection.get("tagStatus")
    if tag_status not in TAG_STATUSES:
        raise PolicyError(f"rule {priority}: tagStatus must be one of {', '.join(TAG_STATUSES)}")
    prefixes: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    has_prefixes, has_patterns = "tagPrefixList" in selection, "tagPatternList" in selection
    if tag_status == "tagged":
        if has_prefixes == has_patterns:
            raise PolicyError(
                f"rule {priority}: tagged needs exactly one of tagPrefixList and tagPatternList"
            )
        if has_prefixes:
            prefixes = _strings(selection["tagPrefixList"], "tagPrefixList", _PREFIX)
        else:
            patterns = _strings(selection["tagPatternList"], "tagPatternList", _PATTERN)
    elif has_prefixes or has_patterns:
        raise PolicyError(f"rule {priority}: tagPrefixList and tagPatternList go only with tagStatus tagged")
    storage_class = selection.get("storageClass", "standard")
    if storage_class not in STORAGE_CLASSES:
        raise PolicyError(f"rule {priority}: storageClass must be standard or archive")
    count_type = selection.get("countType")
    if count_type not in COUNT_TYPES:
        raise PolicyError(f"rule {priority}: countType must be one of {', '.join(COUNT_TYPES)}")
    count_number = _integer(selection.get("countNumber"), f"rule {priority}: countNumber")
    if count_type == "imageCountMoreThan":
        if "countUnit" in selection:
            raise PolicyError(f"rule {priority}: countUnit is not allowed with imageCountMoreThan")
    elif selection.get("countUnit") != "days":
        raise PolicyError(f"rule {priority}: countUnit must be days with {count_type}")
    if (count_type == "sinceImageTransitioned") != (storage_class == "archive"):
        raise PolicyError(
            f"rule {priority}: sinceImageTransitioned goes with storageClass archive, and only it"
        )
    if count_type == "sinceImageTransitioned" and count_number < MIN_ARCHIVE_DAYS:
        raise PolicyError(
            f"rule {priority}: archived images are kept at least {MIN_ARCHIVE_DAYS} days (countNumber {count_number})"
        )
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        raise PolicyError(f"rule {priority}: action type must be expire or transition")
    if kind == "transition":
        if action.get("targetStorageClass") != "archive":
            raise PolicyError(f"rule {priority}: transition needs targetStorageClass archive")
        if storage_class == "archive":
            raise PolicyError(f"rule {priority}: archived images cannot transition")
    elif "targetStorageClass" in action:
        raise PolicyError(f"rule {priority}: targetStorageClass goes only with transition")
    if count_type == "sinceImagePulled" and kind != "transition":
        raise PolicyError(f"rule {priority}: sinceImagePulled can only transition images to archive")
    description = raw.get("description", "")
    return Rule(
        priority=priority,
        tag_status=tag_status,
        prefixes=prefixes,
        patterns=patterns,
        storage_class=storage_class,
        count_type=count_type,
        count_number=count_number,
        action=kind,
        description=description if isinstance(description, str) else "",
    )


def parse_policy(text: object) -> list[Rule]:
    """The rules of a policy, in priority order; ``PolicyError`` for anything ECR would refuse."""
    if not isinstance(text, str):
        raise PolicyError("Could not map policyString into LifecyclePolicy.")
    try:
        document = json.loads(text)
    except ValueError:
        raise PolicyError("Could not map policyString into LifecyclePolicy.") from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list) or not document["rules"]:
        raise PolicyError('object has missing required properties (["rules"])')
    rules = sorted((_rule(raw) for raw in document["rules"]), key=lambda r: r.priority)
    priorities = [r.priority for r in rules]
    if len(set(priorities)) != len(priorities):
        raise PolicyError("rulePriority values must be unique")
    for storage_class in STORAGE_CLASSES:
        in_class = [r for r in rules if r.storage_class == storage_class]
        if sum(r.tag_status == "untagged" for r in in_class) > 1:
            raise PolicyError(f"only one rule may select untagged images ({storage_class})")
        for position, rule in enumerate(in_class):
            if rule.tag_status == "any" and position != len(in_class) - 1:
                raise PolicyError(
                    f"rule {rule.priority}: a rule with tagStatus any must have the highest rulePriority"
                )
    return rules


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one rule does to one image."""

    image: SandboxImage
    rule: Rule


def _reference_time(image: SandboxImage, count_type: str) -> datetime | None:
    if count_type == "sinceImagePulled":
        return image.last_pulled_at or image.pushed_at
    if count_type == "sinceImageTransitioned":
        return image.last_archived_at
    return image.pushed_at


def _candidates(rule: Rule, selected: list[SandboxImage], now: datetime) -> list[SandboxImage]:
    """The images ``rule`` would act on, ignoring other rules, oldest first."""
    if rule.count_type == "imageCountMoreThan":
        newest_first = sorted(selected, key=lambda i: (i.pushed_at, i.image_digest), reverse=True)
        return list(reversed(newest_first[rule.count_number :]))
    limit = timedelta(days=rule.count_number)
    aged = []
    for image in selected:
        since = _reference_time(image, rule.count_type)
        if since is not None and now - since > limit:
            aged.append(image)
    return sorted(aged, key=lambda i: (i.pushed_at, i.image_digest))


def evaluate(rules: Sequence[Rule], images: Iterable[SandboxImage], now: datetime) -> list[Outcome]:
    """What the policy does to ``images`` at ``now``, in rule-priority order, oldest image first."""
    pool = list(images)
    claimed: dict[str, Rule] = {}
    for number, rule in enumerate(rules):
        higher = [r for r in rules[:number] if r.storage_class == rule.storage_class]
        selected = [i for i in pool if rule.selects(i)]
        for image in _candidates(rule, selected, now):
            if image.image_digest in claimed or any(r.selects_tags(image.image_tags) for r in higher):
                continue
            claimed[image.image_digest] = rule
    _release_index_children(pool, claimed)
    order = {id(r): n for n, r in enumerate(rules)}
    outcomes = [Outcome(i, claimed[i.image_digest]) for i in pool if i.image_digest in claimed]
    outcomes.sort(key=lambda o: (order[id(o.rule)], o.image.pushed_at, o.image.image_digest))
    return outcomes


def _children(image: SandboxImage) -> list[str]:
    if '"manifests"' not in image.image_manifest:
        return []
    try:
        entries = json.loads(image.image_manifest).get("manifests") or []
    except (ValueError, AttributeError):
        return []
    return [e["digest"] for e in entries if isinstance(e, dict) and isinstance(e.get("digest"), str)]


def _release_index_children(pool: list[SandboxImage], claimed: dict[str, Rule]) -> None:
    """An image an index refers to goes only with an index that refers to it and gets the same action."""
    parents: dict[str, list[str]] = {}
    for image in pool:
        for child in _children(image):
            parents.setdefault(child, []).append(image.image_digest)
    changed = True
    while changed:
        changed = False
        for digest, rule in list(claimed.items()):
            referrers = parents.get(digest)
            if not referrers:
                continue
            if not any(p in claimed and claimed[p].action == rule.action for p in referrers):
                del claimed[digest]
                changed = True


def preview_entry(outcome: Outcome) -> dict[str, Any]:
    """One ``previewResults`` entry of ``GetLifecyclePolicyPreview``."""
    image, rule = outcome.image, outcome.rule
    action: dict[str, str] = {"type": rule.action.upper()}
    if rule.action == "transition":
        action["targetStorageClass"] = "ARCHIVE"
    entry: dict[str, Any] = {
        "imageDigest": image.image_digest,
        "imagePushedAt": image.pushed_at,
        "action": action,
        "appliedRulePriority": rule.priority,
        "storageClass": storage_class_of(image).upper(),
    }
    if image.image_tags:
        entry["imageTags"] = list(image.image_tags)
    return entry
