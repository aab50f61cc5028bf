from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from registry.ingest.raw_archive import RawArchive


def test_every_response_is_kept_and_identical_bodies_stored_once(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    first = archive.store(
        "https://x.se/a", 200, {"Content-Type": "text/html"}, b"<p>hej</p>", datetime(2026, 1, 1, tzinfo=UTC)
    )
    archive.store("https://x.se/a", 200, {}, b"<p>hej</p>", datetime(2026, 1, 2, tzinfo=UTC))
    archive.store("https://x.se/b", 500, {}, b"error", datetime(2026, 1, 2, tzinfo=UTC))
    assert len(list(archive.entries())) == 3
    assert len(list((tmp_path / "bodies").rglob("*"))) == 4  # two hash directories, two bodies
    assert (tmp_path / "bodies" / first.sha256[:2] / first.sha256).read_bytes() == b"<p>hej</p>"


def test_latest_returns_the_newest_response_for_a_url(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store("https://x.se/a", 200, {}, b"new", datetime(2026, 2, 1, tzinfo=UTC))
    archive.store("https://x.se/a", 200, {}, b"old", datetime(2026, 1, 1, tzinfo=UTC))
    latest = archive.latest("https://x.se/a")
    assert latest is not None and latest.body == b"new"
    assert latest.fetched_at == datetime(2026, 2, 1, tzinfo=UTC)
    assert archive.latest("https://x.se/never") is None


def test_text_honours_the_declared_charset_and_falls_back_for_swedish_windows_pages(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    latin = archive.store(
        "https://x.se/l", 200, {"content-type": "text/html; charset=ISO-8859-1"}, "Vägen ut".encode("latin-1")
    )
    undeclared = archive.store("https://x.se/u", 200, {}, "Södertälje".encode("cp1252"))
    utf8 = archive.store("https://x.se/8", 200, {"Content-Type": "text/html"}, "Åre".encode())
    assert latin.text() == "Vägen ut"
    assert undeclared.text() == "Södertälje"
    assert utf8.text() == "Åre"
