"""The parts of the app that import boto3 or moto, kept out of ``app.py`` so the first frame never waits.

``import_backend`` and ``start_demo_sandbox`` run in a thread worker after the first paint; the service factory
builds sessions and clients on the main thread (sessions are not thread-safe) once the imports are done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ecr.no_prompt import forbid_prompts

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

ServiceFactory = Callable[[RegistryEntry], "CachedEcr"]
"""Builds the cached data-layer service for one registry row (main thread only)."""


def import_backend() -> None:
    """Import boto3 and the data layer: hundreds of milliseconds, so a worker does it after the first frame."""
    import boto3  # noqa: F401

    import ecrtui.ecr.cache
    import ecrtui.ecr.service  # noqa: F401


def import_panes() -> None:
    """Import the list panes and the inspector (with the data-layer models they use) after the first frame."""
    import ecrtui.ui.widgets.images_pane
    import ecrtui.ui.widgets.inspector.inspector
    import ecrtui.ui.widgets.repositories_pane  # noqa: F401


@dataclass
class DemoSandbox:
    """A running in-process sandbox and the profile files that point boto3 at it."""

    handle: Any
    endpoint_url: str
    config_file: Path
    credentials_file: Path

    def stop(self) -> None:
        """Shut the sandbox's server thread down (best effort: the process is exiting anyway)."""
        for name in ("stop", "close"):
            method = getattr(self.handle, name, None)
            if callable(method):
                method()
                return


def start_demo_sandbox(directory: Path) -> DemoSandbox:
    """Start the seeded demo sandbox in this process and write its profiles under ``directory``."""
    from ecrtui.sandbox import Sandbox, SandboxOptions

    sandbox = Sandbox(SandboxOptions(seed="demo"))
    sandbox.start()
    files = sandbox.write_profiles(directory)
    return DemoSandbox(sandbox, sandbox.endpoint_url, files.config_file, files.credentials_file)


def ecr_regions(region: str | None) -> tuple[str, ...]:
    """The regions where ECR runs in ``region``'s partition (aws, aws-cn, aws-us-gov...), from botocore's endpoint
    data (``ecr.regions``); the commercial partition when there is no region."""
    from ecrtui.ecr.refs import partition_for_region
    from ecrtui.ecr.regions import ecr_regions as partition_regions

    return partition_regions(partition_for_region(region) if region else "aws")


def make_service_factory(files: AwsFiles, settings: Settings) -> ServiceFactory:
    """A factory reading the given AWS files (not the process environment), so tests and --demo stay isolated.

    Every registry's cache shares one listing budget (``Settings.cache_images``)."""
    from ecrtui.ecr.cache import ListingBudget

    budget = ListingBudget(settings.cache_images)

    def build(entry: RegistryEntry) -> CachedEcr:
        import boto3
        import botocore.exceptions as bce
        import botocore.session

        from ecrtui.ecr.cache import CachedEcr
        from ecrtui.ecr.errors import ConfigurationError, translate
        from ecrtui.ecr.service import EcrService

        core = botocore.session.Session()
        core.set_config_variable("config_file", str(files.config_file))
        core.set_config_variable("credentials_file", str(files.credentials_file))
        try:
            session = boto3.Session(
                botocore_session=core, profile_name=entry.profile, region_name=entry.region
            )
            forbid_prompts(core)  # after the profile is set: botocore builds its credential chain for it once
            if not session.region_name:
                who = f"profile '{entry.profile}'" if entry.profile else "the default AWS configuration"
                raise ConfigurationError(
                    f"No AWS region for {who}: pass --region or set 'region' in the profile"
                )
        except bce.ProfileNotFound as exc:
            raise ConfigurationError(f"AWS profile '{entry.profile}' is not in the AWS config files") from exc
        except bce.BotoCoreError as exc:
            raise translate(exc) from exc
        service = EcrService(
            profile=entry.profile,
            region=entry.region,
            endpoint_url=entry.endpoint_url,
            session=session,
            read_only=settings.read_only,
        )
        return CachedEcr(service, ttl=settings.cache_ttl, listing_budget=budget)

    return build
