"""The data layer's transfer operations over HTTP against the sandbox: every call names its registry, writes are
refused in read-only mode before anything is sent, and a copier's "already there" answers are not errors."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from ecrtui.ecr import transfers
from ecrtui.ecr.errors import AccessDenied, Conflict, InvalidInput, NotFound, ReadOnlyError
from ecrtui.ecr.service import EcrService
from ecrtui.ecr.transfers import IncompleteRange, PartRejected
from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_copy_cases import CHECKOUT_INDEX_TAG
from tests.ecr.quiet_http import QuietHTTPServer

_names = itertools.count()
MIB = 1024 * 1024


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def dev(rw_sandbox: Any) -> EcrService:
    return EcrService(session=rw_sandbox.session("demo-dev"))


@pytest.fixture(scope="module")
def prod(rw_sandbox: Any) -> EcrService:
    return EcrService(session=rw_sandbox.session("demo-prod"))


@pytest.fixture
def repo(dev: EcrService) -> str:
    name = f"test/transfers-{os.getpid()}-{next(_names)}"
    dev.create_repository(name)
    return name


def upload(service: EcrService, repository: str, data: bytes) -> str:
    started = service.start_layer_upload(repository)
    assert started.part_size >= 5 * MIB
    assert service.upload_layer_part(repository, started.upload_id, 0, data) == len(data) - 1
    assert service.complete_layer_upload(repository, started.upload_id, sha256(data)) is True
    return sha256(data)


def test_check_layers(dev: EcrService, repo: str) -> None:
    present = upload(dev, repo, b"here")
    absent = sha256(b"not here")
    found = dev.check_layers(repo, [present, absent, present])
    assert found[present].available
    assert found[present].size == 4
    assert found[absent].state == "UNAVAILABLE"
    assert not found[absent].available
    many = [sha256(str(n).encode()) for n in range(150)]
    dev.reset_call_counts()
    assert len(dev.check_layers(repo, many)) == 150
    assert dev.call_counts == {"BatchCheckLayerAvailability": 2}  # 100 per call


def test_a_layer_already_there_is_not_an_error(dev: EcrService, repo: str) -> None:
    upload(dev, repo, b"twice")
    again = dev.start_layer_upload(repo)
    dev.upload_layer_part(repo, again.upload_id, 0, b"twice")
    assert dev.complete_layer_upload(repo, again.upload_id, sha256(b"twice")) is False


def test_a_part_that_does_not_continue_the_upload(dev: EcrService, repo: str) -> None:
    started = dev.start_layer_upload(repo)
    part = bytes(5 * MIB)
    dev.upload_layer_part(repo, started.upload_id, 0, part)
    with pytest.raises(PartRejected) as rejected:
        dev.upload_layer_part(repo, started.upload_id, 0, part)
    assert rejected.value.last_valid_byte == len(part) - 1
    assert rejected.value.operation == "UploadLayerPart"


def test_put_manifest(dev: EcrService, repo: str) -> None:
    config, layer = b'{"architecture":"amd64","os":"linux"}', b"layer bytes"
    upload(dev, repo, config)
    upload(dev, repo, layer)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": sha256(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha256(layer),
                    "size": len(layer),
                }
            ],
        }
    ).encode()
    media_type = "application/vnd.oci.image.manifest.v1+json"
    assert dev.put_manifest(repo, manifest, media_type, digest=sha256(manifest), tag="v1") is True
    assert dev.put_manifest(repo, manifest, media_type, digest=sha256(manifest), tag="v1") is False
    assert dev.put_manifest(repo, manifest, media_type, digest=sha256(manifest), tag="v2") is True
    missing = manifest.replace(sha256(layer).encode(), sha256(b"never uploaded").encode())
    with pytest.raises(NotFound) as refused:
        dev.put_manifest(repo, missing, media_type, digest=sha256(missing))
    assert refused.value.code == "LayersNotFoundException"
    assert f"[{sha256(b'never uploaded')}]" in str(refused.value)


def test_immutable_tag_elsewhere_is_a_conflict(prod: EcrService) -> None:
    image = prod.get_manifest(seed.IMMUTABLE_REPOSITORY, "python-3.12.10")
    with pytest.raises(Conflict) as clash:
        prod.put_manifest(
            seed.IMMUTABLE_REPOSITORY, image.raw, image.media_type, digest=image.digest, tag="alpine-3.20.3"
        )
    assert clash.value.code == "ImageTagAlreadyExistsException"


def test_every_call_names_the_registry(dev: EcrService, repo: str) -> None:
    """So a copy across accounts reaches the registry it means, whatever the client's own account."""
    sent: list[tuple[str, dict[str, Any]]] = []
    dev._ecr.meta.events.register(
        "provide-client-params.ecr", lambda params, model, **_: sent.append((model.name, dict(params)))
    )
    digest = upload(dev, repo, b"named")
    dev.check_layers(repo, [digest])
    dev.layer_download_url(repo, digest)
    dev.get_manifests_by_reference(seed.CHECKOUT_REPOSITORY, [CHECKOUT_INDEX_TAG])
    dev.list_referrers(seed.CHECKOUT_REPOSITORY, "sha256:" + "0" * 64)
    with pytest.raises(InvalidInput):
        dev.put_manifest(repo, b"{}", "application/vnd.oci.image.manifest.v1+json", digest=None)
    operations = {name for name, _ in sent}
    assert operations >= {
        "InitiateLayerUpload",
        "UploadLayerPart",
        "CompleteLayerUpload",
        "BatchCheckLayerAvailability",
        "GetDownloadUrlForLayer",
        "BatchGetImage",
        "ListImageReferrers",
        "PutImage",
    }
    assert all(params.get("registryId") == "111111111111" for _, params in sent), sent


