"""A healthy installation for doctor's tests, and a port nothing listens on."""

from __future__ import annotations

import socket
from pathlib import Path

from registry.store.db import create_schema, make_engine
from registry.tools.doctor import GIB, DoctorOptions

ROOMY = DoctorOptions(disk_usage=lambda _path: 500 * GIB)


def healthy_env(tmp_path: Path) -> dict[str, str]:
    """A healthy offline installation: a migrated SQLite registry, the recordings, the example city list."""
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    return {
        "ASF_REGISTRY_DB_URL": url,
        "ASF_HTTP_MODE": "replay",
        "ASF_REGISTER_SNAPSHOT": str(tmp_path / "register" / "snapshot"),
        "ASF_ALERT_WEBHOOK_URL": "https://hooks.example.se/T0KEN",
    }


def closed_port() -> int:
    """A loopback port with nothing listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
