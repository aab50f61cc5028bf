"""asf-registry doctor on the company register: the bulk files (by their first line), the snapshot (what it
was built from), live mode left with the bundled samples, and the register's settings."""

from __future__ import annotations

import json
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from registry.register.register_snapshot import build_snapshot
from registry.settings import DEFAULT_REGISTER_BULK_FILE, DEFAULT_SCB_BULK_FILE
from registry.tools.doctor import DoctorOptions, Finding, Status, run_checks
from tests.doctor_helpers import ROOMY, healthy_env
from tests.register_files import broken_file, real_layout_file

OFFLINE = DoctorOptions(online=False, disk_usage=ROOMY.disk_usage)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return healthy_env(tmp_path)


def _register(findings: list[Finding]) -> dict[str, list[Finding]]:
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        by_check.setdefault(finding.check, []).append(finding)
    return by_check


def _one(findings: list[Finding], check: str) -> Finding:
    [finding] = _register(findings)[check]
    return finding


def _live(env: dict[str, str]) -> dict[str, str]:
    return {**env, "ASF_HTTP_MODE": "live", "ASF_CONTACT": "scan@stockholm.example"}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("empty", "is empty (0 bytes)"),
        ("random", "does not begin with Bolagsverket's header row"),
        ("header_only", "holds only the header row, no organisations"),
    ],
)
def test_a_broken_bulk_file_fails(env: dict[str, str], tmp_path: Path, kind: str, expected: str) -> None:
    broken = broken_file(kind, tmp_path / f"{kind}.txt", real_layout_file(tmp_path / "good.txt", 20))
    finding = _one(run_checks({}, {**env, "ASF_REGISTER_BULK_FILE": str(broken)}, ROOMY), "register bulk file")
    assert finding.status is Status.FAIL and expected in finding.message and str(broken) in finding.message
    assert "download bolagsverket_bulkfil.zip" in finding.fix


def test_a_zip_without_a_text_file_fails_and_a_good_zip_passes(env: dict[str, str], tmp_path: Path) -> None:
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.pdf", b"%PDF")
    finding = _one(run_checks({}, {**env, "ASF_REGISTER_BULK_FILE": str(empty_zip)}, ROOMY), "register bulk file")
    assert finding.status is Status.FAIL and "empty.zip holds no .txt file" in finding.message
    good_zip = tmp_path / "bolagsverket_bulkfil.zip"
    with zipfile.ZipFile(good_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(real_layout_file(tmp_path / "good.txt", 20), "bolagsverket_bulkfil.txt")
    finding = _one(run_checks({}, {**env, "ASF_REGISTER_BULK_FILE": str(good_zip)}, ROOMY), "register bulk file")
    assert finding.status is Status.OK and "header row recognised" in finding.message


def test_only_the_first_line_of_the_bulk_file_is_read(env: dict[str, str], tmp_path: Path) -> None:
    # 64 GB that take no room: reading it whole would take minutes.
    huge = real_layout_file(tmp_path / "huge.txt", 5)
    with huge.open("r+b") as f:
        f.truncate(64 * 1024**3)
    started = time.perf_counter()
    finding = _one(run_checks({}, {**env, "ASF_REGISTER_BULK_FILE": str(huge)}, ROOMY), "register bulk file")
    assert finding.status is Status.OK and time.perf_counter() - started < 10


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ASF_REGISTER_MIN_SHARE", "abc"),
        ("ASF_REGISTER_MIN_SHARE", "5"),
        ("ASF_MAX_FIELD_LOSS_SHARE", "-0.1"),
        ("ASF_MAX_FIELD_LOSS_SHARE", "10%"),
    ],
)
def test_a_register_setting_out_of_range_fails(env: dict[str, str], name: str, value: str) -> None:
    failures = [f for f in run_checks({}, {**env, name: value}, ROOMY) if f.status is Status.FAIL]
    [failure] = failures
    assert failure.check == "configuration" and name in failure.message and repr(value) in failure.message
    assert failure.fix == "correct it, or unset it to use the default"


def test_valid_register_settings_pass(env: dict[str, str]) -> None:
    settings = {"ASF_REGISTER_MIN_SHARE": "0.95", "ASF_MAX_FIELD_LOSS_SHARE": "0"}
    assert [f for f in run_checks({}, {**env, **settings}, ROOMY) if f.status is Status.FAIL] == []


def test_an_empty_snapshot_fails(env: dict[str, str], tmp_path: Path) -> None:
    snapshot = Path(env["ASF_REGISTER_SNAPSHOT"])
    build_snapshot(real_layout_file(tmp_path / "real.txt", 20), snapshot)
    info = snapshot.resolve() / "build_info.json"  # as a snapshot built before builds were judged could say
    info.write_text(json.dumps({**json.loads(info.read_text()), "organisations": 0}))
    finding = _one(run_checks({}, env, ROOMY), "register snapshot")
    assert finding.status is Status.FAIL and "holds no organisations" in finding.message
    assert "weekly_register_refresh" in finding.fix


