"""Telling people that a run failed: a webhook (JSON POST) and/or an e-mail, configured by the environment.

Nothing here knows Dagster: the run-failure sensor (pipelines/sensors.py) turns a failed run into a
``RunFailure`` and calls ``notify``. With no channel configured, nothing is sent (alerts are off).

| variable | meaning |
|---|---|
| ``ASF_ALERT_WEBHOOK_URL`` | POST a JSON body (``text`` for Slack/Teams/Mattermost-style hooks, plus the fields) |
| ``ASF_ALERT_SMTP_HOST``, ``ASF_ALERT_SMTP_PORT`` (587) | the mail server |
| ``ASF_ALERT_SMTP_TLS`` | ``auto`` (STARTTLS when offered; implicit TLS on port 465), ``starttls``, ``ssl``, ``none`` |
| ``ASF_ALERT_EMAIL_FROM``, ``ASF_ALERT_EMAIL_TO`` | sender; recipients, comma-separated |
| ``ASF_ALERT_SMTP_USER``, ``ASF_ALERT_SMTP_PASSWORD`` | login, when the server needs one |
| ``ASF_DAGSTER_UI_URL`` | the Dagster UI's address, for a link to the run |

Secrets (the SMTP password, a webhook URL's token) come only from the environment and never appear in a
message; passwords in URLs quoted by an error are masked.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import urlsplit

import requests

from registry.ingest.http_client import AnswerTooSlow, request_within

TLS_MODES = ("auto", "starttls", "ssl", "none")
_PASSWORD_IN_URL = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE)
MAX_ERROR_CHARS = 4000


class AlertError(RuntimeError):
    """At least one configured channel could not deliver; the message says which and why."""


def redact(text: str) -> str:
    """Mask passwords in URLs (``postgresql://user:secret@host`` -> ``postgresql://user:***@host``)."""
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


@dataclass(frozen=True)
class AlertSettings:
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_tls: str = "auto"
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    ui_url: str | None = None
    # Seconds for a whole webhook request (connect, headers and body together), and for each SMTP operation.
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AlertSettings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = (env.get(name) or "").strip()
            return value or None

        port = get("ASF_ALERT_SMTP_PORT")
        return cls(
            webhook_url=get("ASF_ALERT_WEBHOOK_URL"),
            smtp_host=get("ASF_ALERT_SMTP_HOST"),
            smtp_port=int(port) if port and port.isdigit() else 587,
            smtp_tls=(get("ASF_ALERT_SMTP_TLS") or "auto").lower(),
            email_from=get("ASF_ALERT_EMAIL_FROM"),
            email_to=tuple(a.strip() for a in (get("ASF_ALERT_EMAIL_TO") or "").split(",") if a.strip()),
            smtp_user=get("ASF_ALERT_SMTP_USER"),
            smtp_password=env.get("ASF_ALERT_SMTP_PASSWORD") or None,
            ui_url=get("ASF_DAGSTER_UI_URL"),
        )

    @property
    def email_configured(self) -> bool:
        return bool(self.smtp_host and self.email_from and self.email_to)

    @property
    def configured(self) -> bool:
        return bool(self.webhook_url) or self.email_configured

    def problems(self, env: Mapping[str, str] | None = None) -> list[str]:
        """Configuration that cannot work as it stands (a half-configured channel), for ``asf-registry doctor``."""
        env = os.environ if env is None else env
        found = []
        if self.webhook_url and not self.webhook_url.lower().startswith(("https://", "http://")):
            found.append("ASF_ALERT_WEBHOOK_URL must be an http(s) URL")
        email_vars = ("ASF_ALERT_SMTP_HOST", "ASF_ALERT_EMAIL_FROM", "ASF_ALERT_EMAIL_TO")
        given = [name for name in email_vars if (env.get(name) or "").strip()]
        if given and len(given) < len(email_vars):
            missing = ", ".join(name for name in email_vars if name not in given)
            found.append(f"e-mail alerts need {missing} as well")
        port = (env.get("ASF_ALERT_SMTP_PORT") or "").strip()
        if port and not port.isdigit():
            found.append(f"ASF_ALERT_SMTP_PORT must be a number, not {port!r}")
        if self.smtp_tls not in TLS_MODES:
            found.append(f"ASF_ALERT_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {self.smtp_tls!r}")
        if self.smtp_user and not self.smtp_password:
            found.append("ASF_ALERT_SMTP_USER is set but ASF_ALERT_SMTP_PASSWORD is not")
        return found

    def run_link(self, run_id: str) -> str | None:
        return f"{self.ui_url.rstrip('/')}/runs/{run_id}" if self.ui_url else None


@dataclass(frozen=True)
class RunFailure:
    job: str
    run_id: str
    failed_steps: Sequence[str]
    error: str
    run_url: str | None = None

    @property
    def subject(self) -> str:
        return f"[asf-registry] {self.job} failed (run {self.run_id[:8]})"

    def text(self) -> str:
        lines = [
            f"The Dagster run {self.run_id} of {self.job} failed.",
            f"Failed steps: {', '.join(self.failed_steps) or 'none (the run failed outside its steps)'}",
            "",
            redact(self.error)[:MAX_ERROR_CHARS],
        ]
        if self.run_url:
            lines += ["", f"Run in the Dagster UI: {self.run_url}"]
        lines += [
            "",
            "Nothing is lost: a failed step publishes nothing, and the registry keeps its previous state until a "
            "run publishes. `asf-registry doctor` checks the configuration, the database and the disks.",
        ]
        return "\n".join(lines)

    def payload(self) -> dict[str, object]:
        return {
            "text": f"{self.subject}: {', '.join(self.failed_steps) or 'run failure'}"
            + (f" <{self.run_url}>" if self.run_url else ""),
            "job": self.job,
            "run_id": self.run_id,
            "failed_steps": list(self.failed_steps),
            "error": redact(self.error)[:MAX_ERROR_CHARS],
            "run_url": self.run_url,
        }


def send_webhook(failure: RunFailure, settings: AlertSettings, attempts: int = 2) -> None:
    assert settings.webhook_url
    body = json.dumps(failure.payload(), ensure_ascii=False).encode()
    problem = ""
    for _ in range(attempts):
        try:
            response = request_within(
                "POST",
                settings.webhook_url,
                deadline=settings.timeout,
                timeout=settings.timeout,
                data=body,
                headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "asf-registry-alerts"},
            )
        except AnswerTooSlow as exc:
            # Not tried again: a hook too slow to answer once would most likely be again, and the sensor that
            # sends the alert must end (at most one deadline per alert, not one per attempt).
            problem = str(exc)
            break
        except requests.RequestException as exc:
            problem = type(exc).__name__
            continue
        if 200 <= response.status_code < 300:
            return
        problem = f"HTTP {response.status_code}"
        if response.status_code < 500:
            break
    # The URL may carry a token: only its host is named.
    host = urlsplit(settings.webhook_url).hostname
    raise AlertError(f"webhook at {host} did not accept the alert: {problem}")


