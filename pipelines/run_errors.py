"""Why a run failed, in words: the failed steps' own errors out of Dagster's serialised events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def error_text(error: Any) -> str:
    """What a failed step said, from Dagster's serialised error: the step's own exception, not Dagster's wrapper
    around it (``DagsterExecutionStepExecutionError``), and a ``Failure``'s description as it was written."""
    while error.cause is not None and "Error occurred while executing" in error.message:
        error = error.cause
    message = error.message.strip()
    for prefix in ("dagster._core.definitions.events.Failure: ", "dagster._core.errors."):
        message = message.removeprefix(prefix)
    return message


def step_failure_reasons(result: Any) -> Iterable[str]:
    """One line per failed step of an in-process run: the step and the first line of its error."""
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        error = getattr(event.event_specific_data, "error", None)
        message = error_text(error) if error is not None else (event.message or "")
        first = next((line for line in message.splitlines() if line.strip()), "unknown error")
        yield f"{event.step_key}: {first.strip()}"
