"""The ``demo-prod`` registry: releases promoted from dev, with the same digests, pushed after dev built them.

Each promotion target's repository policy lets demo-dev's account look and push (as a promotion pipeline in the
dev account needs on ECR, which refuses another account's calls unless the repository policy allows them).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from moto.ecr.models import ecr_backends

from ecrtui.sandbox.images import repo_images
from ecrtui.sandbox.profiles import DEV_PROFILE, PROD_PROFILE
from ecrtui.sandbox.seed import (
    API_REPOSITORY,
    DEMO_EPOCH,
    ETL_REPOSITORY,
    IMMUTABLE_REPOSITORY,
    MULTIARCH_REPOSITORY,
    PROMOTED_API_TAGS,
    PROMOTED_GATEWAY_TAG,
)
from ecrtui.sandbox.seed_content import BuiltImage
from ecrtui.sandbox.seed_dev import DevReleases
from ecrtui.sandbox.seed_kit import SeedRegistry, push_index

PROMOTION_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowDevPromotion",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEV_PROFILE.account_id}:root"},
            "Action": [
                "ecr:DescribeRepositories",
                "ecr:DescribeImages",
                "ecr:GetRepositoryPolicy",
                "ecr:BatchGetImage",
                "ecr:BatchCheckLayerAvailability",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:PutImage",
            ],
        }
    ],
}
"""On every promotion target: demo-dev may read what is there and push (``ecrtui copy`` with one profile)."""


def seed_prod(releases: DevReleases) -> None:
    """Create the ``demo-prod`` repositories and promote dev releases into them."""
    api, gateway, etl, bases = releases.api, releases.gateway, releases.etl, releases.bases
    reg = SeedRegistry(PROD_PROFILE.account_id, PROD_PROFILE.region)
    dev = ecr_backends[DEV_PROFILE.account_id][DEV_PROFILE.region]

    def after_dev(repository: str, image: BuiltImage, days: int = 1) -> datetime:
        """A promotion happens after the dev push (and before the demo's epoch)."""
        pushed = repo_images(dev.repositories[repository]).by_digest[image.digest].pushed_at
        return min(pushed + timedelta(days=days, hours=2), DEMO_EPOCH - timedelta(hours=1))

    promoted = DEMO_EPOCH - timedelta(days=40)
    api_repo = reg.repository(
        API_REPOSITORY, promoted, immutable=True, scan_on_push=True, tags={"team": "web", "env": "prod"}
    )
    for number, tag in enumerate(PROMOTED_API_TAGS):
        reg.push(api_repo, api[tag], after_dev(API_REPOSITORY, api[tag], 1 + number), [tag])
    gateway_repo = reg.repository(
        MULTIARCH_REPOSITORY, promoted, immutable=True, tags={"team": "web", "env": "prod"}
    )
    children, index = gateway[PROMOTED_GATEWAY_TAG]
    pushed = after_dev(MULTIARCH_REPOSITORY, index, 2)
    push_index(reg, gateway_repo, children, pushed, [PROMOTED_GATEWAY_TAG], index=index)
    etl_repo = reg.repository(ETL_REPOSITORY, promoted, tags={"team": "data", "env": "prod"})
    for number, version in enumerate(("1.7.3", "1.8.0")):
        reg.push(
            etl_repo,
            etl[version],
            after_dev(ETL_REPOSITORY, etl[version], 3),
            [version, "stable"] if number else [version],
        )
    base_repo = reg.repository(
        IMMUTABLE_REPOSITORY, promoted - timedelta(days=100), immutable=True, tags={"team": "platform"}
    )
    for number, tag in enumerate(("alpine-3.20.3", "debian-bookworm-20260415", "python-3.12.10")):
        reg.push(base_repo, bases[tag], after_dev(IMMUTABLE_REPOSITORY, bases[tag], 1 + number), [tag])
    for repository in (api_repo, gateway_repo, etl_repo, base_repo):
        repository.policy = json.dumps(PROMOTION_POLICY, indent=2)
