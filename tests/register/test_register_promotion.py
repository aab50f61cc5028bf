"""A new register snapshot replaces the current one only when it is plausible; what it was built from is
recorded in it; half-built files of killed builds are removed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from registry.register.bulk_columns import BLOCK_SIZE
from registry.register.register_snapshot import (
    RegisterSnapshot,
    SnapshotRefused,
    SnapshotUnreadable,
    build_snapshot,
    implausible,
    is_bundled_sample,
    read_snapshot_info,
    remove_stale_builds,
)
from registry.settings import DEFAULT_REGISTER_BULK_FILE, DEFAULT_SCB_BULK_FILE, register_min_share
from tests.register_files import (
    BROKEN_KINDS,
    HEADER,
    REFUSAL,
    broken_file,
    filler_rows,
    leftovers,
    real_layout_file,
    snapshot_state,
)

FILLER = 200  # with the sample's 8 companies: 208 organisations in the previous snapshot


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """A snapshot built from a real-layout file, as the weekly job left it last Sunday."""
    target = tmp_path / "register" / "snapshot"
    report = build_snapshot(real_layout_file(tmp_path / "good.txt", FILLER), target, DEFAULT_SCB_BULK_FILE)
    assert report.entries == FILLER + 8
    return target




@pytest.mark.parametrize("kind", BROKEN_KINDS)
def test_a_broken_bulk_file_leaves_the_previous_snapshot_as_it_was(previous: Path, tmp_path: Path, kind: str) -> None:
    before = snapshot_state(previous)
    broken = broken_file(kind, tmp_path / f"{kind}.txt", tmp_path / "good.txt")
    with pytest.raises(SnapshotRefused) as refused:
        build_snapshot(broken, previous, DEFAULT_SCB_BULK_FILE)
    message = str(refused.value)
    assert message.startswith(f"{broken}: ") and REFUSAL[kind] in message, message
    assert message.endswith("the previous snapshot is kept")
    assert snapshot_state(previous) == before
    assert leftovers(previous) == []  # the refused build removed its own file


def test_a_file_cut_to_far_fewer_rows_says_how_many_against_how_many(previous: Path, tmp_path: Path) -> None:
    broken = broken_file("cut_to_few_rows", tmp_path / "few.txt", tmp_path / "good.txt")
    expected = r": 5 organisations against 208 in the previous snapshot \(at least 90 % expected\); 5 rows read"
    with pytest.raises(SnapshotRefused, match=expected):
        build_snapshot(broken, previous)


def test_a_zip_cut_off_mid_download_is_refused(previous: Path, tmp_path: Path) -> None:
    archive = tmp_path / "bolagsverket_bulkfil.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(tmp_path / "good.txt", "bolagsverket_bulkfil.txt")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    before = snapshot_state(previous)
    with pytest.raises(SnapshotRefused, match="no header row"):
        build_snapshot(cut, previous)
    assert snapshot_state(previous) == before


def test_a_plausible_file_is_promoted_and_says_what_it_was_built_from(previous: Path, tmp_path: Path) -> None:
    # 95 % of last week's organisations: companies are deregistered and merged every week.
    smaller = real_layout_file(tmp_path / "smaller.txt", FILLER - 10)
    report = build_snapshot(smaller, previous, source="https://example.se/bulk.zip", sha256="ab" * 32)
    assert report.previous is not None and report.previous.organisations == FILLER + 8
    info = read_snapshot_info(previous)
    assert info is not None and info == report.info
    assert (info.organisations, info.source, info.sha256, info.header, info.sample) == (
        FILLER - 2,
        "https://example.se/bulk.zip",
        "ab" * 32,
        True,
        False,
    )
    assert info.built_at and info.sni_organisations is None  # built without SCB's file this time
    with RegisterSnapshot(previous) as snapshot:
        assert snapshot.count() == FILLER - 2 and snapshot.info() == info


def test_the_share_is_configurable(previous: Path, tmp_path: Path) -> None:
    half = real_layout_file(tmp_path / "half.txt", FILLER // 2)
    with pytest.raises(SnapshotRefused, match="108 organisations against 208"):
        build_snapshot(half, previous, min_share=0.6)
    assert build_snapshot(half, previous, min_share=0.5).entries == 108
    # Never 0, whatever the share.
    with pytest.raises(SnapshotRefused, match=": 0 organisations"):
        build_snapshot(broken_file("header_only", tmp_path / "h.txt", half), previous, min_share=0)


@pytest.mark.parametrize("value", ["abc", "1.5", "-0.1", "nan", "90%"])
def test_a_share_setting_out_of_range_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ASF_REGISTER_MIN_SHARE", value)
    with pytest.raises(ValueError, match=f"ASF_REGISTER_MIN_SHARE must be .* not '{value}'"):
        register_min_share()


def test_the_share_setting_defaults_to_90_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASF_REGISTER_MIN_SHARE", raising=False)
    assert register_min_share() == 0.9
    monkeypatch.setenv("ASF_REGISTER_MIN_SHARE", "0.5")
    assert register_min_share() == 0.5


def test_the_plausibility_rule() -> None:
    assert implausible(0, None, 0.9) == "0 organisations"
    assert implausible(1, None, 0.9) is None  # a first snapshot: any number but 0
    assert implausible(2_212_778, 2_458_642, 0.9) is None
    assert implausible(1_234, 2_458_642, 0.9) == (
        "1,234 organisations against 2,458,642 in the previous snapshot (at least 90 % expected)"
    )


def test_an_scb_file_that_yields_nothing_is_refused(previous: Path, tmp_path: Path) -> None:
    before = snapshot_state(previous)
    header_only = tmp_path / "scb.txt"
    header_only.write_bytes(DEFAULT_SCB_BULK_FILE.read_bytes().split(b"\n", 1)[0] + b"\n")
    with pytest.raises(SnapshotRefused, match=f"SCB file {header_only}: 0 organisations"):
        build_snapshot(tmp_path / "good.txt", previous, header_only)
    empty = tmp_path / "empty_scb.txt"
    empty.write_bytes(b"")
    with pytest.raises(SnapshotRefused, match=f"SCB file {empty}: not an SCB bulk file"):
        build_snapshot(tmp_path / "good.txt", previous, empty)
    assert snapshot_state(previous) == before and leftovers(previous) == []


def test_an_scb_file_far_smaller_than_last_time_is_refused(previous: Path, tmp_path: Path) -> None:
    lines = DEFAULT_SCB_BULK_FILE.read_bytes().split(b"\n")
    fewer = tmp_path / "scb.txt"
    fewer.write_bytes(b"\n".join(lines[:2]) + b"\n")  # 1 of the 4 organisations
    with pytest.raises(SnapshotRefused, match="1 organisations against 4 in the previous snapshot"):
        build_snapshot(tmp_path / "good.txt", previous, fewer)


def test_the_bundled_sample_is_recognised_by_path_and_by_content(tmp_path: Path) -> None:
    assert is_bundled_sample(DEFAULT_REGISTER_BULK_FILE) and is_bundled_sample(DEFAULT_SCB_BULK_FILE)
    copy = tmp_path / "bolagsverket_bulkfil.txt"
    copy.write_bytes(DEFAULT_REGISTER_BULK_FILE.read_bytes())
    assert is_bundled_sample(copy)
    assert not is_bundled_sample(real_layout_file(tmp_path / "real.txt", 3))
    # Zipped, the file is another; its content is still the sample's, and the snapshot says so.
    archive = tmp_path / "sample.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(DEFAULT_REGISTER_BULK_FILE, "bolagsverket_bulkfil.txt")
    report = build_snapshot(archive, tmp_path / "snapshot", DEFAULT_SCB_BULK_FILE)
    assert report.info.sample and report.info.sni_sample
    report = build_snapshot(tmp_path / "real.txt", tmp_path / "other", DEFAULT_SCB_BULK_FILE, min_share=0)
    assert not report.info.sample and report.info.sni_sample


def test_an_earlier_releases_sqlite_snapshot_is_not_read_and_the_next_build_replaces_it(tmp_path: Path) -> None:
    old = tmp_path / "snapshot.sqlite"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE companies (orgnr TEXT, name TEXT)")
    with pytest.raises(SnapshotUnreadable, match="not a register snapshot of this release"):
        read_snapshot_info(old)
    with pytest.raises(SnapshotUnreadable):
        RegisterSnapshot(old)
    report = build_snapshot(DEFAULT_REGISTER_BULK_FILE, old)
    assert old.is_symlink() and report.previous is None
    with RegisterSnapshot(old) as snapshot:
        assert snapshot.count() == 8


def test_a_field_longer_than_a_read_block_is_read_not_refused(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    rows = filler_rows(3)
    rows[1] = rows[1].replace("Handel med varor.", "x" * (BLOCK_SIZE + 1))
    long.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = build_snapshot(long, tmp_path / "long-snapshot", min_share=0)
    assert report.entries == 3 and report.parse.malformed == 0


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_half_built_files_of_dead_builds_are_removed_when_the_next_build_starts(previous: Path, tmp_path: Path) -> None:
    folder = previous.parent
    dead = folder / f".snapshot.building-{_dead_pid()}"
    dead.mkdir()
    (dead / "companies.arrow").write_bytes(b"half a snapshot")
    superseded = folder / f".snapshot.v1-{_dead_pid()}"  # killed after its build, before the link moved
    superseded.mkdir()
    unmoved = folder / f".snapshot.link-{_dead_pid()}"  # killed between making the new link and moving it
    unmoved.symlink_to(superseded.name)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = folder / f".snapshot.building-{sleeper.pid}"
        running.mkdir()
        other = folder / ".other.building-1"  # another snapshot's build: not ours to judge
        other.write_bytes(b"")
        current = previous.resolve()
        report = build_snapshot(tmp_path / "good.txt", previous)
        assert sorted(report.removed_stale) == sorted([dead, superseded, unmoved])
        assert not dead.exists() and not superseded.exists() and running.exists() and other.exists()
        assert not current.exists()  # the snapshot it replaced, once the link points to the new one
        assert remove_stale_builds(previous) == []
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_stale_builds(previous) == [running]


def test_a_build_that_fails_removes_its_own_file(previous: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        build_snapshot(tmp_path / "missing.zip", previous)
    with pytest.raises(SnapshotRefused):
        build_snapshot(broken_file("random", tmp_path / "r.txt", tmp_path / "good.txt"), previous)
    assert leftovers(previous) == [] and len(os.listdir(previous.parent)) == 2  # the link and its folder
