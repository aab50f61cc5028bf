"""A registry database host that never answers fails within the connect timeout instead of hanging the run."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from registry.store.db import make_engine


@pytest.fixture
def silent_database() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (a hung server, a half-open firewall)."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


def test_a_database_host_that_never_answers_fails_within_the_connect_timeout(silent_database: int) -> None:
    engine = make_engine(f"postgresql+psycopg://registry:secret@127.0.0.1:{silent_database}/registry")
    started = time.monotonic()
    with pytest.raises(OperationalError, match="connection timeout expired"):
        engine.connect()
    took = time.monotonic() - started
    assert 9 <= took < 12, f"the default connect timeout is 10 s, it took {took:.1f} s"


def test_a_connect_timeout_in_the_url_wins(silent_database: int) -> None:
    engine = make_engine(f"postgresql+psycopg://registry@127.0.0.1:{silent_database}/registry?connect_timeout=2")
    started = time.monotonic()
    with pytest.raises(OperationalError, match="connection timeout expired"):
        engine.connect()
    assert time.monotonic() - started < 4
