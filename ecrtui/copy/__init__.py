"""The copy engine: copy images between repositories, accounts and regions without a Docker daemon.

UI-free (no Textual, no Rich) and built on the data layer. ``CopyEngine.plan(request)`` reads the source and the
destination and decides every step (``CopyPlan``: blobs to upload or skip, manifests to put, tags to create, move
or refuse, referrers); ``CopyEngine.execute(plan, on_progress=..., cancel=...)`` carries it out, reporting
``ecrtui.jobs.events`` and stopping cleanly when the event is set. Modules: ``request`` (what to copy), ``source``
and ``destination`` (the reads), ``planner`` and ``plan``, ``blob_transfer`` (one blob, streamed and verified),
``manifest_puts``, ``pacing`` (PutImage rate, backoff), ``reachability`` (one deadline per job for an endpoint
that does not answer), ``progress`` (events), ``engine`` (pool, batches), ``result``.
"""

from __future__ import annotations

from ecrtui.copy.engine import DEFAULT_JOBS, CopyEngine
from ecrtui.copy.plan import BlobAction, BlobStep, CopyPlan, ManifestRole, ManifestStep, TagAction, TagStep
from ecrtui.copy.request import CopyRequest, PlatformSpec, Side, destination_tags
from ecrtui.copy.result import BatchResult, CopyFailed, CopyRefused, CopyResult

__all__ = [
    "DEFAULT_JOBS",
    "BatchResult",
    "BlobAction",
    "BlobStep",
    "CopyEngine",
    "CopyFailed",
    "CopyPlan",
    "CopyRefused",
    "CopyRequest",
    "CopyResult",
    "ManifestRole",
    "ManifestStep",
    "PlatformSpec",
    "Side",
    "TagAction",
    "TagStep",
    "destination_tags",
]
