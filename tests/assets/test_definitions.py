"""The Dagster project loads, validates, and schedules the nightly job."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.definitions import NIGHTLY_JOB_NAME, defs, nightly_schedule

SOURCES = ("city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten")


def test_definitions_load_and_validate() -> None:
    dg.Definitions.validate_loadable(defs)


def test_nightly_job_covers_ingest_resolve_and_publish() -> None:
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    graph = defs.resolve_asset_graph()
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    sources = {f"source_{s}" for s in SOURCES}
    assert selected == {
        *sources,
        "resolved_organisations",
        "enriched_organisations",
        "registry_organisations",
        "register_candidates",
        "registry_report",
    }
    groups = {key.to_user_string(): graph.get(key).group_name for key in job.asset_layer.selected_asset_keys}
    assert groups == {
        **dict.fromkeys(sources, "ingest"),
        "resolved_organisations": "resolve",
        "enriched_organisations": "enrich",
        "registry_organisations": "publish",
        "register_candidates": "enrich",
        "registry_report": "publish",
    }
    weekly = defs.resolve_job_def("weekly_register_refresh")
    assert {k.to_user_string() for k in weekly.asset_layer.selected_asset_keys} == {"company_register_snapshot"}
    assert defs.resolve_schedule_def("weekly_register").cron_schedule == "0 4 * * 0"


def test_every_asset_is_described_owned_and_kinded() -> None:
    for node in defs.resolve_asset_graph().asset_nodes:
        assert node.description, node.key
        assert node.owners, node.key
        assert node.kinds, node.key


def test_schedule_runs_the_nightly_job_at_half_past_two_stockholm_time() -> None:
    assert nightly_schedule.cron_schedule == "30 2 * * *"
    assert nightly_schedule.execution_timezone == "Europe/Stockholm"
    tick = datetime(2026, 11, 28, 2, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
        data = nightly_schedule.evaluate_tick(context)
    assert data.run_requests is not None and len(data.run_requests) == 1
    request = data.run_requests[0]
    assert request.tags["dagster/schedule_name"] == "nightly"
    # A request without its own job name launches the schedule's job.
    assert request.job_name is None
    assert defs.resolve_schedule_def("nightly").job_name == NIGHTLY_JOB_NAME
