"""Read-only mode is enforced in the data layer: every write is refused before anything is sent.

Two layers are checked: every mutating method of ``EcrService`` refuses itself (with a message naming the call),
and, below them, the client refuses every ECR operation botocore's model has that is not a read, so nothing can
slip through a method that forgets its guard. Requests are counted on the wire (``before-send``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ecrtui.ecr.creation_templates import RepositoryCreationTemplate
from ecrtui.ecr.errors import ReadOnlyError
from ecrtui.ecr.read_only import is_read_operation
from ecrtui.ecr.replication import ReplicationConfiguration, ReplicationDestination
from ecrtui.ecr.service import EcrService
from tests.conftest import SandboxProcess

DIGEST = "sha256:" + "a" * 64
ARN = "arn:aws:ecr:us-east-1:111111111111:repository/web/api"
TEMPLATE = RepositoryCreationTemplate(prefix="web", applied_for=("REPLICATION",))


@pytest.fixture
def read_only(demo_sandbox: SandboxProcess) -> Iterator[EcrService]:
    service = EcrService(session=demo_sandbox.session("demo-dev"), read_only=True)
    service.account_id  # noqa: B018 - the one STS call, before counting starts
    service.reset_call_counts()
    return service


WRITES: dict[str, Callable[[EcrService], Any]] = {
    "create_repository": lambda s: s.create_repository("web/new"),
    "delete_repository": lambda s: s.delete_repository("web/api", force=True),
    "set_tag_mutability": lambda s: s.set_tag_mutability("web/api", "IMMUTABLE"),
    "tag_resource": lambda s: s.tag_resource(ARN, {"k": "v"}),
    "untag_resource": lambda s: s.untag_resource(ARN, ["team"]),
    "set_repository_policy": lambda s: s.set_repository_policy("web/api", "{}"),
    "delete_repository_policy": lambda s: s.delete_repository_policy("web/api"),
    "put_lifecycle_policy": lambda s: s.put_lifecycle_policy("web/api", '{"rules": []}'),
    "delete_lifecycle_policy": lambda s: s.delete_lifecycle_policy("web/api"),
    "add_tag": lambda s: s.add_tag("web/api", DIGEST, "v9"),
    "remove_tag": lambda s: s.remove_tag("web/api", "latest"),
    "remove_tags": lambda s: s.remove_tags("web/api", ["latest"]),
    "delete_image": lambda s: s.delete_image("web/api", DIGEST),
    "delete_images": lambda s: s.delete_images("web/api", [DIGEST]),
    "update_image_storage_class": lambda s: s.update_image_storage_class("web/api", DIGEST, "ARCHIVE"),
    "start_image_scan": lambda s: s.start_image_scan("web/api", DIGEST),
    "put_replication_configuration": lambda s: s.put_replication_configuration(
        ReplicationConfiguration("111111111111", ())
    ),
    "start_replication_backfill": lambda s: s.start_replication_backfill(
        ReplicationDestination("eu-west-1", "111111111111")
    ),
    "stop_replication_backfill": lambda s: s.stop_replication_backfill("backfill-id"),
    "put_registry_policy": lambda s: s.put_registry_policy('{"Version": "2012-10-17", "Statement": []}'),
    "delete_registry_policy": lambda s: s.delete_registry_policy(),
    "create_creation_template": lambda s: s.create_creation_template(TEMPLATE),
    "update_creation_template": lambda s: s.update_creation_template(TEMPLATE),
    "delete_creation_template": lambda s: s.delete_creation_template("web"),
    "start_layer_upload": lambda s: s.start_layer_upload("web/api"),
    "upload_layer_part": lambda s: s.upload_layer_part("web/api", "upload-id", 0, b"x"),
    "complete_layer_upload": lambda s: s.complete_layer_upload("web/api", "upload-id", DIGEST),
    "put_manifest": lambda s: s.put_manifest(
        "web/api", b"{}", "application/vnd.oci.image.manifest.v1+json", digest=None
    ),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_method_is_refused_before_sending(read_only: EcrService, name: str) -> None:
    with pytest.raises(ReadOnlyError, match="Read-only mode"):
        WRITES[name](read_only)
    assert read_only.http_attempts == 0
    assert read_only.total_calls == 0


def test_the_list_of_write_methods_is_complete() -> None:
    """A new mutating method of the service must be added above: each method that guards itself is a write."""
    guarded = {
        name
        for name, member in inspect.getmembers(EcrService, inspect.isfunction)
        if "self._guard(" in inspect.getsource(member)
    }
    assert guarded <= set(WRITES)
    assert {"delete_images", "update_image_storage_class", "set_tag_mutability"} <= guarded


def _changing_operations() -> list[str]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecr")
    return [op for op in model.operation_names if not is_read_operation(op)]


@pytest.mark.parametrize("operation", _changing_operations())
def test_the_client_refuses_every_changing_operation(read_only: EcrService, operation: str) -> None:
    """Below the methods: any operation that is not a read never reaches the wire (even with bad parameters)."""
    from botocore import xform_name

    call = getattr(read_only._ecr, xform_name(operation))
    with pytest.raises(ReadOnlyError, match=operation):
        call()
    assert read_only.http_attempts == 0


def test_reads_and_previews_still_work(rw_sandbox: SandboxProcess) -> None:
    """A preview changes nothing, so read-only mode allows it (on the module's own sandbox: it keeps the result)."""
    service = EcrService(session=rw_sandbox.session("demo-dev"), read_only=True)
    assert service.get_repository("web/api").name == "web/api"
    preview = service.preview_lifecycle_policy("platform/ci-runner")
    assert preview.expiring_count > 0


def test_a_writable_service_sends(rw_sandbox: SandboxProcess) -> None:
    """The guard is about read-only mode, not about the calls: the same write goes through otherwise."""
    service = EcrService(session=rw_sandbox.session("demo-dev"))
    service.create_repository("read-only/control")
    assert service.get_repository("read-only/control").name == "read-only/control"
