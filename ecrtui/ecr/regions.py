"""The regions where ECR runs, from botocore's endpoint data (no network call).

One answer for every place that takes a region from a person: the region picker, replication destinations. botocore
is imported when first asked, so the modules that check regions stay light to import.
"""

from __future__ import annotations

from functools import cache

from ecrtui.ecr.refs import partition_for_region

__all__ = ["ecr_regions", "is_ecr_region"]


@cache
def ecr_regions(partition: str = "aws") -> tuple[str, ...]:
    """ECR's regions in one partition (``aws``, ``aws-cn``, ``aws-us-gov``), as botocore lists them."""
    import botocore.session

    return tuple(botocore.session.Session().get_available_regions("ecr", partition_name=partition))


def is_ecr_region(region: str) -> bool:
    """Whether ECR runs in ``region`` (a region botocore does not know is refused, as ECR refuses it)."""
    return region in ecr_regions(partition_for_region(region))
