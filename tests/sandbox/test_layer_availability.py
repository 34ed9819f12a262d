"""``BatchCheckLayerAvailability`` and the messages that list digests, as ECR answers them (issue 7, item 5).

ECR answers one ``layers`` entry per well-formed digest (AVAILABLE with its size, UNAVAILABLE, or ARCHIVED for
layers only archived images use) and lists only a malformed digest under ``failures``; clients written by AWS abort a
push on moto's shape. Messages list digests the Java way, ``[sha256:a, sha256:b]``, which clients parse.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ecr_pusher import Pusher, digest_of

_names = itertools.count()


@pytest.fixture(scope="module")
def dev(rw_sandbox: Any) -> Any:
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture
def repo(dev: Any) -> str:
    name = f"test/layers-{os.getpid()}-{next(_names)}"
    dev.create_repository(repositoryName=name)
    return name


def test_one_entry_per_well_formed_digest_in_request_order(dev: Any, repo: str) -> None:
    present = Pusher(dev).upload(repo, b"present layer")
    absent = digest_of(b"absent layer")
    answer = dev.batch_check_layer_availability(repositoryName=repo, layerDigests=[absent, present])
    assert answer["layers"] == [
        {"layerDigest": absent, "layerAvailability": "UNAVAILABLE"},
        {"layerDigest": present, "layerAvailability": "AVAILABLE", "layerSize": len(b"present layer")},
    ]
    assert answer["failures"] == []


@pytest.mark.parametrize("bad", ["sha256:xyz", "sha256:abc", "nodigest", "sha256:" + "0" * 63])
def test_only_a_malformed_digest_is_a_failure(dev: Any, repo: str, bad: str) -> None:
    good = digest_of(b"whatever")
    answer = dev.batch_check_layer_availability(repositoryName=repo, layerDigests=[bad, good])
    assert answer["failures"] == [
        {"layerDigest": bad, "failureCode": "InvalidLayerDigest", "failureReason": "Invalid layer digest"}
    ]
    assert answer["layers"] == [{"layerDigest": good, "layerAvailability": "UNAVAILABLE"}]


def test_more_than_100_digests_is_invalid(dev: Any, repo: str) -> None:
    digests = [digest_of(str(n).encode()) for n in range(101)]
    with pytest.raises(ClientError) as excinfo:
        dev.batch_check_layer_availability(repositoryName=repo, layerDigests=digests)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    answer = dev.batch_check_layer_availability(repositoryName=repo, layerDigests=digests[:100])
    assert len(answer["layers"]) == 100


def test_layers_not_found_lists_digests_as_ecr_does(dev: Any, repo: str) -> None:
    manifest, _ = Pusher(dev).image(repo, [b"first missing", b"second missing"], upload=False)
    document = json.loads(manifest)
    expected = [document["config"]["digest"], *(layer["digest"] for layer in document["layers"])]
    with pytest.raises(ClientError) as excinfo:
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="missing")
    message = excinfo.value.response["Error"]["Message"]
    assert excinfo.value.response["Error"]["Code"] == "LayersNotFoundException"
    assert f"[{', '.join(expected)}]" in message
    assert "'" + expected[0] + "'" not in message  # not a Python list repr


def test_missing_index_children_are_listed_as_ecr_does(dev: Any, repo: str) -> None:
    pusher = Pusher(dev)
    child, _ = pusher.image(repo, [b"child layer"], media_type="application/vnd.oci.image.manifest.v1+json")
    with pytest.raises(ClientError) as excinfo:
        dev.put_image(repositoryName=repo, imageManifest=pusher.index([child]), imageTag="idx")
    assert f"[{digest_of(child.encode())}]" in excinfo.value.response["Error"]["Message"]


def test_invalid_layer_part_carries_the_last_valid_byte(dev: Any, repo: str) -> None:
    """The modelled ``lastValidByteReceived`` field, so a client resumes without parsing the message."""
    upload_id = dev.initiate_layer_upload(repositoryName=repo)["uploadId"]
    part = b"x" * (5 * 1024 * 1024)
    dev.upload_layer_part(
        repositoryName=repo,
        uploadId=upload_id,
        partFirstByte=0,
        partLastByte=len(part) - 1,
        layerPartBlob=part,
    )
    with pytest.raises(ClientError) as excinfo:  # the same part again: a retry whose first attempt landed
        dev.upload_layer_part(
            repositoryName=repo,
            uploadId=upload_id,
            partFirstByte=0,
            partLastByte=len(part) - 1,
            layerPartBlob=part,
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidLayerPartException"
    assert excinfo.value.response["lastValidByteReceived"] == len(part) - 1
    assert excinfo.value.response["uploadId"] == upload_id


ARCHIVED_SCRIPT = r"""
import json, tempfile
from pathlib import Path
import boto3, botocore.session
from moto.ecr.models import ecr_backends
from ecrtui.sandbox import Sandbox, SandboxOptions
from ecrtui.sandbox.images import repo_images
sys_path = __import__("sys").path.insert(0, {tests!r})
from ecr_pusher import Pusher, digest_of, OCI_MANIFEST

