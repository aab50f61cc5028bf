"""Alerts on failed runs: a webhook and e-mail, against a local HTTP server and a local SMTP sink."""

from __future__ import annotations

import base64
import dataclasses
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.sensors import ALERT_SENSOR_NAME, alert_on_run_failure
from registry.tools.alerts import AlertError, AlertSettings, RunFailure, notify, redact
from tests.ingest.test_http_client import MARGIN, Reply, _Handler, _Server

ALERT_VARS = (
    "ASF_ALERT_WEBHOOK_URL",
    "ASF_ALERT_SMTP_HOST",
    "ASF_ALERT_SMTP_PORT",
    "ASF_ALERT_SMTP_TLS",
    "ASF_ALERT_EMAIL_FROM",
    "ASF_ALERT_EMAIL_TO",
    "ASF_ALERT_SMTP_USER",
    "ASF_ALERT_SMTP_PASSWORD",
    "ASF_DAGSTER_UI_URL",
)


class _Hooks(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _HookHandler)
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.statuses: list[int] = []

    def url(self, path: str = "/hook/T0KEN") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _HookHandler(BaseHTTPRequestHandler):
    server: _Hooks

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, dict(self.headers.items()), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: object) -> None:
        pass


@dataclass
class _Mail:
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    data: bytes = b""
    auth: str | None = None


class _SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough ESMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT (no TLS offered)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.mails: list[_Mail] = []


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: _SmtpSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        mail = _Mail()
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-sink")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                mail.auth = base64.b64decode(command.split()[2]).decode()
                self.reply("235 ok")
            elif verb == "MAIL":
                mail.sender = command.split(":", 1)[1].strip(" <>")
                self.reply("250 ok")
            elif verb == "RCPT":
                mail.recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                mail.data = b"".join(lines)
                self.server.mails.append(mail)
                mail = _Mail()
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def hooks() -> Iterator[_Hooks]:
    server = _Hooks()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp() -> Iterator[_SmtpSink]:
    server = _SmtpSink()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_alert_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ALERT_VARS:
        monkeypatch.delenv(name, raising=False)


FAILURE = RunFailure(
    job="nightly_registry",
    run_id="0123abcd-0000-4000-8000-000000000000",
    failed_steps=["registry_organisations"],
    error="OperationalError: connection to postgresql+psycopg://asf:s3cret@db.internal:5432/registry lost",
    run_url="https://dagster.example.se/runs/0123abcd-0000-4000-8000-000000000000",
)


def test_the_webhook_gets_the_failure_as_json_without_secrets(hooks: _Hooks) -> None:
    settings = AlertSettings.from_env({"ASF_ALERT_WEBHOOK_URL": hooks.url()})
    assert notify(FAILURE, settings) == ["webhook"]
    [(path, headers, body)] = hooks.received
    payload = json.loads(body)
    assert path == "/hook/T0KEN" and headers["Content-Type"].startswith("application/json")
    assert payload["job"] == "nightly_registry" and payload["run_id"] == FAILURE.run_id
    assert payload["failed_steps"] == ["registry_organisations"]
    assert payload["run_url"] == FAILURE.run_url and FAILURE.run_url in payload["text"]
    assert "s3cret" not in body.decode() and "asf:***@db.internal" in payload["error"]


def test_a_webhook_that_fails_is_tried_again_then_reported(hooks: _Hooks) -> None:
    settings = AlertSettings.from_env({"ASF_ALERT_WEBHOOK_URL": hooks.url()})
    hooks.statuses = [503]
    assert notify(FAILURE, settings) == ["webhook"]
    assert len(hooks.received) == 2
    hooks.statuses = [500, 502]
    with pytest.raises(AlertError, match=r"webhook at 127.0.0.1 did not accept the alert: HTTP 502") as raised:
        notify(FAILURE, settings)
    assert "T0KEN" not in str(raised.value)  # the URL's token is not repeated in logs


