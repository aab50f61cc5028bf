"""The company register: the weekly snapshot, enrichment of the night's organisations, and discovery."""

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from sqlmodel import Session, select

from assets.metadata import OWNER, markdown_table
from pipelines.resources import CompanyRegister, RegistryDatabase, WebClient
from registry import settings
from registry.bulk_download import download, promote
from registry.enrichment import (
    DISCOVERY_PHRASES,
    METHOD_NAME,
    METHOD_REVIEW,
    EnrichmentQuery,
    RegisterMatch,
    match,
)
from registry.judgement_store import load_graph
from registry.judgements import MATCHER, Decision, Judgement
from registry.models import Organisation, RegisterCandidate
from registry.publish import ResolvedNight
from registry.register_snapshot import build_snapshot

REGISTER_GROUP = "register"
ENRICH_GROUP = "enrich"
REGISTRY_SIDE = "registry"
REGISTER_SIDE = "bolagsverket"


@dg.asset(
    group_name=REGISTER_GROUP,
    kinds={"python", "sqlite"},
    owners=[OWNER],
    description=(
        "Bolagsverket's bulk file (~3 million organisations, updated weekly) as an indexed snapshot for matching: "
        "downloaded in live mode (streamed, checksummed, the previous file kept until the new one parsed), "
        "else built from the configured bulk file. Sole traders (personnummer) are never stored."
    ),
)
def company_register_snapshot(
    context: dg.AssetExecutionContext, company_register: CompanyRegister, web: WebClient
) -> dg.MaterializeResult:
    target = company_register.snapshot_file()
    started = time.perf_counter()
    checksum = ""
    if company_register.downloads():
        zip_path = target.with_name("bolagsverket_bulkfil.zip")
        fetched = download(company_register.download_url, zip_path, web.contact or settings.contact_address())
        report = build_snapshot(fetched.path, target)  # raises, and keeps the previous file, if it does not parse
        fetched = promote(fetched, zip_path)
        checksum, source = fetched.sha256, company_register.download_url
    else:
        source = str(company_register.bulk_file_path())
        report = build_snapshot(Path(source), target)
    parse = report.parse
    context.log.info(f"register snapshot: {report.entries} organisations from {source}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": report.entries,
            "organisations": report.entries,
            "rows_read": parse.rows,
            "sole_trader_rows_skipped": parse.personnummer_rows_skipped,
            "malformed_lines": parse.malformed,
            "malformed_examples": dg.MetadataValue.md("\n".join(f"- {e}" for e in parse.malformed_examples) or "none"),
            "encoding": parse.encoding,
            "source": source,
            "sha256": checksum or "n/a (local file)",
            "build_seconds": round(time.perf_counter() - started, 1),
            "snapshot": str(target),
        }
    )


def _representative(night: ResolvedNight, registry_id: str) -> EnrichmentQuery:
    resolved = next(o for o in night.resolution.organisations if o.registry_id == registry_id)
    members = sorted(resolved.cluster.members, key=lambda r: (r.source, r.source_key))
    orgnr = next((m.orgnr for m in members if m.orgnr), None)
    municipality = next((m.municipality for m in members if m.municipality), None)
    # The longest name usually carries the legal form, which the register match uses.
    name = max((m.name for m in members), key=lambda n: (len(n), n))
    return EnrichmentQuery(registry_id, name, orgnr, municipality)


@dg.asset(
    group_name=ENRICH_GROUP,
    kinds={"python"},
    owners=[OWNER],
    deps=[company_register_snapshot],
    description=(
        "Each resolved organisation matched to the company register: a valid orgnr directly, otherwise by name, "
        "kommun and legal form against the register's name index, an active registration before a deregistered "
        "namesake. Confident matches are linked with score and explanation; uncertain ones wait for review; "
        "people's judgements win."
    ),
)
def enriched_organisations(
    context: dg.AssetExecutionContext,
    company_register: CompanyRegister,
    registry_db: RegistryDatabase,
    resolved_organisations: ResolvedNight,
) -> dg.Output[ResolvedNight]:
    now = datetime.now(UTC)
    with Session(registry_db.engine()) as session:
        graph = load_graph(session)
    matches: dict[str, RegisterMatch] = {}
    decisions: list[Decision] = []
    with company_register.open_snapshot() as snapshot:
        for resolved in resolved_organisations.resolution.organisations:
            registry_id = resolved.registry_id
            side = (REGISTRY_SIDE, registry_id)
            people = {
                other[1]: d.judgement
                for pair in graph.pairs()
                if side in pair
                and (other := pair[0] if pair[1] == side else pair[1])[0] == REGISTER_SIDE
                and (d := graph.person_decision(*pair))
            }
            found = match(_representative(resolved_organisations, registry_id), snapshot, judgements=people)
            matches[registry_id] = found
            judged = found.entry or found.candidate
            if judged is None or found.method not in (METHOD_NAME, METHOD_REVIEW):
                continue
            judgement = Judgement.POSITIVE if found.method == METHOD_NAME else Judgement.UNSURE
            pair = (side, (REGISTER_SIDE, judged.orgnr))
            previous = graph.matcher_decision(*pair)
            if previous is None or previous.judgement is not judgement:
                decisions.append(Decision(*pair, judgement, MATCHER, now, found.score, found.explanation))
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
        },
    )


@dg.asset(
    group_name=ENRICH_GROUP,
    kinds={"python", "sqlmodel"},
    owners=[OWNER],
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
    now = datetime.now(UTC)
    with company_register.open_snapshot() as snapshot:
        found = snapshot.discovery_candidates(DISCOVERY_PHRASES)
    with Session(registry_db.engine()) as session:
        listed = {o for o in session.exec(select(Organisation.orgnr)) if o}
        existing = {c.orgnr: c for c in session.exec(select(RegisterCandidate))}
        current = {e.orgnr: (e, reason) for e, reason in found if e.orgnr not in listed}
        for orgnr, (entry, reason) in current.items():
            row = existing.get(orgnr) or RegisterCandidate(
                orgnr=orgnr, name=entry.name, reason=reason, first_seen_at=now, last_seen_at=now
            )
            row.name, row.legal_form, row.kommun_code = entry.name, entry.legal_form, entry.kommun
            row.business_description, row.reason = entry.description, reason
            row.last_seen_at, row.still_candidate = now, True
            session.add(row)
        for orgnr, row in existing.items():
            if orgnr not in current and row.still_candidate:
                row.still_candidate = False
                session.add(row)
        session.commit()
    new = [orgnr for orgnr in current if orgnr not in existing]
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
