"""The asf-registry Dagster project, as a table of contents: assets, checks, jobs, schedules, resources."""

from __future__ import annotations

import dagster as dg

from assets.ingest import INGEST_GROUP, source_assets
from assets.publish import (
    PUBLISH_GROUP,
    no_personnummer_published,
    registry_not_empty,
    registry_organisations,
)
from assets.resolve import RESOLVE_GROUP, resolved_organisations
from pipelines.resources import default_resources

NIGHTLY_JOB_NAME = "nightly_registry"

nightly_job = dg.define_asset_job(
    NIGHTLY_JOB_NAME,
    selection=dg.AssetSelection.groups(INGEST_GROUP, RESOLVE_GROUP, PUBLISH_GROUP),
    description="The night's environmental scan: ingest every source, resolve organisations, publish the registry.",
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
    assets=[*source_assets, resolved_organisations, registry_organisations],
    asset_checks=[registry_not_empty, no_personnummer_published],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources=default_resources(),
)
