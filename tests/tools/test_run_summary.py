"""What `asf-registry run` says after a night, in Swedish and English: the counts agree with their nouns, the
notes on the company register and a blocked night's reasons are said from what was stored in English."""

from __future__ import annotations

from registry.publish.gate import FieldLoss, GateReason, field_losses_blocking
from registry.publish.publish import PublishSummary
from registry.register.company_register import WEEKLY_JOB_HINT
from registry.tools.labels import Labels
from registry.tools.run_summary import format_summary, gate_reason, record_count_reason, register_note

SV, EN = Labels("sv"), Labels("en")


def _summary(count: int) -> PublishSummary:
    return PublishSummary(
        run_id="r", organisations_active=count, organisations_inactive=count, added=count, records=count,
        quarantined=count, per_source={"city_list": count}, per_evidence={"current_list": count}, failed_sources=[],
        active_unlisted=count, changes={"added": count},
    )  # fmt: skip


def test_one_and_several_agree_with_their_nouns_in_both_languages() -> None:
    one, two = (format_summary(_summary(n), "sqlite:///r.db", SV) for n in (1, 2))
    assert one.splitlines()[0] == (
        "Registret är publicerat: 1 aktiv organisation (1 ny, 1 inte längre listad, 1 inaktiv), 1 källpost, "
        "1 i karantän."
    )
    assert two.splitlines()[0] == (
        "Registret är publicerat: 2 aktiva organisationer (2 nya, 2 inte längre listade, 2 inaktiva), 2 källposter, "
        "2 i karantän."
    )
    assert "1 post i karantän: se den med  asf-registry quarantine" in one
    assert "2 poster i karantän: se dem med  asf-registry quarantine" in two
    one, two = (format_summary(_summary(n), "sqlite:///r.db", EN) for n in (1, 2))
    assert one.splitlines()[0] == (
        "Registry published: 1 active organisation (1 new, 1 no longer listed, 1 inactive), 1 source record, "
        "1 quarantined."
    )
    assert "2 source records, 2 quarantined." in two and "1 record quarantined: see it with" in one


def test_the_notes_on_the_company_register_read_in_swedish() -> None:
    sni = "no SNI codes: the snapshot was built without SCB's file"
    assert register_note(sni, True, SV) == "Bolagsregistret: inga SNI-koder: registerkopian byggdes utan SCB:s fil"
    assert register_note(sni, True, EN) == f"Company register: {sni}"
    sample = "no SNI codes: data/scb.txt is the bundled sample, and live mode never uses the bundled sample"
    assert register_note(sample, True, SV) == (
        "Bolagsregistret: inga SNI-koder: data/scb.txt är det medföljande exemplet, och skarpt läge använder aldrig "
        "det medföljande exemplet"
    )
    live = (
        "live mode, and no snapshot built from Bolagsverket's bulk file yet (no snapshot at data/register/snapshot; "
        f"the bundled sample is never used in live mode): {WEEKLY_JOB_HINT}"
    )
    said = register_note(live, False, SV)
    assert said.startswith("Bolagsregistret användes inte: skarpt läge, och ingen registerkopia är byggd")
    assert "(ingen registerkopia i data/register/snapshot;" in said and "kör jobbet weekly_register_refresh" in said
    assert register_note(live, False, EN) == f"Company register not used: {live}"
    # A note this release does not know is shown as written.
    assert register_note("a note of 2031", False, SV) == "Bolagsregistret användes inte: a note of 2031"


def test_a_blocked_night_s_reasons_are_data_said_in_either_language() -> None:
    [lost] = field_losses_blocking({"orgnr": FieldLoss("orgnr", 10, 4)}, 0.1)
    assert str(lost).startswith("4 of 10 organisations would lose their orgnr (40%); at most 10% may in one run")
    assert gate_reason(lost.as_data(), SV) == (
        "4 av 10 organisationer skulle bli utan organisationsnummer (40%); högst 10% får det i en körning (var "
        "bolagsregistret komplett i natt?)"
    )
    assert gate_reason(lost.as_data(), EN).startswith("4 of 10 organisations would lose their organisation number")
    retiring = GateReason(GateReason.RETIRING, {"retiring": 2, "active_before": 4, "share": 0.5, "max_share": 0.05})
    assert gate_reason(retiring.as_data(), SV) == (
        "2 av 4 aktiva organisationer (50%) skulle sluta listas eller bli inaktiva; högst 5% får det i en körning"
    )
    assert gate_reason(retiring.as_data(), EN) == str(retiring)
    collapsed = GateReason(
        GateReason.SOURCE_COLLAPSED,
        {"source": "skoopi", "records": 1, "last_published": 10, "max_drop": 0.5, "expected": 5.0,
         "explanation": "1 records against 10 last published: ..."},
    )  # fmt: skip
    assert gate_reason(collapsed.as_data(), SV) == (
        "källan skoopi rasade: 1 post mot 10 senast publicerade, ett fall på mer än 50% (minst 5 väntades)"
    )
    personal = GateReason(GateReason.PERSONAL_DATA, {"columns": ["organisations.phone"], "message": "..."})
    assert gate_reason(personal.as_data(), SV).startswith(
        "ett personnummer eller samordningsnummer hittades i organisations.phone: inget publicerades"
    )
    # A kind a later release adds is said in its English.
    assert gate_reason({"kind": "new_kind", "message": "something new"}, SV) == "something new"


def test_a_collapsed_source_s_check_is_said_from_its_figures() -> None:
    figures = {"records": 3, "last_published": 10, "max_drop": 0.5}
    assert (
        record_count_reason(figures, SV)
        == "3 poster mot 10 senast publicerade: ett fall på mer än 50% (minst 5 väntades)"
    )
    assert record_count_reason(figures, EN) == (
        "3 records against 10 last published: a drop of more than 50% (at least 5 expected)"
    )
    assert record_count_reason({"records": 3}, SV) is None


def test_a_source_s_other_check_reasons_read_in_swedish() -> None:
    assert SV.phrase("check", "kept the last good records (12): HTTP 503") == (
        "behöll de senaste goda posterna (12): HTTP 503"
    )
    assert SV.phrase("check", "40 entries, expected at most 30 (expected_entries in the sources file)") == (
        "40 poster, högst 30 väntades (expected_entries i källfilen)"
    )
    assert EN.phrase("check", "source failed: its last good records are used") == (
        "source failed: its last good records are used"
    )
    assert SV.phrase("check", "a warning of 2031") == "a warning of 2031"
    failed = "DagsterAssetCheckFailedError: 2 blocking asset checks failed with ERROR severity:"
    assert (
        SV.phrase("step_failure", failed) == "2 blockerande kontroller misslyckades (allvarlighetsgrad ERROR); se "
        "kontrollerna nedan:"
    )
