"""The registry servers in the in-process sandbox ``ecrtui --demo`` runs: they start and stop with it, answer at
the address ``GetAuthorizationToken`` gives, and print nothing (run in a child interpreter: moto is process-global)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r"""
import base64, json, socket, tempfile
from pathlib import Path
import boto3, botocore.session, urllib3
from ecrtui.sandbox import Sandbox, SandboxOptions

sandbox = Sandbox(SandboxOptions(seed="demo")).start()
files = sandbox.write_profiles(Path(tempfile.mkdtemp()) / "aws")
core = botocore.session.Session()
core.set_config_variable("config_file", str(files.config_file))
core.set_config_variable("credentials_file", str(files.credentials_file))
core.set_config_variable("profile", "demo-dev")
data = boto3.Session(botocore_session=core).client("ecr").get_authorization_token()["authorizationData"][0]
auth = {"Authorization": "Basic " + data["authorizationToken"]}
ping = urllib3.request("GET", data["proxyEndpoint"] + "/v2/", headers=auth, retries=False).status
urls = {f"{r.account_id} {r.region}": url for r, url in sandbox.registry_urls.items()}
listed = json.loads(files.registries_file.read_text())["registries"]
sandbox.stop()
free = []
for url in urls.values():
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as probe:
        probe.bind((host, int(port)))  # the port is free again
        free.append(url)
print(json.dumps({"urls": urls, "proxy": data["proxyEndpoint"], "ping": ping, "free": free,
                  "listed": [e["url"] for e in listed], "seconds": sandbox.registry_seconds}))
"""


def test_registry_servers_start_and_stop_with_the_in_process_sandbox() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120, env=env
    )
    report = json.loads(result.stdout)
    assert set(report["urls"]) == {"111111111111 us-east-1", "222222222222 eu-west-1"}
    assert report["proxy"] == report["urls"]["111111111111 us-east-1"]
    assert report["ping"] == 200
    assert sorted(report["listed"]) == sorted(report["urls"].values())
    assert sorted(report["free"]) == sorted(report["urls"].values())
    assert report["seconds"] < 2  # a few milliseconds: two sockets and two threads
    assert result.stderr == ""  # under --demo anything on stderr would land on the TUI
