"""One ingestion asset per registered source, made by one factory.

A source that is down, answers garbage or changed its layout does not fail the run: its asset records the
reason, its check fails, and the registry keeps that source's last good records.
"""

from collections.abc import Iterator

import dagster as dg

from assets.metadata import OWNER, markdown_table
from assets.sources import CONNECTORS
from assets.sources.base import Connector, CrawlContext
from pipelines.resources import LocalSources, WebClient
from registry.publish import SourceBatch
from registry.records import validate

INGEST_GROUP = "ingest"
_PREVIEW_COLUMNS = ("source_key", "name", "orgnr_as_written", "municipality", "website", "activity")


def source_asset_key(source_name: str) -> dg.AssetKey:
    return dg.AssetKey(f"source_{source_name}")


def crawl_source(connector: Connector, ctx: CrawlContext) -> SourceBatch:
    """Crawl and validate one source; any failure becomes a failed batch with its reason."""
    name = connector.SPEC.name
    try:
        batch = validate(connector.crawl(ctx))
    except Exception as exc:  # a broken source must never take the other sources down with it
        ctx.log.exception(f"source {name} failed")
        return SourceBatch(name, ok=False, error=f"{type(exc).__name__}: {exc}")
    if not batch.records:
        # Nothing parsed from a source that has always had entries means its layout changed or it is down.
        reason = f"no usable records ({len(batch.quarantined)} quarantined): layout change or empty answer?"
        ctx.log.error(f"source {name}: {reason}")
        return SourceBatch(name, ok=False, quarantined=batch.quarantined, error=reason)
    return SourceBatch(name, ok=True, records=batch.records, quarantined=batch.quarantined)


def build_source_asset(connector: Connector) -> dg.AssetsDefinition:
    spec = connector.SPEC
    key = source_asset_key(spec.name)
    check_name = "source_fetched"

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
        },
        check_specs=[
            dg.AssetCheckSpec(
                check_name, asset=key, description="The source was fetched and parsed into records this run."
            )
        ],
    )
    def _ingest(
        context: dg.AssetExecutionContext, web: WebClient, local_sources: LocalSources
    ) -> Iterator[dg.Output | dg.AssetCheckResult]:
        ctx = CrawlContext(http=web.client(), city_list_dir=local_sources.city_list_path(), log=context.log)
        batch = crawl_source(connector, ctx)
        preview = markdown_table((r.as_row() for r in batch.records), _PREVIEW_COLUMNS)
        yield dg.Output(
            batch,
            metadata={
                "dagster/row_count": len(batch.records),
                "records": len(batch.records),
                "quarantined": len(batch.quarantined),
                "ok": batch.ok,
                "error": batch.error or "",
                "preview": dg.MetadataValue.md(preview),
                "quarantine_reasons": dg.MetadataValue.md(
                    markdown_table(
                        ({"source_key": q.source_key, "reason": q.reason} for q in batch.quarantined),
                        ("source_key", "reason"),
                    )
                ),
            },
        )
        yield dg.AssetCheckResult(
            check_name=check_name,
            asset_key=key,
            passed=batch.ok,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if batch.ok else f"kept last good records: {batch.error}",
            metadata={"records": len(batch.records), "quarantined": len(batch.quarantined)},
        )

    return _ingest


source_assets = [build_source_asset(connector) for connector in CONNECTORS]
