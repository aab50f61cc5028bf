"""The Dagster UI starts, both the way production runs it (dagster-webserver with a workspace file) and the way the
README runs it locally (`dg dev`, from [tool.dg] in pyproject.toml), and lists the project's code location and
its assets with their groups."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from registry.settings import PROJECT_ROOT

QUERY = (
    "{ workspaceOrError { ... on Workspace { locationEntries { name } } } assetNodes { assetKey { path } groupName } }"
)
# The command after the executable's name; the port is appended.
COMMANDS = {
    "dagster-webserver": ["-w", "workspace.yaml", "-h", "127.0.0.1", "-p"],
    "dg": ["dev", "-h", "127.0.0.1", "-p"],
}


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.webserver
@pytest.mark.parametrize("executable", sorted(COMMANDS))
def test_webserver_lists_assets_with_their_groups(executable: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    command = [str(Path(sys.executable).with_name(executable)), *COMMANDS[executable], str(port)]
    log_path = tmp_path / "webserver.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Ctrl-C as at a terminal: a test run started in the background (nohup, `cmd &`) inherits SIGINT
            # ignored, and a server that leaves SIGINT to Python's default (dg dev) would never see it.
            preexec_fn=_interruptible,
        )
        try:
            url = f"http://127.0.0.1:{port}/graphql"
            locations, groups = _wait_for_asset_groups(url, process, log_path, deadline=time.monotonic() + 120)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert locations == ["asf_registry"]
    sources = ("city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten")
    assert groups == {
        **{f"source_{s}": "ingest" for s in sources},
        "resolved_organisations": "resolve",
        "company_register_snapshot": "register",
        "enriched_organisations": "enrich",
        "registry_organisations": "publish",
        "register_candidates": "discover",
        "registry_report": "report",
    }
    assert process.returncode == 0, log_path.read_text()[-3000:]


def _wait_for_asset_groups(
    url: str, process: subprocess.Popen[bytes], log_path: Path, deadline: float
) -> tuple[list[str], dict[str, str]]:
    """The code locations' names and each asset's group, once the webserver has loaded them."""
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text()[-3000:]
            pytest.fail(f"dagster-webserver exited with {process.returncode}:\n{output}")
        try:
            data = requests.post(url, json={"query": QUERY}, timeout=10).json()["data"]
            nodes = data["assetNodes"]
            if nodes:
                locations = [entry["name"] for entry in data["workspaceOrError"]["locationEntries"]]
                return locations, {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            last_error = repr(exc)
        time.sleep(1)
    pytest.fail(f"the webserver did not answer in time: {last_error}")
