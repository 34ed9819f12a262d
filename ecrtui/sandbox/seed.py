"""The demo seed: a believable dev registry and a prod registry it promotes to.

``demo-dev`` (111111111111, us-east-1) holds namespaced repositories with Docker v2 and OCI images, multi-arch
indexes with BuildKit attestations, a Docker manifest list, Helm chart artifacts, a legacy schema 1 image, an
IMMUTABLE repository, a repository of 320 nightly builds (so paging shows), repository tags, a repository policy
and a lifecycle policy. ``demo-prod`` (222222222222, eu-west-1) holds releases promoted from dev: same manifests,
same digests. A replication rule sends dev's ``web/`` to prod (``seed_replication``). Every byte and timestamp is fixed, so two starts give identical registries. Tests and screenshots
refer to the data through the constants below.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from ecrtui.sandbox.profiles import PROD_PROFILE

DEMO_EPOCH = datetime(2026, 5, 29, 16, 0, tzinfo=UTC)
"""The newest push in the demo; everything else is older."""

API_REPOSITORY = "web/api"
FRONTEND_REPOSITORY = "web/frontend"
MULTIARCH_REPOSITORY = "web/gateway"
MULTIARCH_TAG = "v2.1.0"
ETL_REPOSITORY = "data/etl"
LOADER_REPOSITORY = "data/warehouse-loader"
FEATURE_STORE_REPOSITORY = "data/ml/feature-store"
IMMUTABLE_REPOSITORY = "platform/base"
BIG_REPOSITORY = "platform/ci-runner"
BIG_REPOSITORY_IMAGES = 320
MIGRATE_REPOSITORY = "tools/db-migrate"
MANIFEST_LIST_REPOSITORY = "tools/debug-shell"
ARTIFACT_REPOSITORY = "charts/web-api"
SCHEMA1_REPOSITORY = "legacy/cron"
EMPTY_REPOSITORY = "experiments/empty"
CHECKOUT_REPOSITORY = "web/checkout"
"""Signed images, an index with referrers, a foreign layer, 12 layers (``seed_copy_cases``)."""

API_RELEASES = (
    "v1.0.0", "v1.0.1", "v1.1.0", "v1.1.1", "v1.1.2", "v1.2.0", "v1.2.1",
    "v1.3.0", "v1.3.1", "v1.3.2", "v1.4.0", "v1.4.1", "v1.4.2",
)  # fmt: skip
API_LATEST = "v1.4.2"
PROMOTED_API_TAGS = ("v1.3.0", "v1.4.0", "v1.4.2")
GATEWAY_RELEASES = ("v2.0.0", "v2.0.1", "v2.1.0")
PROMOTED_GATEWAY_TAG = "v2.0.1"

DEV_REPOSITORIES = (
    API_REPOSITORY,
    FRONTEND_REPOSITORY,
    MULTIARCH_REPOSITORY,
    ETL_REPOSITORY,
    LOADER_REPOSITORY,
    FEATURE_STORE_REPOSITORY,
    IMMUTABLE_REPOSITORY,
    BIG_REPOSITORY,
    MIGRATE_REPOSITORY,
    MANIFEST_LIST_REPOSITORY,
    ARTIFACT_REPOSITORY,
    SCHEMA1_REPOSITORY,
    EMPTY_REPOSITORY,
    CHECKOUT_REPOSITORY,
)
PROD_REPOSITORIES = (API_REPOSITORY, MULTIARCH_REPOSITORY, ETL_REPOSITORY, IMMUTABLE_REPOSITORY)

API_REPOSITORY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowProdPull",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PROD_PROFILE.account_id}:root"},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        }
    ],
}
CI_LIFECYCLE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire untagged builds after 14 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Keep the last 200 builds",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 200},
            "action": {"type": "expire"},
        },
    ]
}


def seed_demo() -> None:
    """Fill ``demo-dev`` and ``demo-prod`` with the demo registries (deterministic)."""
    # Imported here: the recipes import this module's constants.
    from ecrtui.sandbox.seed_copy_cases import seed_copy_cases
    from ecrtui.sandbox.seed_dev import seed_dev
    from ecrtui.sandbox.seed_kit import Layers
    from ecrtui.sandbox.seed_manage import seed_management
    from ecrtui.sandbox.seed_prod import seed_prod
    from ecrtui.sandbox.seed_replication import seed_replication

    layers = Layers()
    releases = seed_dev(layers, random.Random("ecrtui-demo-seed"))
    seed_copy_cases(layers)
    seed_prod(releases)
    seed_management(layers)
    seed_replication()
