"""Changing what you browse, safely: plans that say what will be lost, execution, and the audit log.

No Textual, no Rich: the headless commands (``ecrtui tag``, ``rm``, ``archive`` ...) and the app's confirmation
dialogs call the same ``Manager``. Build plans in a worker (they read ECR), show ``plan.describe()``, then
``Manager.execute(plan)``.
"""

from __future__ import annotations

from ecrtui.manage.audit import AuditEntry, AuditLog, default_audit_path
from ecrtui.manage.deletion import DeleteImagesPlan
from ecrtui.manage.inventory import Inventory
from ecrtui.manage.manager import Manager, ResolvedImage
from ecrtui.manage.plan import ItemResult, Outcome, Plan
from ecrtui.manage.policy_plans import LifecyclePolicyPlan, RepositoryPolicyPlan
from ecrtui.manage.repository_plans import (
    CreateRepositoryPlan,
    DeleteRepositoryPlan,
    MutabilityPlan,
    RepositorySpec,
    ResourceTagsPlan,
)
from ecrtui.manage.scanning import ScanPlan
from ecrtui.manage.storage import ArchivePlan, RestorePlan, StorageClassPlan
from ecrtui.manage.tagging import TagPlan, UntagPlan

__all__ = [
    "ArchivePlan",
    "AuditEntry",
    "AuditLog",
    "CreateRepositoryPlan",
    "DeleteImagesPlan",
    "DeleteRepositoryPlan",
    "Inventory",
    "ItemResult",
    "LifecyclePolicyPlan",
    "Manager",
    "MutabilityPlan",
    "Outcome",
    "Plan",
    "RepositoryPolicyPlan",
    "RepositorySpec",
    "ResolvedImage",
    "ResourceTagsPlan",
    "RestorePlan",
    "ScanPlan",
    "StorageClassPlan",
    "TagPlan",
    "UntagPlan",
    "default_audit_path",
]
