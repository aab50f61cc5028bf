"""The asf-registry Dagster project, as a table of contents: assets, checks, jobs, schedules, resources."""

from __future__ import annotations

import math

import dagster as dg

from assets.ingest import INGEST_GROUP, source_assets
from assets.policies import WRITES_TAG
from assets.publish import (
    PUBLISH_GROUP,
    no_personnummer_published,
    publish_gate,
    registry_not_empty,
    registry_organisations,
)
from assets.register import (
    DISCOVER_GROUP,
    ENRICH_GROUP,
    REGISTER_GROUP,
    company_register_snapshot,
    enriched_organisations,
    register_candidates,
)
from assets.report import REPORT_GROUP, registry_report
from assets.resolve import RESOLVE_GROUP, resolved_organisations
from assets.resources import default_resources
from pipelines.sensors import alert_on_run_failure
from registry import settings

NIGHTLY_JOB_NAME = "nightly_registry"
# The asset groups in the order the data flows through them: every dependency points forward or within a group.
# The register's snapshot is the weekly job's (a night builds one only when it has none).
GROUPS_IN_FLOW_ORDER = (
    INGEST_GROUP,
    RESOLVE_GROUP,
    REGISTER_GROUP,
    ENRICH_GROUP,
    PUBLISH_GROUP,
    DISCOVER_GROUP,
    REPORT_GROUP,
)
NIGHTLY_GROUPS = tuple(group for group in GROUPS_IN_FLOW_ORDER if group != REGISTER_GROUP)
# Dagster's run monitoring (on in deploy/dagster.yaml) terminates a run older than this tag says, in seconds.
MAX_RUNTIME_TAG = "dagster/max_runtime"

nightly_job = dg.define_asset_job(
    NIGHTLY_JOB_NAME,
    selection=dg.AssetSelection.groups(*NIGHTLY_GROUPS),
    # deploy/dagster.yaml queues a second run with the same tag value until the first has finished; the run's
    # deadline (ASF_RUN_DEADLINE_SECONDS, read when the code location loads) is the one `asf-registry run` keeps.
    tags={WRITES_TAG: "registry", MAX_RUNTIME_TAG: str(math.ceil(settings.run_deadline_seconds()))},
    description="The night's environmental scan: ingest every source, resolve organisations, enrich them from the "
    "company register, publish the registry, list register organisations that look like ASF, and write the report.",
)

WEEKLY_REGISTER_JOB_NAME = "weekly_register_refresh"

register_job = dg.define_asset_job(
    WEEKLY_REGISTER_JOB_NAME,
    selection=dg.AssetSelection.groups(REGISTER_GROUP),
    tags={WRITES_TAG: "register_snapshot"},
    description="Refresh the company register snapshot from Bolagsverket's weekly bulk file.",
)

weekly_register_schedule = dg.ScheduleDefinition(
    name="weekly_register",
    job=register_job,
    cron_schedule="0 4 * * 0",
    execution_timezone="Europe/Stockholm",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Sundays at 04:00 Stockholm time (Bolagsverket publishes the bulk file weekly).",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly",
    job=nightly_job,
    cron_schedule="30 2 * * *",
    execution_timezone="Europe/Stockholm",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:30 Stockholm time.",
)

defs = dg.Definitions(
    # In GROUPS_IN_FLOW_ORDER.
    assets=[
        *source_assets,
        resolved_organisations,
        company_register_snapshot,
        enriched_organisations,
        registry_organisations,
        register_candidates,
        registry_report,
    ],
    asset_checks=[publish_gate, registry_not_empty, no_personnummer_published],
    jobs=[nightly_job, register_job],
    schedules=[nightly_schedule, weekly_register_schedule],
    sensors=[alert_on_run_failure],
    resources=default_resources(),
)
