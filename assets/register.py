"""The company register: the weekly snapshot, enrichment of the night's organisations, and discovery."""

import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import dagster as dg
from sqlmodel import Session

from assets.metadata import OWNER, markdown_table
from assets.policies import DOWNLOAD_RETRY, REGISTRY_WRITE_POOL, registry_write, stops_without_retry
from assets.resources import BolagsverketApiAccess, CompanyRegister, RegistryDatabase, WebClient
from registry.identity.judgement_store import load_graph
from registry.night import ResolvedNight
from registry.reference.personnummer import shown_location
from registry.register.api_refresh import refresh_matches
from registry.register.bolagsverket import ParseReport
from registry.register.company_register import RegisterInUse
from registry.register.discovery import update_candidates
from registry.register.enrichment import DISCOVERY_PHRASES, METHOD_REVIEW, RegisterMatch, enrich
from registry.register.register_snapshot import BuildReport
from registry.store.personal_data import PersonalDataFound

REGISTER_GROUP = "register"
ENRICH_GROUP = "enrich"
# Discovery reads the published registry (to leave out what it lists), so its group comes after publish.
DISCOVER_GROUP = "discover"
# Metadata of enriched_organisations that the CLI summary reads: whether the night used the register, and why not.
REGISTER_USED = "register_used"
REGISTER_NOTE = "register"
SNI_NOTE = "sni_codes"
API_NOTE = "bolagsverket_api"
# Metadata of company_register_snapshot's materializations: the job that built it, and whether a night did
# (a night builds one only when it finds none it can use; the weekly job refreshes it).
BUILT_BY = "built_by"
BUILT_TONIGHT = "built_tonight"


@dg.asset(
    group_name=REGISTER_GROUP,
    kinds={"python", "sqlite"},
    owners=[OWNER],
    retry_policy=DOWNLOAD_RETRY,
    description=(
        "Bolagsverket's bulk file (~3 million organisations, updated weekly) as an indexed snapshot for matching: "
        "downloaded in live mode (streamed, checksummed, the previous file kept until the new one parsed), "
        "else built from the configured bulk file. The new snapshot replaces the current one only when the file "
        "began with Bolagsverket's header row and holds at least ASF_REGISTER_MIN_SHARE (90 %) of the current "
        "one's organisations (never 0); otherwise this step fails, says why, and the current one stays. Sole "
        "traders (personnummer) are never stored."
    ),
)
@stops_without_retry
def company_register_snapshot(
    context: dg.AssetExecutionContext, company_register: CompanyRegister, web: WebClient
) -> dg.MaterializeResult:
    started = time.perf_counter()
    try:
        refreshed = company_register.refresh(web.contact_address())
    except (ValueError, FileNotFoundError, zipfile.BadZipFile) as exc:
        # A file that is refused (implausible, a zip bomb, an unsafe member name, not a regular file) or does
        # not parse fails the same way however often it is tried: no retry, the previous snapshot is kept.
        parse = getattr(exc, "parse", None)
        raise dg.Failure(
            description=f"the register snapshot was not rebuilt, the previous one is kept: {exc}",
            allow_retries=False,
            metadata=_refusal_metadata(parse) if parse else None,
        ) from exc
    report = refreshed.report
    parse = report.parse
    context.log.info(f"register snapshot: {report.entries} organisations from {shown_location(refreshed.source)}")
    sni_note = company_register.config().sni_note()
    if sni_note:
        context.log.warning(sni_note)
    for stale in report.removed_stale:
        context.log.info(f"removed {shown_location(stale.name)}, left behind by a build whose process is gone")
    if parse.unknown_codes:
        context.log.warning(
            f"register codes not in docs/register_codes.md (they gave no status): {_codes(parse.unknown_codes)}"
        )
    return dg.MaterializeResult(
        metadata={
            **_build_metadata(report, refreshed.source, refreshed.sha256, sni_note, time.perf_counter() - started),
            BUILT_BY: context.run.job_name,
        }
    )


