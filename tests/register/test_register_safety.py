"""A broken register file never erases data, end to end on SQLite and PostgreSQL: the weekly refresh refuses
it and keeps the snapshot, the next night publishes the same registry; the publish gate blocks a night that
would clear register fields; live mode never uses the bundled samples."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import dagster as dg
import pytest
from sqlmodel import Session, col, select

from assets.resources import CompanyRegister
from pipelines.cli import register_notes
from pipelines.definitions import NIGHTLY_JOB_NAME, defs
from registry.publish.gate import FieldLoss, field_loss_reasons
from registry.register.register_snapshot import build_snapshot, read_snapshot_info
from registry.settings import DEFAULT_REGISTER_BULK_FILE, DEFAULT_SCB_BULK_FILE
from registry.store.engines import shared_engine
from registry.store.models import ChangeLogRow, Organisation, RegisterCandidate, RunRow
from registry.tools.labels import Labels
from tests.pipeline_helpers import registry_snapshot, run_nightly, run_weekly
from tests.register_files import BROKEN_KINDS, REFUSAL, broken_file, leftovers, real_layout_file, snapshot_state

FILLER = 200


def _changes(db_url: str, run_id: str) -> list[tuple[str, str | None, str | None, str | None]]:
    with Session(shared_engine(db_url)) as session:
        rows = session.exec(select(ChangeLogRow).where(ChangeLogRow.run_id == run_id).order_by(col(ChangeLogRow.id)))
        return [(r.change, r.field, r.old_value, r.new_value) for r in rows]


def _retries(result: dg.ExecuteInProcessResult) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]


def _failure(result: dg.ExecuteInProcessResult) -> str:
    [failure] = result.get_step_failure_events()
    error = failure.step_failure_data.error
    assert error is not None
    return error.to_string()


def _metadata(result: dg.ExecuteInProcessResult, node: str) -> dict[str, object]:
    [materialization] = result.asset_materializations_for_node(node)
    return {key: value.value for key, value in materialization.metadata.items()}


def test_a_broken_bulk_file_changes_neither_the_snapshot_nor_the_published_registry(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = real_layout_file(tmp_path / "good.txt", FILLER)
    monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(good))
    snapshot = Path(os.environ["ASF_REGISTER_SNAPSHOT"])
    with dg.instance_for_test() as instance:
        assert run_weekly(instance).success
        assert run_nightly(instance).success
        before = registry_snapshot(nightly_env)
        with_register = [o for o in before["organisations"] if o["legal_form"] and o["register_status"]]
        assert len(with_register) >= 4  # the register's values are there, to be lost
        snapshot_before = snapshot_state(snapshot)
        for kind in BROKEN_KINDS:
            monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(broken_file(kind, tmp_path / f"{kind}.txt", good)))
            weekly = run_weekly(instance)
            assert not weekly.success, kind
            error = _failure(weekly)
            assert "the previous one is kept" in error and REFUSAL[kind] in error, (kind, error)
            assert _retries(weekly) == [], kind  # the same file would be refused again
            assert snapshot_state(snapshot) == snapshot_before, kind
            night = run_nightly(instance)
            assert night.success, kind
            assert _changes(nightly_env, night.run_id) == [], kind
            assert registry_snapshot(nightly_env) == before, kind
        assert leftovers(snapshot) == []

        # Next week's plausible file (95 % as many organisations) replaces it.
        monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(real_layout_file(tmp_path / "next.txt", FILLER - 10)))
        weekly = run_weekly(instance)
        assert weekly.success
        figures = _metadata(weekly, "company_register_snapshot")
        assert (figures["organisations"], figures["previous_organisations"], figures["header_recognised"]) == (
            FILLER - 2,
            FILLER + 8,
            True,
        )
        info = read_snapshot_info(snapshot)
        assert info is not None and info.organisations == FILLER - 2 and info.source == str(tmp_path / "next.txt")
        night = run_nightly(instance)
    assert night.success and registry_snapshot(nightly_env) == before


def test_the_publish_gate_blocks_a_night_that_would_clear_register_fields(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = Path(os.environ["ASF_REGISTER_SNAPSHOT"])
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        normal = run_nightly(instance)
        assert normal.success  # a normal night passes
        gate = next(e for e in normal.get_asset_check_evaluations() if e.check_name == "publish_gate")
        losses = gate.metadata["would_lose"].value
        assert gate.passed and all(loss["lost"] == 0 for loss in losses.values())  # type: ignore[union-attr]
        assert losses["legal_form"]["had"] >= 4  # type: ignore[index]
        before = registry_snapshot(nightly_env)
        # A snapshot without the organisations the registry is matched to, as a broken file used to leave; the
        # promotion rule is waived here to get it in place.
        build_snapshot(real_layout_file(tmp_path / "other.txt", 50, with_sample=False), snapshot, min_share=0)
        blocked = run_nightly(instance)
        assert not blocked.success
        gate = next(e for e in blocked.get_asset_check_evaluations() if e.check_name == "publish_gate")
        assert gate.passed is False
        description = gate.description or ""
        had = losses["legal_form"]["had"]  # type: ignore[index]
        assert f"{had} of {had} organisations would lose their legal_form (100%); at most 10% may" in description
        assert "would lose their register_status" in description
        lost = gate.metadata["would_lose"].value
        assert lost["legal_form"] == {"lost": had, "had": had}  # type: ignore[index]
        assert registry_snapshot(nightly_env) == before  # nothing published
        with Session(shared_engine(nightly_env)) as session:
            assert len(session.exec(select(RunRow)).all()) == 2

        # After checking, an operator can let such a night through, once.
        monkeypatch.setenv("ASF_MAX_FIELD_LOSS_SHARE", "1")
        allowed = run_nightly(instance)
    assert allowed.success
    cleared = [c for c in _changes(nightly_env, allowed.run_id) if c[1] == "legal_form"]
    assert len(cleared) == had and all(new is None for *_, new in cleared)


def test_the_field_loss_rule() -> None:
    assert field_loss_reasons({"orgnr": FieldLoss("orgnr", 10, 1)}, 0.1) == []  # 10 %: not more than allowed
    losses = {"orgnr": FieldLoss("orgnr", 10, 2), "legal_form": FieldLoss("legal_form", 0, 0)}
    [reason] = field_loss_reasons(losses, 0.1)
    assert reason.startswith("2 of 10 organisations would lose their orgnr (20%); at most 10% may in one run")
    assert field_loss_reasons({"orgnr": FieldLoss("orgnr", 10, 10)}, 1.0) == []
    assert field_loss_reasons({"orgnr": FieldLoss("orgnr", 10, 1)}, 0.0) != []


def _live_nightly(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    # The sources are replayed (tests never touch the network); the register follows ASF_HTTP_MODE=live.
    return defs.resolve_job_def(NIGHTLY_JOB_NAME).execute_in_process(
        instance=instance, raise_on_error=False, run_config={"resources": {"web": {"config": {"mode": "replay"}}}}
    )


def _register_values(db_url: str) -> tuple[set[str], list[Organisation]]:
    with Session(shared_engine(db_url)) as session:
        candidates = {c.orgnr for c in session.exec(select(RegisterCandidate))}
        matched = [o for o in session.exec(select(Organisation)) if o.register_match]
    return candidates, matched


def test_live_mode_never_uses_the_bundled_samples(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASF_HTTP_MODE", "live")
    monkeypatch.setenv("ASF_CONTACT", "scan@stockholm.example")
    snapshot = Path(os.environ["ASF_REGISTER_SNAPSHOT"])
    with dg.instance_for_test() as instance:
        # No snapshot from a real bulk file yet: published without register data, and said so.
        first = _live_nightly(instance)
        assert first.success and not snapshot.exists()
        assert _register_values(nightly_env) == (set(), [])
        # The summary's notes in English (Swedish by default: tests/tools/test_run_summary.py).
        [note] = register_notes(first, Labels("en"))
        assert note.startswith("Company register not used: live mode, and no snapshot built from Bolagsverket's")
        assert "the bundled sample is never used in live mode" in note and "weekly_register_refresh" in note
        assert _metadata(first, "enriched_organisations")["register_used"] is False

        # A snapshot of the sample (built in replay mode on the same machine, say) is not used either.
        build_snapshot(DEFAULT_REGISTER_BULK_FILE, snapshot, DEFAULT_SCB_BULK_FILE)
        second = _live_nightly(instance)
        assert second.success and _register_values(nightly_env) == (set(), [])
        assert "holds the bundled sample's fictional companies" in register_notes(second, Labels("en"))[0]

        # The weekly refresh refuses to build from the sample in live mode, without retrying.
        monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(DEFAULT_REGISTER_BULK_FILE))
        weekly = run_weekly(instance)
        assert not weekly.success and _retries(weekly) == []
        assert "names the bundled sample" in _failure(weekly) and "live mode never uses" in _failure(weekly)

        # From a real file (downloaded by hand), without an SCB file: no SNI codes, said so; the SCB sample
        # stays out.
        monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(real_layout_file(tmp_path / "real.txt", 20)))
        weekly = run_weekly(instance)
        assert weekly.success
        assert _metadata(weekly, "company_register_snapshot")["sni"] == (
            "no SNI codes: no SCB file is configured (ASF_SCB_BULK_FILE), and live mode never uses the bundled sample"
        )
        info = read_snapshot_info(snapshot)
        assert info is not None and not info.sample and info.sni_organisations is None
        third = _live_nightly(instance)
    assert third.success
    candidates, matched = _register_values(nightly_env)
    assert matched and all(not o.sni_codes for o in matched)
    assert register_notes(third, Labels("en")) == [
        "Company register: no SNI codes: the snapshot was built without SCB's file",
    ]
    assert candidates  # from the real file's companies that describe work integration


def test_a_first_build_from_a_broken_file_leaves_the_night_without_register_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASF_HTTP_MODE", "replay")
    monkeypatch.setenv("ASF_REGISTER_SNAPSHOT", str(tmp_path / "register" / "snapshot"))
    monkeypatch.setenv(
        "ASF_REGISTER_BULK_FILE", str(broken_file("empty", tmp_path / "empty.txt", DEFAULT_REGISTER_BULK_FILE))
    )
    with CompanyRegister().open_register() as register:
        assert register.snapshot is None
        assert register.note.startswith(f"no register snapshot could be built: {tmp_path / 'empty.txt'}: no header row")
    assert not (tmp_path / "register" / "snapshot").exists()


def test_live_mode_reads_no_earlier_release_snapshot_and_no_sample_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = tmp_path / "register" / "snapshot"
    monkeypatch.setenv("ASF_HTTP_MODE", "live")
    monkeypatch.setenv("ASF_REGISTER_SNAPSHOT", str(snapshot))
    monkeypatch.delenv("ASF_REGISTER_BULK_FILE", raising=False)
    monkeypatch.delenv("ASF_SCB_BULK_FILE", raising=False)
    # What an earlier release left at the path: an SQLite file. Live mode does not build (that is the
    # weekly job's, which downloads): the night goes without register data and says why.
    snapshot.parent.mkdir(parents=True)
    with sqlite3.connect(snapshot) as db:
        db.execute("CREATE TABLE companies (orgnr TEXT)")
    with CompanyRegister().open_register() as register:
        assert (
            register.snapshot is None
            and "cannot be read" in register.note
            and "weekly_register_refresh" in register.note
        )
    snapshot.unlink()
    # A real register whose SNI codes came from SCB's sample: the register is used, the sample's codes are not.
    build_snapshot(real_layout_file(tmp_path / "real.txt", 20), snapshot, DEFAULT_SCB_BULK_FILE)
    with CompanyRegister().open_register() as register:
        assert register.snapshot is not None and register.snapshot.count() == 28
        assert register.snapshot.sni_codes("769600-1234") == []  # the sample's SNI codes stay unused
        assert register.sni_note is not None and "bundled SCB sample" in register.sni_note
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, snapshot, min_share=0)
    with CompanyRegister().open_register() as register:
        assert register.snapshot is None and "bundled sample's fictional companies" in register.note
