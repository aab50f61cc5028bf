"""How the assets behave in production: concurrency pools, retries, freshness, and the registry's write lock.

Pools are limited by the Dagster instance (deploy/dagster.yaml: every pool one step at a time), so:

- ``asf_registry_writes``: the steps that write the registry (publishing, register candidates) never run at
  once, whichever runs they belong to;
- ``asf_source_<name>``: one request stream per source at a time, so a manual run next to the scheduled one
  never doubles the load on a source's site (each source's client also spaces its requests per host).

Dagster's pools only work between runs the instance launches; ``asf-registry run`` executes in its own
process, so the registry's own write lock (registry/store/run_lock.py) guards the writes whatever starts them.
"""

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

import dagster as dg
from sqlalchemy.engine import Engine
from sqlmodel import Session

from registry import settings
from registry.deadlines import RunStopped
from registry.store.run_lock import RegistryBusy, RegistryChanged, write_transaction

F = TypeVar("F", bound=Callable[..., Any])

REGISTRY_WRITE_POOL = "asf_registry_writes"


def source_pool(source_name: str) -> str:
    return f"asf_source_{source_name}"


# Steps that touch the network: a crash there (a dropped connection to the registry database, an unexpected
# error from a site) is retried after 30 s, 60 s (with jitter). A source that is down is not a crash: its
# connector reports it, the source's check fails and its last good records are used.
NETWORK_RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)
# The weekly download of Bolagsverket's bulk file (hundreds of MB): longer waits between attempts.
DOWNLOAD_RETRY = dg.RetryPolicy(max_retries=3, delay=300, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)

@contextmanager
def _stopped_as_failure(step: str) -> Iterator[None]:
    try:
        yield
    except RunStopped as exc:
        raise dg.Failure(description=f"{exc}: {step} did not finish and is not retried", allow_retries=False) from exc
    except (dg.DagsterExecutionInterruptedError, KeyboardInterrupt) as exc:
        raise dg.Failure(
            description=f"{step} was interrupted (the run is being stopped or terminated) and is not retried",
            allow_retries=False,
        ) from exc


def stops_without_retry(compute: F) -> F:
    """For an asset with a RetryPolicy: a stopped run (RunStopped) or an interrupt fails it for good.

    Dagster applies a step's RetryPolicy to interrupts too, so without this a source interrupted by SIGTERM
    (or by run monitoring terminating a run past its dagster/max_runtime) would run again 30 s later.
    A Failure with allow_retries=False is the one error its retry policy lets through.
    """
    name = compute.__name__
    if inspect.isgeneratorfunction(compute):

        @functools.wraps(compute)
        def generator(*args: Any, **kwargs: Any) -> Any:
            with _stopped_as_failure(name):
                yield from compute(*args, **kwargs)

        return generator  # type: ignore[return-value]

    @functools.wraps(compute)
    def function(*args: Any, **kwargs: Any) -> Any:
        with _stopped_as_failure(name):
            return compute(*args, **kwargs)

    return function  # type: ignore[return-value]


# The nightly job starts at 02:30 Stockholm time and takes minutes. By 06:00 the registry must have been
# published since 02:00 that night; otherwise the UI shows it as stale (failing its freshness policy) until
# a run publishes it.
REGISTRY_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 6 * * *", lower_bound_delta=timedelta(hours=4), timezone="Europe/Stockholm"
)

# Run tag limited by deploy/dagster.yaml's tag_concurrency_limits: one run at a time per value.
WRITES_TAG = "asf_registry/writes"


@contextmanager
def registry_write(engine: Engine, expected_version: str | None = None) -> Iterator[Session]:
    """A transaction holding the registry's write lock; a busy or changed registry fails the step with the
    reason (no retry: the next run publishes)."""
    try:
        with write_transaction(
            engine, timeout=settings.registry_lock_timeout(), expected_version=expected_version
        ) as session:
            yield session
    except (RegistryBusy, RegistryChanged) as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