def _build_metadata(
    report: BuildReport, source: str, sha256: str | None, sni_note: str | None, seconds: float
) -> dict[str, str | int | float | bool | dg.MetadataValue]:
    """What a new snapshot holds and was built from: the same figures whichever job built it."""
    parse, info = report.parse, report.info
    return {
        "dagster/row_count": report.entries,
        "organisations": report.entries,
        "previous_organisations": report.previous.organisations if report.previous else 0,
        "header_recognised": parse.header,
        "rows_read": parse.rows,
        "sole_trader_rows_skipped": parse.personnummer_rows_skipped,
        # Names, descriptions and addresses stored without the personal number they held.
        "values_with_a_personnummer_redacted": parse.personnummer_redacted,
        "malformed_lines": parse.malformed,
        # Rows a malformed line had swallowed, read on their own: without it a broken line would cost its neighbour.
        "rows_recovered_after_malformed_lines": parse.rows_recovered,
        "malformed_examples": dg.MetadataValue.md("\n".join(f"- {e}" for e in parse.malformed_examples) or "none"),
        "encoding": parse.encoding,
        "unknown_codes": _codes(parse.unknown_codes) or "none",
        "scb_rows_with_sni": report.scb.entries if report.scb else 0,
        # Not SNI_NOTE's name: the CLI summary reads that from every materialization enriched_organisations' step
        # records, and a night's build is one of them.
        "sni": sni_note or f"from {info.sni_source}",
        "built_from_sample": info.sample,
        "stale_builds_removed": len(report.removed_stale),
        # A file or an address may be named after a person (a sole trader's own download): shown without the number.
        "source": shown_location(source),
        "bulk_file": shown_location(PurePosixPath(urlsplit(source).path).name),
        "sha256": sha256 or "n/a (local file)",
        "built_at": info.built_at or "unrecorded",
        "build_seconds": round(seconds, 1),
        "snapshot": str(report.path),
    }


def record_night_build(context: dg.AssetExecutionContext, register: RegisterInUse) -> None:
    """Record a snapshot this night built as company_register_snapshot's materialization; a reused one is not.

    Otherwise the UI says the register was never materialized while every night enriches from it."""
    built = register.built
    if built is None:
        return
    report = built.report
    context.log.info(f"register snapshot built tonight from {shown_location(built.bulk_file)} ({built.reason})")
    context.log_event(
        dg.AssetMaterialization(
            asset_key=company_register_snapshot.key,
            description=f"Built by the night from the configured bulk file ({built.reason}).",
            metadata={
                **_build_metadata(report, str(built.bulk_file), None, register.sni_note, built.seconds),
                BUILT_BY: context.run.job_name,
                BUILT_TONIGHT: True,
                "why_built": built.reason,
            },
        )
    )


