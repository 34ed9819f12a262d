"""Demo content for managing what you browse: archived images, lifecycle policies to preview, enhanced scan
findings, and tag-mutability exclusion filters, all in ``demo-dev``.

Added after the dev and prod registries are built, with its own random sequence, so the rest of the demo is
byte-for-byte what it was. Archived images are new old releases (``web/api`` 0.9.x): ECR lists only ACTIVE images
unless asked, so the default listings stay as they were. Lifecycle rules are evaluated as of ``LIFECYCLE_NOW``, the
day after the newest push, so previews read the same on every run.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from moto.ecr.models import Repository

from ecrtui.sandbox import archive
from ecrtui.sandbox.images import repo_images
from ecrtui.sandbox.profiles import DEV_PROFILE
from ecrtui.sandbox.runtime import current
from ecrtui.sandbox.scans import ENHANCED_STATUS, completed_summary
from ecrtui.sandbox.seed import (
    API_REPOSITORY,
    DEMO_EPOCH,
    ETL_REPOSITORY,
    IMMUTABLE_REPOSITORY,
    MIGRATE_REPOSITORY,
)
from ecrtui.sandbox.seed_content import build_image
from ecrtui.sandbox.seed_kit import Layers, SeedRegistry, python_app

LIFECYCLE_NOW = DEMO_EPOCH + timedelta(days=1)
"""The moment the demo's lifecycle policies are evaluated at."""

ARCHIVED_API_RELEASES = ("v0.9.0", "v0.9.1", "v0.9.2")
"""Old ``web/api`` releases kept in archive (ARCHIVED), archived 200, 120 and 30 days before the epoch."""
ARCHIVED_DAYS_AGO = (200, 120, 30)

API_LIFECYCLE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive 1.0 releases, keeping the newest",
            "selection": {"tagStatus": "tagged", "tagPatternList": ["v1.0.*"], "countType": "imageCountMoreThan", "countNumber": 1},
            "action": {"type": "transition", "targetStorageClass": "archive"},
        },
        {
            "rulePriority": 2,
            "description": "Expire untagged feature builds after 7 days",
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7},
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 3,
            "description": "Delete images 90 days after they were archived",
            "selection": {
                "tagStatus": "any",
                "storageClass": "archive",
                "countType": "sinceImageTransitioned",
                "countUnit": "days",
                "countNumber": 90,
            },
            "action": {"type": "expire"},
        },
    ]
}  # fmt: skip

ETL_LIFECYCLE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire release candidates after 14 days",
            "selection": {"tagStatus": "tagged", "tagPrefixList": ["1.8.0-rc"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Archive images nobody pulled for 30 days",
            "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 30},
            "action": {"type": "transition", "targetStorageClass": "archive"},
        },
    ]
}  # fmt: skip

BASE_EXCLUSION_FILTERS = ("latest",)
"""``platform/base`` is IMMUTABLE_WITH_EXCLUSION: release tags never move, ``latest`` does."""
MIGRATE_EXCLUSION_FILTERS = ("v*",)
"""``tools/db-migrate`` is MUTABLE_WITH_EXCLUSION: ``latest`` moves, ``v*`` release tags do not."""


def _set_mutability(repository: Repository, mutability: str, filters: tuple[str, ...]) -> None:
    repository.image_tag_mutability = mutability
    repository.image_tag_mutability_exclusion_filters = [
        {"filterType": "WILDCARD", "filter": f} for f in filters
    ]


def _archived_api_releases(
    reg: SeedRegistry, repository: Repository, layers: Layers, rng: random.Random
) -> None:
    for number, (version, archived) in enumerate(zip(ARCHIVED_API_RELEASES, ARCHIVED_DAYS_AGO, strict=True)):
        pushed = DEMO_EPOCH - timedelta(days=420 - 30 * number, hours=3)
        image = reg.push(
            repository,
            build_image(python_app(layers, "api", version, "v0.9", pushed, rng)),
            pushed,
            [version],
        )
        archive.archive(repository, image)
        image.last_archived_at = DEMO_EPOCH - timedelta(days=archived)


def _enhanced_scans(repository: Repository, rng: random.Random) -> None:
    """Amazon Inspector (enhanced, continuous) findings on every image: fix and exploit availability shown."""
    for image in repo_images(repository).images:
        image.scan_summary = completed_summary(rng, image.pushed_at + timedelta(minutes=12), ENHANCED_STATUS)


def seed_management(layers: Layers) -> None:
    """Add the management demo content to ``demo-dev`` (after the dev and prod seeds)."""
    rng = random.Random("ecrtui-demo-manage")
    reg = SeedRegistry(DEV_PROFILE.account_id, DEV_PROFILE.region)
    repositories = reg.backend.repositories
    api = repositories[API_REPOSITORY]
    _archived_api_releases(reg, api, layers, rng)
    api.lifecycle_policy = json.dumps(API_LIFECYCLE_POLICY)
    etl = repositories[ETL_REPOSITORY]
    _enhanced_scans(etl, rng)
    etl.lifecycle_policy = json.dumps(ETL_LIFECYCLE_POLICY)
    base = repositories[IMMUTABLE_REPOSITORY]
    _set_mutability(base, "IMMUTABLE_WITH_EXCLUSION", BASE_EXCLUSION_FILTERS)
    newest = max(repo_images(base).images, key=lambda i: i.pushed_at)
    repo_images(base).tag(newest, "latest")
    _set_mutability(repositories[MIGRATE_REPOSITORY], "MUTABLE_WITH_EXCLUSION", MIGRATE_EXCLUSION_FILTERS)
    current().lifecycle_now = LIFECYCLE_NOW
