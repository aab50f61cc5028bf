"""One ingestion asset per registered source, made by one factory, with the source's checks.

A source that is down, answers garbage or changed its layout does not fail the run: its asset records the
reason, its ``source_fetched`` check fails, and the registry keeps that source's last good records. A source
whose record count collapses fails the blocking ``record_count_stable`` check: nothing downstream runs that
night, so the registry keeps its previous state.
"""

import traceback
from collections.abc import Iterator

import dagster as dg
from sqlmodel import Session

from assets.metadata import OWNER, markdown_table
from assets.policies import NETWORK_RETRY, source_pool, stops_without_retry
from assets.resources import RegistryDatabase, SourceSettings, WebClient
from assets.sources import CONNECTORS
from assets.sources.base import Connector, CrawlContext
from registry.ingest.last_listed import listed_keys
from registry.ingest.records import validate
from registry.ingest.source_health import assess, orgnr_share_verdict
from registry.night import SourceBatch
from registry.reference.personnummer import redact_personnummer

INGEST_GROUP = "ingest"
_PREVIEW_COLUMNS = ("source_key", "name", "orgnr_as_written", "municipality", "website", "activity")
FETCHED, COUNT_STABLE, ORGNR_SHARE, PARSE_WARNINGS, COUNT_EXPECTED = (
    "source_fetched",
    "record_count_stable",
    "valid_orgnr_share",
    "parse_warnings",
    "entry_count_expected",
)


def source_asset_key(source_name: str) -> dg.AssetKey:
    return dg.AssetKey(f"source_{source_name}")


def crawl_source(connector: Connector, ctx: CrawlContext) -> SourceBatch:
    """Crawl and validate one source; any failure becomes a failed batch with its reason."""
    name = connector.SPEC.name
    try:
        batch = validate(connector.crawl(ctx))
    except Exception as exc:  # a broken source must never take the other sources down with it
        # An error may quote what the source said (a row, a header): it reaches the event log and the registry's
        # runs table only with personal numbers cut out.
        error = redact_personnummer(f"{type(exc).__name__}: {exc}")
        ctx.log.error(f"source {name} failed: {error}")
        ctx.log.debug(redact_personnummer(traceback.format_exc()))
        return SourceBatch(name, ok=False, error=error)
    if not batch.records:
        # Nothing parsed from a source that has always had entries means its layout changed or it is down.
        reason = f"no usable records ({len(batch.quarantined)} quarantined): layout change or empty answer?"
        ctx.log.error(f"source {name}: {reason}")
        return SourceBatch(name, ok=False, quarantined=batch.quarantined, error=reason)
    return SourceBatch(name, ok=True, records=batch.records, quarantined=batch.quarantined)


def _check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(FETCHED, asset=key, description="The source was fetched and parsed into records."),
        dg.AssetCheckSpec(
            COUNT_STABLE,
            asset=key,
            blocking=True,
            description="The record count did not fall by more than the configured share against the last "
            "published count. Blocking: when it fails nothing is published and the registry stays as it was.",
        ),
        dg.AssetCheckSpec(
            ORGNR_SHARE,
            asset=key,
            description="Share of records with a valid organisationsnummer, against the share the source is "
            "expected to have (its SPEC's min_valid_orgnr_share); a source that lists no numbers says so.",
        ),
        dg.AssetCheckSpec(
            PARSE_WARNINGS,
            asset=key,
            description="The parser skipped or guessed nothing a person should look at (detail pages, sheets, a "
            "box it could not place). Parts of a page that plainly are not entries (section titles, navigation, "
            "guidance boxes) are parse warnings too, listed here, but expected: they do not fail it.",
        ),
        dg.AssetCheckSpec(
            COUNT_EXPECTED,
            asset=key,
            description="The source yielded as many entries as its expected_entries in the sources file says: "
            "outside the range the page has probably moved or changed (see `asf-registry sources check`).",
        ),
    ]