def _codes(counts: dict[str, int]) -> str:
    return ", ".join(f"{code} ({n:,})" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _refusal_metadata(parse: ParseReport) -> dict[str, bool | int]:
    """What the refused file held, for the failed step in the UI."""
    return {
        "header_recognised": parse.header,
        "rows_read": parse.rows,
        "organisations_found": parse.entries,
        "malformed_lines": parse.malformed,
    }


@dg.asset(
    group_name=ENRICH_GROUP,
    kinds={"python"},
    owners=[OWNER],
    deps=[company_register_snapshot],
    description=(
        "Each resolved organisation matched to the company register: a valid orgnr directly, otherwise by name, "
        "kommun and legal form against the register's name index, an active registration before a deregistered "
        "namesake. Confident matches are linked with score and explanation; uncertain ones wait for review; "
        "people's judgements win. With API credentials set, the matched organisations' register status and name "
        "are refreshed from Bolagsverket's API between weekly bulk files (cached, rate-limited; a failure keeps "
        "the snapshot's values)."
    ),
)
def enriched_organisations(
    context: dg.AssetExecutionContext,
    company_register: CompanyRegister,
    bolagsverket_api: BolagsverketApiAccess,
    registry_db: RegistryDatabase,
    resolved_organisations: ResolvedNight,
) -> dg.Output[ResolvedNight]:
    with Session(registry_db.engine()) as session:
        graph = load_graph(session)
    organisations = [(o.registry_id, o.cluster.members) for o in resolved_organisations.resolution.organisations]
    with company_register.open_register() as register:
        record_night_build(context, register)
        if register.snapshot is None:
            # Published without register values; the publish gate stops a night that would clear many.
            context.log.warning(f"company register not used tonight: {register.note}")
            matches, decisions = {}, []
        else:
            matches, decisions = enrich(organisations, register.snapshot, graph, datetime.now(UTC))
    matches, api_note = _refresh_from_api(context, bolagsverket_api, matches)
    if register.sni_note:
        context.log.warning(register.sni_note)
    by_method: dict[str, int] = {}
    for found in matches.values():
        by_method[found.method] = by_method.get(found.method, 0) + 1
    preview = markdown_table(
        (
            {"registry_id": k, "method": m.method, "orgnr": m.entry.orgnr if m.entry else "", "why": m.explanation}
            for k, m in sorted(matches.items())
            if m.method != "none"
        ),
        ("registry_id", "method", "orgnr", "why"),
    )
    context.log.info(f"register matches: {by_method}")
    night = replace(
        resolved_organisations,
        decisions=[*resolved_organisations.decisions, *decisions],
        register_matches=matches,
    )
    return dg.Output(
        night,
        metadata={
            "dagster/row_count": len(matches),
            **{f"matched_by_{method}": count for method, count in sorted(by_method.items())},
            "waiting_for_review": by_method.get(METHOD_REVIEW, 0),
            "matches": dg.MetadataValue.md(preview),
            REGISTER_USED: register.snapshot is not None,
            REGISTER_NOTE: register.note,
            "register_snapshot_built_tonight": register.built is not None,
            SNI_NOTE: register.sni_note or "SNI codes from SCB's file",
            API_NOTE: api_note,
        },
    )


def _refresh_from_api(
    context: dg.AssetExecutionContext, access: BolagsverketApiAccess, matches: dict[str, RegisterMatch]
) -> tuple[dict[str, RegisterMatch], str]:
    """The matches with the API's current status and name, when credentials are set; never fails the night."""
    try:
        api = access.client()
        if api is None:
            return matches, "not used (no ASF_BOLAGSVERKET_CLIENT_ID / ASF_BOLAGSVERKET_CLIENT_SECRET)"
        if not any(m.entry is not None for m in matches.values()):
            return matches, "not used (no organisation is matched to the register tonight)"
        refreshed, report = refresh_matches(
            matches, api, access.cache(), datetime.now(UTC), access.limits(), log=context.log.info,
            warn=context.log.warning,
        )  # fmt: skip
    except Exception as exc:  # the refresh is a bonus between weekly files: nothing in it may fail the night
        note = f"not used tonight: the refresh failed ({type(exc).__name__}: {exc})"
        context.log.warning(f"Bolagsverket's API {note}; the register values are the weekly file's")
        return matches, note
    if report.stopped:
        context.log.warning(f"Bolagsverket's API: {report.summary()}; the rest keep the snapshot's values")
    else:
        context.log.info(f"Bolagsverket's API: {report.summary()}")
    return refreshed, report.summary()


@dg.asset(
    group_name=DISCOVER_GROUP,
    kinds={"python", "sqlmodel"},
    owners=[OWNER],
    pool=REGISTRY_WRITE_POOL,
    deps=["registry_organisations"],
    description=(
        "Discovery for the environmental scan: active organisations in the company register whose business "
        "description suggests work integration ('arbetsintegrerande', 'arbetsträning', 'långt från "
        "arbetsmarknaden'...) or whose name carries '(svb)', and which the registry does not list. Written to the "
        "register_candidates table for a person to look at; never added to the registry automatically."
    ),
)
def register_candidates(
    context: dg.AssetExecutionContext, company_register: CompanyRegister, registry_db: RegistryDatabase
) -> dg.MaterializeResult:
    with company_register.open_register() as register:
        record_night_build(context, register)
        if register.snapshot is None:
            # No register tonight: the candidates found before stay as they are, unconfirmed.
            context.log.warning(f"register candidates not updated: {register.note}")
            return dg.MaterializeResult(metadata={REGISTER_USED: False, REGISTER_NOTE: register.note})
        found = register.snapshot.discovery_candidates(DISCOVERY_PHRASES)
    try:
        with registry_write(registry_db.engine()) as session:
            result = update_candidates(session, found, datetime.now(UTC))
    except PersonalDataFound as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    current, new = result.current, result.new
    context.log.info(f"{len(current)} register candidates, {len(new)} new")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(current),
            "candidates": len(current),
            "new_candidates": len(new),
            "preview": dg.MetadataValue.md(
                markdown_table(
                    (
                        {"orgnr": o, "name": e.name, "kommun": e.kommun, "reason": r}
                        for o, (e, r) in sorted(current.items())
                    ),
                    ("orgnr", "name", "kommun", "reason"),
                )
            ),
        }
    )