def test_referrers_are_read_page_by_page(dev: EcrService, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = dev.get_manifests_by_reference(seed.CHECKOUT_REPOSITORY, [CHECKOUT_INDEX_TAG]).tags[
        CHECKOUT_INDEX_TAG
    ]
    monkeypatch.setattr(transfers, "REFERRERS_PAGE", 1)
    dev.reset_call_counts()
    assert len(dev.list_referrers(seed.CHECKOUT_REPOSITORY, digest)) == 2
    assert dev.call_counts == {"ListImageReferrers": 2}
    only_sboms = dev.list_referrers(
        seed.CHECKOUT_REPOSITORY, digest, artifact_types=["application/spdx+json"]
    )
    assert [r.artifact_type for r in only_sboms] == ["application/spdx+json"]


def test_mixed_references_in_one_call(dev: EcrService) -> None:
    digest = dev.get_manifests_by_reference(seed.API_REPOSITORY, [seed.API_LATEST]).tags[seed.API_LATEST]
    dev.reset_call_counts()
    batch = dev.get_manifests_by_reference(seed.API_REPOSITORY, [digest, "latest", "no-such-tag"])
    assert dev.call_counts == {"BatchGetImage": 1}
    assert batch.tags == {"latest": digest}
    assert list(batch.manifests) == [digest]
    assert [(f.tag, f.code) for f in batch.failures] == [("no-such-tag", "ImageNotFound")]


def test_read_only_refuses_every_write_before_sending(rw_sandbox: Any, repo: str) -> None:
    service = EcrService(session=rw_sandbox.session("demo-dev"), read_only=True)
    writes = [
        lambda: service.start_layer_upload(repo),
        lambda: service.upload_layer_part(repo, "00000000-0000-0000-0000-000000000000", 0, b"x"),
        lambda: service.complete_layer_upload(repo, "00000000-0000-0000-0000-000000000000", sha256(b"x")),
        lambda: service.put_manifest(
            repo, b"{}", "application/vnd.oci.image.manifest.v1+json", digest=sha256(b"{}")
        ),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyError):
            write()
    assert service.call_counts == {}
    assert service.check_layers(repo, [sha256(b"x")])[sha256(b"x")].state == "UNAVAILABLE"  # reads still work


def test_download_range(dev: EcrService, repo: str) -> None:
    data = bytes(range(256)) * 40
    digest = upload(dev, repo, data)
    url = dev.layer_download_url(repo, digest)
    middle, total = dev.download_range(url, digest, 1000, 1999)
    assert (bytes(middle), total) == (data[1000:2000], len(data))
    tail, _ = dev.download_range(url, digest, len(data) - 10, len(data) + 100)
    assert bytes(tail) == data[-10:]
    with pytest.raises(AccessDenied):
        dev.download_range(url.replace("X-Sandbox-Signature=", "X-Sandbox-Signature=0"), digest, 0, 9)


@pytest.fixture
def breaking_server() -> Iterator[str]:
    """Promises 1,000 bytes, sends 300, hangs up."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(206)
            self.send_header("Content-Length", "1000")
            self.send_header("Content-Range", "bytes 0-999/1000")
            self.end_headers()
            self.wfile.write(b"x" * 300)
            self.wfile.flush()
            self.connection.close()

        def log_message(self, *args: Any) -> None:
            return None

    server = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/blob?X-Amz-Signature=secret"
    finally:
        server.shutdown()
        server.server_close()


def test_a_body_that_breaks_off_keeps_what_arrived(dev: EcrService, breaking_server: str) -> None:
    with pytest.raises(IncompleteRange) as broken:
        dev.download_range(breaking_server, sha256(b"x" * 1000), 0, 999)
    assert bytes(broken.value.data) == b"x" * 300
    assert "secret" not in str(broken.value)
