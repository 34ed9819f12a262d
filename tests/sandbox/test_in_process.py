"""The in-process API ``ecrtui --demo`` uses: start, write profiles, serve, stop, and stay silent on stderr (run
in a child interpreter, because moto's state is process-global)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json, socket, sys, tempfile
from pathlib import Path
import boto3, botocore.session
from ecrtui.sandbox import Sandbox, SandboxOptions, SANDBOX_PROFILES
from ecrtui.sandbox import runtime

sandbox = Sandbox(SandboxOptions(seed="demo")).start()
files = sandbox.write_profiles(Path(tempfile.mkdtemp()) / "aws")
core = botocore.session.Session()
core.set_config_variable("config_file", str(files.config_file))
core.set_config_variable("credentials_file", str(files.credentials_file))
core.set_config_variable("profile", "demo-prod")
account = boto3.Session(botocore_session=core).client("sts").get_caller_identity()["Account"]

# A sandbox bug while serving: answered as ServerException, and nothing printed (the TUI owns the terminal).
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.ecr.responses import ECRResponse
def broken(self):
    raise RuntimeError("simulated sandbox bug")
ECRResponse.describe_registry = broken
ecr = boto3.Session(botocore_session=core).client("ecr", config=Config(retries={"total_max_attempts": 1}))
try:
    ecr.describe_registry()
    bug = "no error"
except ClientError as error:
    bug = error.response["Error"]["Code"]
host, port = sandbox.endpoint_url.removeprefix("http://").split(":")
blob_dir = runtime.current().blobs._dir
sandbox.stop()
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closed connections may linger in TIME_WAIT
    probe.bind((host, int(port)))  # no listener any more: the port is free again
print(json.dumps({"account": account, "profiles": [p.name for p in SANDBOX_PROFILES],
                  "blob_dir_left": blob_dir is not None and blob_dir.exists(), "env": files.env, "bug": bug}))
"""


def test_start_write_profiles_and_stop_in_process() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120, env=env
    )
    report = json.loads(result.stdout)
    assert report["account"] == "222222222222"
    assert report["profiles"] == ["demo-dev", "demo-prod"]
    assert report["blob_dir_left"] is False
    assert set(report["env"]) == {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}
    assert report["bug"] == "ServerException"
    assert result.stderr == ""  # under --demo anything on stderr would land on the TUI
