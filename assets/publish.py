"""Publishing: the resolved night written into the registry tables in one transaction, and its checks."""

import dagster as dg
from sqlmodel import Session, col, func, select

from assets.metadata import OWNER, markdown_table, table_schema
from assets.policies import REGISTRY_FRESHNESS, REGISTRY_WRITE_POOL, registry_write
from assets.register import enriched_organisations
from assets.resources import PublishPolicy, RegistryDatabase, SourceSettings
from assets.sources import CONNECTORS
from registry.night import ResolvedNight
from registry.publish.gate import judge
from registry.publish.organisation_values import SourceTrust
from registry.publish.publish import PublishSummary, publish
from registry.store.models import Organisation
from registry.store.personal_data import PersonalDataFound, columns_with_personnummer

PUBLISH_GROUP = "publish"
SOURCE_TRUST = {
    c.SPEC.name: SourceTrust(priority=c.SPEC.priority, weak_signal=c.SPEC.weak_signal, historical=c.SPEC.historical)
    for c in CONNECTORS
}
# The publish gate's metadata entry that holds its reasons as data (registry/publish/gate.py, GateReason).
BLOCKED_BY = "blocked_by"
_PREVIEW_COLUMNS = ("registry_id", "name", "orgnr", "kommun_name", "legal_form", "register_status", "sources")


@dg.asset(
    group_name=PUBLISH_GROUP,
    kinds={"sqlmodel", "sqlite", "postgres"},
    owners=[OWNER],
    pool=REGISTRY_WRITE_POOL,
    freshness_policy=REGISTRY_FRESHNESS,
    description=(
        "The published registry (docs/schema.md): tables organisations, source_records, field_provenance, "
        "change_log, registry_id_redirects, quarantine and runs, read through the stable registry_v1_* views. "
        "Nothing is deleted: an organisation no source lists any more is marked unlisted, and inactive after "
        "the configured number of runs. Every run writes what it added, changed, merged, split or retired to "
        "the change log."
    ),
)
def registry_organisations(
    context: dg.AssetExecutionContext,
    registry_db: RegistryDatabase,
    publish_policy: PublishPolicy,
    enriched_organisations: ResolvedNight,
) -> dg.Output[PublishSummary]:
    night = enriched_organisations
    engine = registry_db.engine()
    # The registry's write lock; refused when another run published since this night was resolved.
    try:
        with registry_write(engine, expected_version=night.registry_version) as session:
            summary = publish(
                session, context.run.run_id, night, SOURCE_TRUST, inactive_after_runs=publish_policy.inactive_after()
            )
    except PersonalDataFound as exc:
        # Rolled back: nothing of the night is published. A retry would find the same numbers.
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    with Session(engine) as session:
        active = session.exec(select(Organisation).where(Organisation.active).order_by(col(Organisation.name))).all()
        preview = markdown_table((o.model_dump() for o in active), _PREVIEW_COLUMNS, limit=30)
    context.log.info(f"published {summary.organisations_active} active organisations to {registry_db.display_url}")
    return dg.Output(
        summary,
        metadata={
            "dagster/row_count": summary.organisations_active,
            "dagster/column_schema": table_schema(Organisation),
            "organisations_active": summary.organisations_active,
            "organisations_inactive": summary.organisations_inactive,
            "organisations_added": summary.added,
            "source_records": summary.records,
            "quarantined": summary.quarantined,
            "judgements_added": summary.judgements_added,
            "changes": dg.MetadataValue.json(summary.changes),
            "records_per_source": dg.MetadataValue.json(summary.per_source),
            "failed_sources": ", ".join(summary.failed_sources) or "none",
            "database": registry_db.display_url,
            "preview": dg.MetadataValue.md(preview),
        },
    )


@dg.asset_check(
    asset=enriched_organisations,
    blocking=True,
    description="Publish gate: the night is published only if it would not stop listing or inactivate more than "
    "the configured share of active organisations (max_retiring_share), would not clear the orgnr, legal form or "
    "register status of more than the configured share of the organisations that have one (max_field_loss_share), "
    "and no source's record count collapsed. Blocking: when it fails nothing is published, the previous registry "
    "stays, and this check says why.",
)
def publish_gate(
    registry_db: RegistryDatabase,
    publish_policy: PublishPolicy,
    source_settings: SourceSettings,
    enriched_organisations: ResolvedNight,
) -> dg.AssetCheckResult:
    # Under the registry's write lock, like publishing: the rehearsal sees what publishing would see, and a
    # night resolved before another run published is refused here already.
    night = enriched_organisations
    with registry_write(registry_db.engine(), expected_version=night.registry_version) as session:
        verdict = judge(
            session,
            night,
            SOURCE_TRUST,
            inactive_after_runs=publish_policy.inactive_after(),
            max_retiring_share=publish_policy.retiring_share_limit(),
            max_record_drop=source_settings.max_record_drop,
            max_field_loss_share=publish_policy.field_loss_share_limit(),
        )
    return dg.AssetCheckResult(
        passed=verdict.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(verdict.reasons) or None,
        metadata={
            "active_before": verdict.active_before,
            "would_retire": verdict.retiring,
            "would_retire_share": round(verdict.retiring_share, 3),
            "max_retiring_share": publish_policy.retiring_share_limit(),
            "collapsed_sources": ", ".join(sorted(verdict.collapsed_sources)) or "none",
            "would_lose": dg.MetadataValue.json(
                {name: {"lost": loss.lost, "had": loss.had_value} for name, loss in verdict.field_losses.items()}
            ),
            "max_field_loss_share": publish_policy.field_loss_share_limit(),
            "would_change": dg.MetadataValue.json(verdict.summary.changes),
            # The reasons as data, for the command line to say in its reader's language (pipelines/cli.py).
            BLOCKED_BY: dg.MetadataValue.json([reason.as_data() for reason in verdict.blocked_by]),
        },
    )


@dg.asset_check(
    asset=registry_organisations,
    description="The published registry lists at least one active organisation.",
)
def registry_not_empty(registry_db: RegistryDatabase) -> dg.AssetCheckResult:
    with Session(registry_db.engine()) as session:
        active = session.exec(select(func.count()).select_from(Organisation).where(Organisation.active)).one()
    return dg.AssetCheckResult(passed=active > 0, metadata={"active_organisations": active})


@dg.asset_check(
    asset=registry_organisations,
    blocking=True,
    description="No personnummer or samordningsnummer appears in any published table. Publishing itself refuses "
    "a night that would publish one (nothing is committed); this check reads the committed registry once more, "
    "and blocks the report and the register candidates when it fails.",
)
def no_personnummer_published(registry_db: RegistryDatabase) -> dg.AssetCheckResult:
    # Every text column of every registry table (registry/store/personal_data.py).
    findings = columns_with_personnummer(registry_db.engine())
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"columns_with_personnummer": ", ".join(findings) or "none"},
    )