def send_email(failure: RunFailure, settings: AlertSettings) -> None:
    assert settings.smtp_host and settings.email_from and settings.email_to
    message = EmailMessage()
    message["Subject"] = failure.subject
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(failure.text())
    implicit_tls = settings.smtp_tls == "ssl" or (settings.smtp_tls == "auto" and settings.smtp_port == 465)
    try:
        smtp: smtplib.SMTP
        if implicit_tls:
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=settings.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)
        with smtp:
            smtp.ehlo()
            if not implicit_tls and (
                settings.smtp_tls == "starttls" or (settings.smtp_tls == "auto" and smtp.has_extn("starttls"))
            ):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise AlertError(f"e-mail via {settings.smtp_host}:{settings.smtp_port} failed: {exc}") from exc


def notify(failure: RunFailure, settings: AlertSettings) -> list[str]:
    """Send the failure through every configured channel; the channels that delivered.

    Every channel is tried even when one fails; then ``AlertError`` names the ones that failed.
    """
    delivered: list[str] = []
    problems: list[str] = []
    channels = []
    if settings.webhook_url:
        channels.append(("webhook", send_webhook))
    if settings.email_configured:
        channels.append(("email", send_email))
    for name, send in channels:
        try:
            send(failure, settings)
            delivered.append(name)
        except AlertError as exc:
            problems.append(str(exc))
    if problems:
        raise AlertError("; ".join(problems) + (f" (delivered by {', '.join(delivered)})" if delivered else ""))
    return delivered