sandbox = Sandbox(SandboxOptions(seed="empty")).start()
files = sandbox.write_profiles(Path(tempfile.mkdtemp()) / "aws")
core = botocore.session.Session()
core.set_config_variable("config_file", str(files.config_file))
core.set_config_variable("credentials_file", str(files.credentials_file))
core.set_config_variable("profile", "demo-dev")
ecr = boto3.Session(botocore_session=core).client("ecr")
ecr.create_repository(repositoryName="team/app")
pusher = Pusher(ecr)
kept, _ = pusher.image("team/app", [b"shared base", b"only in kept"], media_type=OCI_MANIFEST)
old, _ = pusher.image("team/app", [b"shared base", b"only in old"], media_type=OCI_MANIFEST)
kept_digest = ecr.put_image(repositoryName="team/app", imageManifest=kept, imageTag="kept")["image"]["imageId"]["imageDigest"]
old_digest = ecr.put_image(repositoryName="team/app", imageManifest=old, imageTag="old")["image"]["imageId"]["imageDigest"]
sbom = json.dumps({{"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": "application/spdx+json",
    "config": {{"mediaType": "application/vnd.oci.empty.v1+json", "digest": digest_of(b"{{}}"), "size": 2}},
    "layers": [{{"mediaType": "application/spdx+json", "digest": digest_of(b"sbom"), "size": 4}}],
    "subject": {{"mediaType": OCI_MANIFEST, "digest": kept_digest, "size": len(kept)}}}})
pusher.upload("team/app", b"{{}}"); pusher.upload("team/app", b"sbom")
sbom_digest = ecr.put_image(repositoryName="team/app", imageManifest=sbom)["image"]["imageId"]["imageDigest"]

# The archive API (UpdateImageStorageClass) is another part of the sandbox; its effect is this one field.
images = repo_images(ecr_backends["111111111111"]["us-east-1"].repositories["team/app"])
images.by_digest[old_digest].image_status = "ARCHIVED"
images.by_digest[sbom_digest].image_status = "ARCHIVED"

check = ecr.batch_check_layer_availability(repositoryName="team/app", layerDigests=[
    digest_of(b"shared base"), digest_of(b"only in kept"), digest_of(b"only in old")])
def referrers(**kw):
    got = ecr.list_image_referrers(repositoryName="team/app", subjectId={{"imageDigest": kept_digest}}, **kw)
    return [(r["digest"] == sbom_digest, r["artifactStatus"]) for r in got["referrers"]]
print(json.dumps({{
    "availability": [l["layerAvailability"] for l in check["layers"]],
    "sizes": [l.get("layerSize") for l in check["layers"]],
    "default": referrers(), "any": referrers(filter={{"artifactStatus": "ANY"}}),
    "archived": referrers(filter={{"artifactStatus": "ARCHIVED"}}),
}}))
sandbox.stop()
"""


def test_layers_only_archived_images_use_are_archived() -> None:
    """In a child interpreter (moto's state is process-global): archive one image, then ask over HTTP."""
    tests = os.path.dirname(__file__)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", ARCHIVED_SCRIPT.format(tests=tests)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["availability"] == ["AVAILABLE", "AVAILABLE", "ARCHIVED"]
    assert report["sizes"] == [len(b"shared base"), len(b"only in kept"), len(b"only in old")]
    assert report["default"] == []  # ACTIVE only, unless asked
    assert report["any"] == [[True, "ARCHIVED"]]
    assert report["archived"] == [[True, "ARCHIVED"]]
