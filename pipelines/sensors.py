"""Sensors: a failed run is reported through the configured webhook and/or e-mail (registry/tools/alerts.py).

No ``from __future__ import annotations`` here: Dagster reads the context type hint at runtime.
"""

import dagster as dg

from pipelines.run_errors import error_text
from registry.tools.alerts import AlertError, AlertSettings, RunFailure, notify

ALERT_SENSOR_NAME = "alert_on_run_failure"


def failure_from_context(context: dg.RunFailureSensorContext, settings: AlertSettings) -> RunFailure:
    """The failed run as the alert tells it: job, run, failed steps and their errors, a link to the UI."""
    run = context.dagster_run
    step_failures = context.get_step_failure_events()
    errors = []
    for event in step_failures:
        error = getattr(event.event_specific_data, "error", None)
        message = error_text(error) if error is not None else (event.message or "")
        errors.append(f"{event.step_key}: {message}")
    if not errors:
        errors.append(context.failure_event.message or "the run failed")
    return RunFailure(
        job=run.job_name,
        run_id=run.run_id,
        failed_steps=[event.step_key for event in step_failures if event.step_key],
        error="\n".join(errors),
        run_url=settings.run_link(run.run_id),
    )


@dg.run_failure_sensor(
    name=ALERT_SENSOR_NAME,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reports every failed run of this code location through ASF_ALERT_WEBHOOK_URL and/or e-mail "
    "(ASF_ALERT_SMTP_HOST, ASF_ALERT_EMAIL_FROM, ASF_ALERT_EMAIL_TO). Does nothing when neither is configured.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> dg.SkipReason | None:
    settings = AlertSettings.from_env()
    if not settings.configured:
        return dg.SkipReason(
            "alerts are off: neither ASF_ALERT_WEBHOOK_URL nor e-mail (ASF_ALERT_SMTP_HOST, ...) is set"
        )
    failure = failure_from_context(context, settings)
    try:
        delivered = notify(failure, settings)
    except AlertError as exc:
        # Raised again, so the sensor's tick shows the failure in the UI; the other channels were still tried.
        context.log.error(f"alert for run {failure.run_id} not fully delivered: {exc}")
        raise
    context.log.info(f"alert for run {failure.run_id} sent by {', '.join(delivered)}")
    return None
