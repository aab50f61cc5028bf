"""asf-registry sources check: every source on the recordings, list pages configured only in a sources file,
a source moved to another address and fetched live from loopback, and sources files that are wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines.cli import main
from registry.ingest.raw_archive import RawArchive
from registry.settings import DEFAULT_SOURCES_FILE

PAGES = Path(__file__).parents[1] / "assets" / "fixtures" / "list_pages"
SHAPES = {"tables": '["tables", "headings"]', "headings": '["headings", "tables"]', "cards": '["headings"]',
          "link_list": '["link_list"]'}  # fmt: skip


def _entry(name: str, url: str, shapes: str, region: str, expected: tuple[int, int]) -> str:
    return (
        f'[[source]]\nname = "{name}"\ntitle = "{name}"\ndescription = "A list page."\nreader = "list_page"\n'
        f'urls = ["{url}"]\nevidence = "current_list"\ntrust = 30\nmin_valid_orgnr_share = "none"\n'
        f'expected_entries = [{expected[0]}, {expected[1]}]\nshapes = {shapes}\nregion = "{region}"\n\n'
    )


def test_every_source_on_the_recordings(offline_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "check"]) == 0
    out = capsys.readouterr().out
    for name in ("city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten"):
        assert f"\n{name} — " in "\n" + out
    assert out.rstrip().endswith("6 of 6 sources pass.")
    # Region Örebro's real page: the guidance box and the contact box are parse warnings, with why they are not
    # entries, and expected ones.
    region = out.split("region_orebro — ", 1)[1].split("\n\n", 1)[0]
    assert "shape: headings on https://www.regionorebrolan.se/sv/regional-utveckling/" in region
    assert "entries: 3 (expected 1-100)" in region
    warnings = region.split("  warnings (4, all expected: parts of pages, not entries):\n", 1)[1]
    assert "not an entry: 'Råd och stöd': names a part of the page, not an organisation" in warnings
    assert "not an entry: 'Kontakt': names a part of the page" in warnings
    assert "re:form — municipality: Örebro" in region
    # A contact person's name on a list is never shown, not even to the operator.
    assert "Exempelsson" not in out and "Kontaktperson: [left out]" in out


def test_list_pages_configured_only_in_the_file(
    offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = RawArchive(tmp_path / "archive")
    text = ""
    for page in sorted(PAGES.glob("*.html")):
        name = page.name.removesuffix(".html")
        expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
        url = f"https://www.exempel-kommun.se/{name}/"
        archive.store(url, 200, {"Content-Type": "text/html; charset=utf-8"}, page.read_bytes())
        count = len(expected["entries"])
        text += _entry(name, url, SHAPES[expected["shape"]], expected["region"], (count, count))
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ASF_SOURCES_FILE", str(tmp_path / "sources.toml"))
    monkeypatch.setenv("ASF_RAW_ARCHIVE_DIR", str(tmp_path / "archive"))
    assert main(["sources", "check"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert out.rstrip().endswith("5 of 5 sources pass.")
    assert "shape: link_list on https://www.exempel-kommun.se/member_links/ (8 entries)" in out


def test_a_source_outside_its_expected_range_fails_loudly(
    offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEFAULT_SOURCES_FILE.read_text(encoding="utf-8").replace(
        "expected_entries = [5, 400]", "expected_entries = [150, 250]"
    )
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ASF_SOURCES_FILE", str(tmp_path / "sources.toml"))
    assert main(["sources", "check", "skoopi", "region_orebro"]) == 1
    out = capsys.readouterr().out
    assert "skoopi — Skoopi – ASF-listan (reader skoopi, current_list): FAILS: 10 entries, expected at least 150" in out
    assert out.rstrip().endswith("1 of 2 sources pass; failing: skoopi")


def test_an_unknown_source_name_and_a_bad_file_are_one_line_each(
    offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "check", "kupan"]) == 1
    assert "no source named kupan (the sources file has city_list, skoopi" in capsys.readouterr().err
    bad = DEFAULT_SOURCES_FILE.read_text(encoding="utf-8").replace('reader = "sofisam"', 'reader = "wayback"')
    (tmp_path / "sources.toml").write_text(bad, encoding="utf-8")
    monkeypatch.setenv("ASF_SOURCES_FILE", str(tmp_path / "sources.toml"))
    assert main(["sources", "check"]) == 1
    err = capsys.readouterr().err
    line = bad.splitlines().index('reader = "wayback"') + 1
    assert f"sources.toml:{line}: source sofisam: unknown reader 'wayback'" in err and "Traceback" not in err


class _Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.paths: list[str] = []
        # Each request's Host header and path: 127.0.0.1 and localhost are two hosts of this one server.
        self.requests: list[tuple[str, str]] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Site

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.server.requests.append((self.headers.get("Host", ""), self.path))
        if self.path == "/old/":
            # The page moved to another host.
            self.send_response(301)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/new/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/robots.txt":
            body, kind = b"User-agent: *\nDisallow: /intern/\n", "text/plain"
        elif self.path in ("/sociala-foretag/", "/new/"):
            body, kind = (PAGES / "region_orebro_real.html").read_bytes(), "text/html; charset=utf-8"
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[_Site]:
    server = _Site()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_moved_page_is_one_line_in_the_file_and_checked_live(
    offline_env: None, site: _Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    moved = f"http://127.0.0.1:{site.server_address[1]}/sociala-foretag/"
    text = DEFAULT_SOURCES_FILE.read_text(encoding="utf-8").replace(
        "https://www.regionorebrolan.se/sv/regional-utveckling/kultur-och-civilsamhalle/civilsamhalle/sociala-foretag/",
        moved,
    )
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ASF_SOURCES_FILE", str(tmp_path / "sources.toml"))
    monkeypatch.setenv("ASF_RAW_ARCHIVE_DIR", str(tmp_path / "live-archive"))
    assert main(["sources", "check", "--live", "region_orebro"]) == 0
    out = capsys.readouterr().out
    assert f"HTTP 200   {moved}" in out and f"shape: headings on {moved} (3 entries)" in out
    assert "Café Vinkeln — municipality: Hallsberg" in out
    assert site.paths == ["/robots.txt", "/sociala-foretag/"]  # robots.txt first, politely
    # What was fetched live is archived like any live night's responses.
    assert RawArchive(tmp_path / "live-archive").latest(moved) is not None


def test_a_redirect_shows_each_hop_and_the_final_url(
    offline_env: None, site: _Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    port = site.server_address[1]
    old, new = f"http://127.0.0.1:{port}/old/", f"http://localhost:{port}/new/"
    text = DEFAULT_SOURCES_FILE.read_text(encoding="utf-8").replace(
        "https://www.regionorebrolan.se/sv/regional-utveckling/kultur-och-civilsamhalle/civilsamhalle/sociala-foretag/",
        old,
    )
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ASF_SOURCES_FILE", str(tmp_path / "sources.toml"))
    monkeypatch.setenv("ASF_RAW_ARCHIVE_DIR", str(tmp_path / "live-archive"))
    assert main(["sources", "check", "--live", "region_orebro"]) == 0
    out = capsys.readouterr().out
    # The address in the file, its redirect and the page's new address: what the operator corrects the file to.
    assert (
        f"  fetched:\n    HTTP 301   {old}\n"
        f"      -> HTTP 200   {new} (final URL; moved permanently: put it in the sources file)\n"
    ) in out
    assert "(3 entries)" in out
    # Each host's robots.txt before its page.
    assert site.requests == [
        (f"127.0.0.1:{port}", "/robots.txt"), (f"127.0.0.1:{port}", "/old/"),
        (f"localhost:{port}", "/robots.txt"), (f"localhost:{port}", "/new/"),
    ]  # fmt: skip
    # Replayed from what was archived, the check shows the same hops.
    assert main(["sources", "check", "region_orebro"]) == 0
    assert f"    HTTP 301   {old}\n      -> HTTP 200   {new} (final URL;" in capsys.readouterr().out


def test_the_nightly_run_refuses_a_bad_sources_file_before_anything_runs(
    offline_env: None, tmp_path: Path, sqlite_url: str
) -> None:
    bad = DEFAULT_SOURCES_FILE.read_text(encoding="utf-8").replace("trust = 20", "trust = twenty")
    (tmp_path / "sources.toml").write_text(bad, encoding="utf-8")
    env = {**os.environ, "ASF_SOURCES_FILE": str(tmp_path / "sources.toml"), "ASF_REGISTRY_DB_URL": sqlite_url}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    line = bad.splitlines().index("trust = twenty") + 1
    assert done.returncode != 0
    assert f"sources.toml:{line}: not valid TOML" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "registry.db").exists()