class _TricklingHookHandler(_Handler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.do_GET()  # the reply queued for the path, trickled like a page


@pytest.fixture
def trickling_hooks() -> Iterator[_Server]:
    server = _Server()
    server.RequestHandlerClass = _TricklingHookHandler
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("unsized", [False, True], ids=["content-length", "until-close"])
def test_a_webhook_that_trickles_its_answer_fails_at_the_deadline(trickling_hooks: _Server, unsized: bool) -> None:
    # A byte every 0.2 s: no single read reaches the 1 s timeout, the answer would take 10 s (20 s with the retry).
    trickling_hooks.replies["/hook/T0KEN"] = [Reply(200, b"x" * 50, trickle=0.2, unsized=unsized)]
    settings = dataclasses.replace(AlertSettings(webhook_url=trickling_hooks.url("/hook/T0KEN")), timeout=1.0)
    expected = r"webhook at 127.0.0.1 did not accept the alert: no complete answer within the deadline of 1 s"
    started = time.monotonic()
    with pytest.raises(AlertError, match=expected) as raised:
        notify(FAILURE, settings)
    assert time.monotonic() - started < 1 + MARGIN
    assert "T0KEN" not in str(raised.value)
    assert len(trickling_hooks.requests) == 1  # a hook too slow once is not waited for twice


def test_email_reaches_every_recipient_with_login(smtp: _SmtpSink) -> None:
    env = {
        "ASF_ALERT_SMTP_HOST": "127.0.0.1",
        "ASF_ALERT_SMTP_PORT": str(smtp.server_address[1]),
        "ASF_ALERT_EMAIL_FROM": "asf-registry@stockholm.example",
        "ASF_ALERT_EMAIL_TO": "drift@stockholm.example, analys@stockholm.example",
        "ASF_ALERT_SMTP_USER": "alerts",
        "ASF_ALERT_SMTP_PASSWORD": "pw",
    }
    settings = AlertSettings.from_env(env)
    assert settings.problems(env) == [] and "pw" not in repr(settings)
    assert notify(FAILURE, settings) == ["email"]
    [mail] = smtp.mails
    assert mail.sender == "asf-registry@stockholm.example"
    assert mail.recipients == ["drift@stockholm.example", "analys@stockholm.example"]
    assert mail.auth == "\0alerts\0pw"
    message = message_from_bytes(mail.data)
    assert message["Subject"] == "[asf-registry] nightly_registry failed (run 0123abcd)"
    text = message.get_payload(decode=True).decode()
    assert "Failed steps: registry_organisations" in text and FAILURE.run_url in text and "s3cret" not in text


def test_every_channel_is_tried_when_one_fails(hooks: _Hooks, smtp: _SmtpSink) -> None:
    port = smtp.server_address[1]
    smtp.server_close()  # nobody listens on the mail port any more
    settings = AlertSettings.from_env(
        {
            "ASF_ALERT_WEBHOOK_URL": hooks.url(),
            "ASF_ALERT_SMTP_HOST": "127.0.0.1",
            "ASF_ALERT_SMTP_PORT": str(port),
            "ASF_ALERT_EMAIL_FROM": "a@example.se",
            "ASF_ALERT_EMAIL_TO": "b@example.se",
        }
    )
    with pytest.raises(AlertError, match=r"e-mail via 127.0.0.1:\d+ failed.*\(delivered by webhook\)"):
        notify(FAILURE, settings)
    assert len(hooks.received) == 1


def test_half_configured_channels_are_named() -> None:
    env = {"ASF_ALERT_SMTP_HOST": "smtp.example.se", "ASF_ALERT_SMTP_PORT": "twentyfive"}
    settings = AlertSettings.from_env(env)
    assert not settings.configured
    assert settings.problems(env) == [
        "e-mail alerts need ASF_ALERT_EMAIL_FROM, ASF_ALERT_EMAIL_TO as well",
        "ASF_ALERT_SMTP_PORT must be a number, not 'twentyfive'",
    ]
    assert redact("see postgresql://u:p%40ss@h/db and https://h/x") == "see postgresql://u:***@h/db and https://h/x"


# -- the sensor ------------------------------------------------------------------------------------------------


@dg.op
def _fails() -> None:
    raise RuntimeError("the database went away")


@dg.job
def _failing_job() -> None:
    _fails()


def _failure_context(instance: dg.DagsterInstance) -> dg.RunFailureSensorContext:
    result = _failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name=ALERT_SENSOR_NAME,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()


def test_the_sensor_is_part_of_the_project_and_runs_by_default() -> None:
    sensor = defs.resolve_sensor_def(ALERT_SENSOR_NAME)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_the_sensor_does_nothing_when_no_channel_is_configured(no_alert_env: None, hooks: _Hooks) -> None:
    with dg.instance_for_test() as instance:
        outcome = alert_on_run_failure(_failure_context(instance))
    assert isinstance(outcome, dg.SkipReason) and "alerts are off" in (outcome.skip_message or "")
    assert hooks.received == []


def test_the_sensor_reports_the_failed_run_and_its_step(
    no_alert_env: None, hooks: _Hooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASF_ALERT_WEBHOOK_URL", hooks.url())
    monkeypatch.setenv("ASF_DAGSTER_UI_URL", "http://dagster.internal:3000/")
    with dg.instance_for_test() as instance:
        context = _failure_context(instance)
        assert alert_on_run_failure(context) is None
    [(_, _, body)] = hooks.received
    payload = json.loads(body)
    run_id = context.dagster_run.run_id
    assert payload["job"] == "_failing_job" and payload["run_id"] == run_id
    assert payload["failed_steps"] == ["_fails"]
    assert "the database went away" in payload["error"]
    assert payload["run_url"] == f"http://dagster.internal:3000/runs/{run_id}"
