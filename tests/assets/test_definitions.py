"""The Dagster project loads, validates, and schedules the nightly job."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.definitions import GROUPS_IN_FLOW_ORDER, NIGHTLY_JOB_NAME, defs, nightly_schedule

SOURCES = ("city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten")


def test_definitions_load_and_validate() -> None:
    dg.Definitions.validate_loadable(defs)


def test_nightly_job_covers_every_step_but_the_weekly_register_refresh() -> None:
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
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
    weekly = defs.resolve_job_def("weekly_register_refresh")
    assert {k.to_user_string() for k in weekly.asset_layer.selected_asset_keys} == {"company_register_snapshot"}
    assert defs.resolve_schedule_def("weekly_register").cron_schedule == "0 4 * * 0"


def test_each_asset_is_in_the_group_of_its_step_in_the_flow() -> None:
    graph = defs.resolve_asset_graph()
    groups = {node.key.to_user_string(): node.group_name for node in graph.asset_nodes}
    assert groups == {
        **{f"source_{s}": "ingest" for s in SOURCES},
        "resolved_organisations": "resolve",
        "company_register_snapshot": "register",
        "enriched_organisations": "enrich",
        "registry_organisations": "publish",
        "register_candidates": "discover",
        "registry_report": "report",
    }
    assert GROUPS_IN_FLOW_ORDER == ("ingest", "resolve", "register", "enrich", "publish", "discover", "report")
    # Discovery reads the published registry; the report shows the candidates.
    nightly = defs.resolve_job_def(NIGHTLY_JOB_NAME).asset_layer.selected_asset_keys
    assert {dg.AssetKey("register_candidates"), dg.AssetKey("registry_report")} <= nightly


def test_every_dependency_points_forward_in_the_flow_or_within_a_group() -> None:
    graph = defs.resolve_asset_graph()
    position = {node.key: GROUPS_IN_FLOW_ORDER.index(str(node.group_name)) for node in graph.asset_nodes}
    backward = [
        (parent.to_user_string(), node.key.to_user_string())
        for node in graph.asset_nodes
        for parent in node.parent_keys
        if position[parent] > position[node.key]
    ]
    assert backward == []


def test_the_definitions_list_the_assets_in_the_order_of_the_flow() -> None:
    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
    steps = [GROUPS_IN_FLOW_ORDER.index(str(spec.group_name)) for asset in assets for spec in asset.specs]
    assert len(steps) == len(defs.resolve_asset_graph().asset_nodes)
    assert steps == sorted(steps)


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