def test_an_earlier_releases_sqlite_snapshot_fails_with_how_to_replace_it(env: dict[str, str]) -> None:
    snapshot = Path(env["ASF_REGISTER_SNAPSHOT"])
    snapshot.parent.mkdir(parents=True)
    with sqlite3.connect(snapshot) as db:
        db.execute("CREATE TABLE companies (orgnr TEXT, name TEXT)")
    finding = _one(run_checks({}, env, ROOMY), "register snapshot")
    assert finding.status is Status.FAIL and "not a register snapshot of this release" in finding.message
    assert "weekly_register_refresh" in finding.fix


def test_an_unreadable_snapshot_fails(env: dict[str, str]) -> None:
    snapshot = Path(env["ASF_REGISTER_SNAPSHOT"])
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(b"not a database at all, but long enough to look like a file header" * 10)
    finding = _one(run_checks({}, env, ROOMY), "register snapshot")
    assert finding.status is Status.FAIL and "cannot be read as a register snapshot" in finding.message


def test_a_snapshot_says_what_it_was_built_from(env: dict[str, str], tmp_path: Path) -> None:
    snapshot = Path(env["ASF_REGISTER_SNAPSHOT"])
    build_snapshot(real_layout_file(tmp_path / "real.txt", 20), snapshot)
    finding = _one(run_checks({}, env, ROOMY), "register snapshot")
    assert finding.status is Status.OK and f"28 organisations from {tmp_path / 'real.txt'}, built " in finding.message
    (snapshot.resolve() / "build_info.json").unlink()  # a folder with a file gone
    finding = _one(run_checks({}, env, ROOMY), "register snapshot")
    assert finding.status is Status.FAIL and "not a complete register snapshot" in finding.message


def test_live_mode_that_would_use_the_samples_is_flagged(env: dict[str, str], tmp_path: Path) -> None:
    live = _live(env)
    # Nothing built yet: the nightly job publishes without register data until the weekly refresh ran.
    findings = run_checks({}, live, OFFLINE)
    assert [f for f in findings if f.status is Status.FAIL] == []
    snapshot, scb = _one(findings, "register snapshot"), _one(findings, "SCB bulk file")
    assert snapshot.status is Status.WARN and "publishes without register data" in snapshot.message
    assert scb.status is Status.WARN and "the bundled SCB sample is never used in live mode" in scb.message

    # The samples named explicitly, and a snapshot built from them (in replay mode, say): failures.
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, Path(env["ASF_REGISTER_SNAPSHOT"]), DEFAULT_SCB_BULK_FILE)
    samples = {
        **live,
        "ASF_REGISTER_BULK_FILE": str(DEFAULT_REGISTER_BULK_FILE),
        "ASF_SCB_BULK_FILE": str(DEFAULT_SCB_BULK_FILE),
    }
    checks = _register([f for f in run_checks({}, samples, OFFLINE) if f.status is Status.FAIL])
    assert "names the bundled sample" in checks["register bulk file"][0].message
    assert "names the bundled sample" in checks["SCB bulk file"][0].message
    messages = [f.message for f in checks["register snapshot"]]
    assert any("was built from the bundled sample" in m for m in messages)
    assert any("SNI codes from the bundled SCB sample" in m for m in messages)
    # The same snapshot in replay mode is what replay mode is for.
    assert _one(run_checks({}, env, ROOMY), "register snapshot").status is Status.OK


def test_live_mode_with_a_downloaded_file_and_a_real_snapshot_passes(env: dict[str, str], tmp_path: Path) -> None:
    snapshot = Path(env["ASF_REGISTER_SNAPSHOT"])
    real = real_layout_file(tmp_path / "real.txt", 20)
    build_snapshot(real, snapshot, source="https://example.se/bolagsverket_bulkfil.zip", sha256="0" * 64)
    with zipfile.ZipFile(snapshot.with_name("bolagsverket_bulkfil.zip"), "w") as archive:
        archive.write(real, "bolagsverket_bulkfil.txt")
    findings = run_checks({}, {**_live(env), "ASF_SCB_BULK_FILE": "none"}, OFFLINE)
    assert [f for f in findings if f.status is Status.FAIL] == []
    assert _one(findings, "register bulk file").status is Status.OK
    assert "from https://example.se/bolagsverket_bulkfil.zip" in _one(findings, "register snapshot").message
    assert _one(findings, "SCB bulk file").message == "none: the register is built without SNI codes"
    # The last download broken (cut off, say): flagged before Sunday's refresh is refused.
    snapshot.with_name("bolagsverket_bulkfil.zip").write_bytes(b"")
    finding = _one(run_checks({}, _live(env), OFFLINE), "register bulk file")
    assert finding.status is Status.FAIL and "the last downloaded bulk file is empty" in finding.message


def test_an_scb_file_without_its_header_fails(env: dict[str, str], tmp_path: Path) -> None:
    wrong = tmp_path / "scb.txt"
    wrong.write_text("Namn\tKommun\nX\tY\n", encoding="utf-8")
    finding = _one(run_checks({}, {**env, "ASF_SCB_BULK_FILE": str(wrong)}, ROOMY), "SCB bulk file")
    assert finding.status is Status.FAIL and "does not begin with SCB's header row" in finding.message
    finding = _one(run_checks({}, {**env, "ASF_SCB_BULK_FILE": str(DEFAULT_SCB_BULK_FILE)}, ROOMY), "SCB bulk file")
    assert finding.status is Status.OK
