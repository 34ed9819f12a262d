"""The demo's replication: demo-dev's ``web/`` repositories replicate to demo-prod's registry in eu-west-1.

demo-dev has one rule (``web/`` to account 222222222222, eu-west-1, deletions not replicated, ECR's default);
demo-prod's registry policy lets demo-dev replicate into it and create the repositories it lacks, and its
``REPLICATION`` creation template makes those repositories IMMUTABLE and tagged. Set after the images are seeded:
as on ECR, images that predate a rule are not replicated until a backfill copies them.
"""

from __future__ import annotations

import json
from datetime import timedelta

from moto.ecr.models import ecr_backends

from ecrtui.sandbox.creation_templates import add_template
from ecrtui.sandbox.profiles import DEV_PROFILE, PROD_PROFILE
from ecrtui.sandbox.replication_rules import validate_configuration
from ecrtui.sandbox.seed import DEMO_EPOCH

REPLICATED_PREFIX = "web/"
"""Repositories of demo-dev that its rule replicates."""
REPLICATION_CONFIGURATION = {
    "rules": [
        {
            "destinations": [{"region": PROD_PROFILE.region, "registryId": PROD_PROFILE.account_id}],
            "repositoryFilters": [{"filter": REPLICATED_PREFIX, "filterType": "PREFIX_MATCH"}],
        }
    ]
}
PROD_REGISTRY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReplicationFromDev",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEV_PROFILE.account_id}:root"},
            "Action": ["ecr:ReplicateImage", "ecr:CreateRepository"],
            "Resource": f"arn:aws:ecr:{PROD_PROFILE.region}:{PROD_PROFILE.account_id}:repository/*",
        }
    ],
}
PROD_TEMPLATE = {
    "prefix": "web",
    "description": "Repositories replicated from dev",
    "appliedFor": ["REPLICATION"],
    "imageTagMutability": "IMMUTABLE",
    "resourceTags": [{"Key": "team", "Value": "web"}, {"Key": "env", "Value": "prod"}],
}


def seed_replication() -> None:
    """Configure the demo's replication rule, registry policy and creation template (deterministic)."""
    dev = ecr_backends[DEV_PROFILE.account_id][DEV_PROFILE.region]
    prod = ecr_backends[PROD_PROFILE.account_id][PROD_PROFILE.region]
    dev.replication_config = validate_configuration(
        REPLICATION_CONFIGURATION, account_id=DEV_PROFILE.account_id, region=DEV_PROFILE.region
    )
    prod.put_registry_policy(json.dumps(PROD_REGISTRY_POLICY))
    add_template(prod, PROD_TEMPLATE.get, DEMO_EPOCH - timedelta(days=30))
