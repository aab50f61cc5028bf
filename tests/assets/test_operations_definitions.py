"""Production behaviour declared on the definitions: pools, retries, freshness, run tags, the alert sensor."""

from __future__ import annotations

import dagster as dg

from assets.policies import NETWORK_RETRY, REGISTRY_WRITE_POOL, WRITES_TAG
from pipelines.definitions import NIGHTLY_JOB_NAME, WEEKLY_REGISTER_JOB_NAME, defs

SOURCES = ("city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten")


def _node(key: str) -> dg.AssetsDefinition:
    return defs.resolve_assets_def(key)


def test_registry_writes_share_one_pool_and_each_source_has_its_own() -> None:
    pools = {node.key.to_user_string(): node.pools for node in defs.resolve_asset_graph().asset_nodes}
    assert pools["registry_organisations"] == {REGISTRY_WRITE_POOL}
    assert pools["register_candidates"] == {REGISTRY_WRITE_POOL}
    for source in SOURCES:
        assert pools[f"source_{source}"] == {f"asf_source_{source}"}


def test_steps_that_touch_the_network_retry_with_backoff() -> None:
    for source in SOURCES:
        policy = _node(f"source_{source}").op.retry_policy
        assert policy == NETWORK_RETRY and policy.backoff == dg.Backoff.EXPONENTIAL and policy.max_retries >= 2
    assert _node("company_register_snapshot").op.retry_policy is not None
    # Publishing is not retried blindly: a failed publication leaves the registry as it was; the next run publishes.
    assert _node("registry_organisations").op.retry_policy is None


def test_the_published_registry_has_a_freshness_policy() -> None:
    spec = _node("registry_organisations").specs_by_key[dg.AssetKey("registry_organisations")]
    policy = spec.freshness_policy
    assert policy is not None
    assert (policy.deadline_cron, policy.timezone) == ("0 6 * * *", "Europe/Stockholm")  # type: ignore[attr-defined]


def test_runs_carry_the_tag_the_run_queue_limits() -> None:
    assert defs.resolve_job_def(NIGHTLY_JOB_NAME).tags[WRITES_TAG] == "registry"
    assert defs.resolve_job_def(WEEKLY_REGISTER_JOB_NAME).tags[WRITES_TAG] == "register_snapshot"