def build_source_asset(connector: Connector) -> dg.AssetsDefinition:
    spec = connector.SPEC
    key = source_asset_key(spec.name)

    @dg.asset(
        key=key,
        group_name=INGEST_GROUP,
        description=f"{spec.title}. {spec.description}",
        kinds={"python", *spec.kinds},
        owners=[OWNER],
        metadata={
            "source_url": dg.MetadataValue.url(spec.url) if spec.url else "local files",
            "weak_signal": spec.weak_signal,
            "historical": spec.historical,
            "priority": spec.priority,
        },
        check_specs=_check_specs(key),
        pool=source_pool(spec.name),
        retry_policy=NETWORK_RETRY,
    )
    @stops_without_retry
    def _ingest(
        context: dg.AssetExecutionContext,
        web: WebClient,
        source_settings: SourceSettings,
        registry_db: RegistryDatabase,
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        # The registry first: a database that cannot be used fails the step before the source is fetched.
        with Session(registry_db.engine()) as session:
            previous = listed_keys(session, spec.name)
        ctx = CrawlContext(
            http=web.client(min_interval=spec.min_seconds_between_requests),
            city_list_dir=source_settings.city_list_path(),
            log=context.log,
        )
        batch = crawl_source(connector, ctx)
        health = assess(batch.records, previous, source_settings.max_record_drop)
        yield dg.Output(
            batch,
            metadata={
                "dagster/row_count": len(batch.records),
                "records": len(batch.records),
                "new_since_last_run": health.new if batch.ok else 0,
                "gone_since_last_run": health.gone if batch.ok else 0,
                "quarantined": len(batch.quarantined),
                "ok": batch.ok,
                "error": batch.error or "",
                "parse_warnings": len(ctx.warnings),
                "parse_warnings_to_look_at": len(ctx.unexpected_warnings),
                "preview": dg.MetadataValue.md(markdown_table((r.as_row() for r in batch.records), _PREVIEW_COLUMNS)),
                "quarantine_reasons": dg.MetadataValue.md(
                    markdown_table(
                        ({"source_key": q.source_key, "reason": q.reason} for q in batch.quarantined),
                        ("source_key", "reason"),
                    )
                ),
            },
        )
        yield dg.AssetCheckResult(
            check_name=FETCHED,
            asset_key=key,
            passed=batch.ok,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if batch.ok else f"kept the last good records ({len(previous)}): {batch.error}",
            metadata={"records": len(batch.records), "quarantined": len(batch.quarantined)},
        )
        yield dg.AssetCheckResult(
            check_name=COUNT_STABLE,
            asset_key=key,
            passed=not (batch.ok and health.collapsed),
            severity=dg.AssetCheckSeverity.ERROR,
            description=health.explanation if batch.ok else "source failed: its last good records are used",
            metadata={
                "records": health.records,
                "last_published": health.previously_listed,
                "max_drop": source_settings.max_record_drop,
            },
        )
        share_ok, share_text = orgnr_share_verdict(health, spec.min_valid_orgnr_share)
        yield dg.AssetCheckResult(
            check_name=ORGNR_SHARE,
            asset_key=key,
            # A failed fetch is source_fetched's to report; its last good records are used.
            passed=share_ok or not batch.ok,
            severity=dg.AssetCheckSeverity.WARN,
            description=share_text if batch.ok else "source failed: its last good records are used",
            metadata={
                "valid_orgnr_share": round(health.valid_orgnr_share, 3),
                "records_with_valid_orgnr": health.valid_orgnr,
                "expected_at_least": (
                    spec.min_valid_orgnr_share
                    if spec.min_valid_orgnr_share is not None
                    else "none: the source lists no organisationsnummer"
                ),
            },
        )
        count_problem = spec.count_problem(len(batch.records)) if batch.ok else None
        if count_problem:
            context.log.error(f"source {spec.name}: {count_problem}")
        yield dg.AssetCheckResult(
            check_name=COUNT_EXPECTED,
            asset_key=key,
            passed=count_problem is None,
            severity=dg.AssetCheckSeverity.ERROR,
            description=count_problem if batch.ok else "source failed: its last good records are used",
            metadata={
                "entries": len(batch.records),
                "expected": "-".join(map(str, spec.expected_entries)) if spec.expected_entries else "any",
            },
        )
        to_look_at = set(ctx.unexpected_warnings)
        expected = [w for w in ctx.warnings if w not in to_look_at]
        yield dg.AssetCheckResult(
            check_name=PARSE_WARNINGS,
            asset_key=key,
            passed=not ctx.unexpected_warnings,
            severity=dg.AssetCheckSeverity.WARN,
            # The ones to look at first, then the expected ones, as far as the description has room.
            description="; ".join([*ctx.unexpected_warnings, *expected])[:1000] or None,
            metadata={"warnings": len(ctx.warnings), "expected": len(expected)},
        )

    return _ingest


source_assets = [build_source_asset(connector) for connector in CONNECTORS]
