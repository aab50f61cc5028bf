"""``asf-registry doctor``: is this installation fit to run tonight? Each check says what is wrong and how to fix it.

The checks only read: the configuration (environment variables and the files they name), the company
register (its settings; the bulk files' first lines; what the snapshot was built from, and whether live mode
would be left with the bundled samples), the registry database (reachable? which schema version?), the
sources (in the raw archive, or on the web when online), the free disk space for the raw archive and the
company register, the alert settings, and the Dagster instance's configuration. Nothing is created, migrated
or fetched into the archive.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import requests

from registry import settings
from registry.ingest.http_client import AnswerTooSlow, request_within, user_agent
from registry.ingest.raw_archive import RawArchive
from registry.register.bolagsverket import first_line_fields, is_header, open_bulk_file
from registry.register.bolagsverket_api import CLIENT_ID, CLIENT_SECRET
from registry.register.company_register import RegisterConfig
from registry.register.register_snapshot import SnapshotUnreadable, read_snapshot_info
from registry.store.migrate import known_revisions
from registry.store.registry_access import RegistryUnavailable, can_be_created, read_state, sqlite_path
from registry.tools.alerts import AlertSettings

GIB = 1024**3


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    message: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorOptions:
    # Check the sources on the web; None: when ASF_HTTP_MODE=live.
    online: bool | None = None
    # The raw archive grows with every live night; the register needs the bulk file (~0.5 GB zipped), its
    # snapshot (~1.5 GB) and room to build the next snapshot beside the current one.
    min_free_archive_bytes: int = 2 * GIB
    min_free_register_bytes: int = 5 * GIB
    connect_timeout: float = 5.0
    # Seconds for each source's whole answer (connect, headers, body and redirects together), and for any one read.
    http_timeout: float = 10.0
    disk_usage: Callable[[Path], int] = field(default=lambda path: shutil.disk_usage(path).free)


Env = Mapping[str, str]


# -- configuration ---------------------------------------------------------------------------------------------


def check_configuration(env: Env) -> list[Finding]:
    try:
        mode = settings.http_mode(env)
    except ValueError as exc:
        return [Finding("configuration", Status.FAIL, str(exc), "set ASF_HTTP_MODE to replay or live")]
    return [
        *_moment_findings(env),
        *(
            Finding("configuration", Status.FAIL, problem, "correct it, or unset it to use the default")
            for problem in settings.number_setting_problems(env)
        ),
        *_contact_findings(env, mode),
        *_language_findings(env),
        _archive_finding(env, mode),
        _city_list_finding(env),
        _register_api_finding(env),
    ]


def _moment_findings(env: Env) -> list[Finding]:
    try:
        settings.replay_as_of(env)
    except ValueError:
        return [
            Finding(
                "configuration",
                Status.FAIL,
                f"ASF_REPLAY_AS_OF is not a date: {settings.written('ASF_REPLAY_AS_OF', env)!r}",
                "write it as 2026-11-01 or 2026-11-01T03:00:00+01:00, or unset it",
            )
        ]
    return []


def _language_findings(env: Env) -> list[Finding]:
    try:
        settings.language(env=env)
    except ValueError as exc:
        # The nightly job would publish and then fail writing the report.
        return [Finding("configuration", Status.FAIL, str(exc), f"set ASF_LANG to {' or '.join(settings.LANGUAGES)}")]
    return []


def _contact_findings(env: Env, mode: str) -> list[Finding]:
    if mode == "live" and settings.contact_address(env) == settings.DEFAULT_CONTACT:
        return [
            Finding(
                "configuration",
                Status.WARN,
                "live mode without ASF_CONTACT: the sites see the placeholder address in the User-Agent",
                "set ASF_CONTACT to an address of the team that runs the scan",
            )
        ]
    return []


def _archive_finding(env: Env, mode: str) -> Finding:
    archive = settings.raw_archive_dir(mode, env)
    if mode == "live":
        return Finding("raw archive", Status.OK, f"live mode, archiving to {archive}")
    if not (archive / "index.jsonl").is_file():
        return Finding(
            "raw archive",
            Status.FAIL,
            f"replay mode, but {archive} holds no raw archive (index.jsonl)",
            "point ASF_RAW_ARCHIVE_DIR at the archive of a live run, or unset it to use recordings/",
        )
    return Finding("raw archive", Status.OK, f"replaying {archive}")


def _register_api_finding(env: Env) -> Finding:
    written = {name: bool(settings.written(name, env)) for name in (CLIENT_ID, CLIENT_SECRET)}
    if not any(written.values()):
        return Finding(
            "register API",
            Status.OK,
            "no credentials: register status and names come from the weekly bulk files only",
        )
    if not all(written.values()):
        missing = next(name for name, present in written.items() if not present)
        return Finding(
            "register API",
            Status.FAIL,
            f"{missing} is not set while its partner is: the nightly status refresh cannot sign in",
            "set both ASF_BOLAGSVERKET_CLIENT_ID and ASF_BOLAGSVERKET_CLIENT_SECRET (Bolagsverket's API portal), "
            "or neither",
        )
    return Finding(
        "register API",
        Status.OK,
        f"credentials set: the nightly job refreshes matched organisations' status through "
        f"{settings.bolagsverket_api_url(env)}",
    )


def _city_list_finding(env: Env) -> Finding:
    city = settings.city_list_dir(env)
    if not city.is_dir():
        return Finding(
            "city list",
            Status.FAIL,
            f"ASF_CITY_LIST_DIR {city} is not a folder",
            "create it and put the city's list (.csv or .xlsx) there, or fix the path",
        )
    lists = sorted(p.name for p in city.glob("*") if p.suffix.lower() in (".csv", ".xlsx"))
    if not lists:
        return Finding(
            "city list",
            Status.FAIL,
            f"{city} holds no .csv or .xlsx file: the city_list source fails every night",
            "save the city's curated list there as .csv or .xlsx",
        )
    return Finding("city list", Status.OK, f"{len(lists)} file(s) in {city}: {', '.join(lists[:5])}")


# -- company register ------------------------------------------------------------------------------------------

_WEEKLY_FIX = "run the job weekly_register_refresh now (Dagster UI, or it runs on Sundays at 04:00)"


def check_register(env: Env) -> list[Finding]:
    """The register's settings, bulk files and snapshot, as the next run would use them. Files are looked at,
    never read whole: their first line says whether they are what they should be."""
    # The register's numeric settings are validated with all the others (check_configuration).
    register = RegisterConfig.from_env(env)
    return [_bulk_file_setting_finding(register), *_scb_findings(register), *_snapshot_findings(register)]


def _bulk_file_setting_finding(register: RegisterConfig) -> Finding:
    if register.downloads:
        if register.downloaded_file.is_file():
            return _bulk_file_finding(register.downloaded_file, "the last downloaded bulk file")
        return Finding("register bulk file", Status.OK, "downloaded weekly from Bolagsverket (live mode)")
    bulk = register.bulk_file
    if register.sample_refusal():
        return Finding(
            "register bulk file",
            Status.FAIL,
            f"live mode, but ASF_REGISTER_BULK_FILE names the bundled sample {bulk} (fictional companies): "
            "the weekly refresh refuses it and the nightly job publishes without register data",
            "unset ASF_REGISTER_BULK_FILE to download Bolagsverket's file, or point it at a downloaded one",
        )
    return _bulk_file_finding(bulk, f"ASF_REGISTER_BULK_FILE {bulk}")


def _bulk_file_finding(path: Path, named: str) -> Finding:
    problem = _file_problem(path, named)
    if problem is None:
        try:
            with open_bulk_file(path) as stream:
                fields, more = first_line_fields(stream)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            problem = f"{named} cannot be read as the bulk file: {exc}"
        else:
            if not is_header(fields):
                problem = (
                    f"{named} does not begin with Bolagsverket's header row ('organisationsidentitet;...'): it is "
                    "not the bulk file, or it is damaged; a weekly refresh from it is refused"
                )
            elif not more:
                problem = f"{named} holds only the header row, no organisations; a weekly refresh from it is refused"
    if problem:
        return Finding(
            "register bulk file",
            Status.FAIL,
            problem,
            "download bolagsverket_bulkfil.zip from Bolagsverket again and point ASF_REGISTER_BULK_FILE at it, or "
            "unset it (replay mode: the recorded sample; live mode: downloaded weekly)",
        )
    return Finding("register bulk file", Status.OK, f"{path} ({path.stat().st_size:,} bytes, header row recognised)")


def _file_problem(path: Path, named: str) -> str | None:
    if not path.is_file():
        return f"{named} is missing or not a regular file"
    if path.stat().st_size == 0:
        return f"{named} is empty (0 bytes)"
    return None


def _scb_findings(register: RegisterConfig) -> list[Finding]:
    fix = "download SCB's bulk file (scb_bulkfil.zip) and point ASF_SCB_BULK_FILE at it, or set it to none"
    path = register.configured_scb_file
    if path is None:
        return [Finding("SCB bulk file", Status.OK, "none: the register is built without SNI codes")]
    if not register.scb_named:
        if register.live:
            return [
                Finding(
                    "SCB bulk file",
                    Status.WARN,
                    "live mode without ASF_SCB_BULK_FILE: the register has no SNI industry codes (the bundled SCB "
                    "sample is never used in live mode)",
                    fix,
                )
            ]
        return []
    if register.scb_file() is None:
        return [
            Finding(
                "SCB bulk file",
                Status.FAIL,
                f"live mode, but ASF_SCB_BULK_FILE names the bundled sample {path}: its SNI codes are not used",
                fix,
            )
        ]
    problem = _file_problem(path, f"ASF_SCB_BULK_FILE {path}")
    if problem is None:
        try:
            with open_bulk_file(path) as stream:
                first = stream.read(1 << 16).split(b"\n", 1)[0]
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            problem = f"ASF_SCB_BULK_FILE {path} cannot be read: {exc}"
        else:
            names = [name.strip().lstrip(b"\xef\xbb\xbf") for name in first.split(b"\t")]
            if b"PeOrgNr" not in names:
                problem = f"ASF_SCB_BULK_FILE {path} does not begin with SCB's header row (PeOrgNr...)"
    if problem:
        return [Finding("SCB bulk file", Status.FAIL, problem, fix)]
    return [Finding("SCB bulk file", Status.OK, f"{path} ({path.stat().st_size:,} bytes, header row recognised)")]


def _snapshot_findings(register: RegisterConfig) -> list[Finding]:
    snapshot, live = register.snapshot_path, register.live
    try:
        info = read_snapshot_info(snapshot)
    except SnapshotUnreadable as exc:
        return [
            Finding(
                "register snapshot",
                Status.FAIL,
                f"{snapshot} cannot be read as a register snapshot: {exc}",
                f"delete it and {_WEEKLY_FIX}",
            )
        ]
    if info is None:
        if live:
            return [
                Finding(
                    "register snapshot",
                    Status.WARN,
                    f"no register snapshot at {snapshot} yet: in live mode the nightly job publishes without register "
                    "data until the weekly refresh has built one from Bolagsverket's file",
                    _WEEKLY_FIX,
                )
            ]
        return [
            Finding(
                "register snapshot",
                Status.WARN,
                f"no register snapshot at {snapshot} yet",
                "nothing to do: the next run builds it from the bulk file (seconds for the full file); "
                "or run the job weekly_register_refresh now",
            )
        ]
    found = []
    if info.organisations == 0:
        found.append(
            Finding(
                "register snapshot",
                Status.FAIL,
                f"{snapshot} holds no organisations: the nightly job has no register data",
                f"{_WEEKLY_FIX} with a good bulk file",
            )
        )
    elif live and info.sample:
        found.append(
            Finding(
                "register snapshot",
                Status.FAIL,
                f"{snapshot} was built from the bundled sample (fictional companies): live mode does not use it, "
                "so the nightly job publishes without register data",
                _WEEKLY_FIX,
            )
        )
    if live and info.sni_sample:
        found.append(
            Finding(
                "register snapshot",
                Status.FAIL,
                f"{snapshot} has its SNI codes from the bundled SCB sample: live mode does not use them",
                f"point ASF_SCB_BULK_FILE at SCB's bulk file (or set it to none) and {_WEEKLY_FIX}",
            )
        )
    if found:
        return found
    built = f"from {info.source}, built {info.built_at}" if info.recorded else "built by an earlier release"
    if not info.recorded:
        return [
            Finding(
                "register snapshot",
                Status.WARN,
                f"{snapshot}: {info.organisations:,} organisations, {built}: what it was built from is not recorded",
                f"nothing urgent: the next weekly refresh records it; or {_WEEKLY_FIX}",
            )
        ]
    return [Finding("register snapshot", Status.OK, f"{snapshot}: {info.organisations:,} organisations {built}")]


# -- database --------------------------------------------------------------------------------------------------


def check_database(url: str, timeout: float = 5.0) -> list[Finding]:
    shown = settings.redact_url(url)
    found: list[Finding] = []
    path = sqlite_path(url)
    if path is not None and not path.is_absolute():
        found.append(
            Finding(
                "database",
                Status.WARN,
                f"{shown} is relative to the working directory ({Path.cwd()})",
                "use an absolute path, so that the daemon, the webserver and the CLI use one file",
            )
        )
    try:
        state = read_state(url, timeout)
    except RegistryUnavailable as exc:
        return [
            *found,
            Finding(
                "database",
                Status.FAIL,
                str(exc),
                "check ASF_REGISTRY_DB_URL (scheme, host, port, database name, user, password), that the server "
                "runs and accepts connections from this machine (pg_hba.conf, firewall), or the SQLite file",
            ),
        ]
    if state is None:
        assert path is not None
        if not can_be_created(path):
            return [
                *found,
                Finding(
                    "database",
                    Status.FAIL,
                    f"{shown} does not exist and cannot be created here",
                    "make the folder writable for the user that runs the job, or fix the path",
                ),
            ]
        return [*found, Finding("database", Status.OK, f"{shown} does not exist yet: the first run creates it")]
    reachable = "is readable" if path is not None else "is reachable"
    schema = _schema_finding(state.revision, state.tables)
    return [*found, Finding("database", Status.OK, f"{shown} {reachable}"), schema]


def _schema_finding(revision: str | None, tables: Collection[str]) -> Finding:
    known, head = known_revisions()
    if revision is None:
        if "organisations" in tables:
            return Finding(
                "schema",
                Status.WARN,
                "registry tables without a schema version (made before migrations)",
                "nothing to do: the next run adopts them as the baseline and upgrades in place",
            )
        return Finding("schema", Status.OK, "empty database: the first run creates the tables")
    if revision == head:
        return Finding("schema", Status.OK, f"schema version {revision} (current)")
    if revision in known:
        return Finding(
            "schema",
            Status.WARN,
            f"schema version {revision}, older than this release's {head}",
            "nothing to do: the next run upgrades the database in place (take a backup first if you like)",
        )
    return Finding(
        "schema",
        Status.FAIL,
        f"schema version {revision!r} is unknown to this release (it knows {', '.join(sorted(known))})",
        "the database was migrated by a newer asf-registry: deploy that release, or point ASF_REGISTRY_DB_URL at "
        "the right database",
    )


# -- sources ---------------------------------------------------------------------------------------------------


def get_within_deadline(url: str, *, headers: Mapping[str, str], timeout: float, **kwargs: object) -> requests.Response:
    """A GET whose whole answer takes at most ``timeout`` seconds: a source that trickles its page a byte at a
    time would otherwise keep doctor waiting for as long as it keeps trickling (a read timeout never trips)."""
    return request_within("GET", url, deadline=timeout, timeout=timeout, headers=dict(headers), **kwargs)


def check_sources(
    env: Env,
    sources: Mapping[str, str],
    online: bool,
    timeout: float,
    get: Callable[..., requests.Response] = get_within_deadline,
) -> list[Finding]:
    found: list[Finding] = []
    if online:
        headers = {"User-Agent": user_agent(settings.contact_address(env))}
        for name, url in sorted(sources.items()):
            try:
                response = get(url, headers=headers, timeout=timeout, allow_redirects=True)
                status, problem = response.status_code, None if response.status_code < 400 else "HTTP error"
            except AnswerTooSlow as exc:
                status, problem = None, str(exc)
            except requests.RequestException as exc:
                status, problem = None, type(exc).__name__
            if problem is None:
                found.append(Finding(f"source {name}", Status.OK, f"{url} answers HTTP {status}"))
            else:
                found.append(
                    Finding(
                        f"source {name}",
                        Status.WARN,
                        f"{url} does not answer ({problem}{f' {status}' if status else ''})",
                        "runs go on without it (its last good records are kept); if it persists, check whether the "
                        "site moved and update the connector's address",
                    )
                )
        return found
    mode = settings.http_mode(env)
    archive = RawArchive(settings.raw_archive_dir(mode, env))
    for name, url in sorted(sources.items()):
        if mode == "replay" and archive.latest(url) is None:
            found.append(
                Finding(
                    f"source {name}",
                    Status.WARN,
                    f"{url} is not in the raw archive {archive.root}: the source fails in replay mode",
                    "replay an archive made by a live run (ASF_RAW_ARCHIVE_DIR), or run live",
                )
            )
    if not found:
        found.append(Finding("sources", Status.OK, "not checked on the web (offline; --online to check)"))
    return found


# -- disk ------------------------------------------------------------------------------------------------------


def _existing(path: Path) -> Path:
    path = path.absolute()
    return next((p for p in (path, *path.parents) if p.exists()), Path("/"))


def check_disk(env: Env, options: DoctorOptions) -> list[Finding]:
    mode = settings.http_mode(env)
    places = [("register", settings.register_snapshot_path(env).parent, options.min_free_register_bytes)]
    if mode == "live":
        places.insert(0, ("raw archive", settings.raw_archive_dir(mode, env), options.min_free_archive_bytes))
    found = []
    for label, path, needed in places:
        free = options.disk_usage(_existing(path))
        message = f"{free / GIB:.1f} GiB free for the {label} ({path})"
        if free < needed:
            found.append(
                Finding(
                    f"disk: {label}",
                    Status.FAIL,
                    f"{message}, below the {needed / GIB:.1f} GiB it needs",
                    "free space on that disk, or move the folder to a larger one (ASF_RAW_ARCHIVE_DIR, "
                    "ASF_REGISTER_SNAPSHOT)",
                )
            )
        else:
            found.append(Finding(f"disk: {label}", Status.OK, message))
    return found


# -- alerts and the Dagster instance ---------------------------------------------------------------------------


def check_alerts(env: Mapping[str, str]) -> list[Finding]:
    alerts = AlertSettings.from_env(env)
    problems = alerts.problems(env)
    found = [
        Finding("alerts", Status.FAIL, problem, "complete or unset the ASF_ALERT_* variables") for problem in problems
    ]
    if not alerts.configured and not problems:
        found.append(
            Finding(
                "alerts",
                Status.WARN,
                "alerts are off: nobody is told when a night fails",
                "set ASF_ALERT_WEBHOOK_URL, or ASF_ALERT_SMTP_HOST, ASF_ALERT_EMAIL_FROM and ASF_ALERT_EMAIL_TO",
            )
        )
    elif alerts.configured:
        channels = [c for c, on in (("webhook", alerts.webhook_url), ("e-mail", alerts.email_configured)) if on]
        found.append(Finding("alerts", Status.OK, f"failed runs are reported by {' and '.join(channels)}"))
    return found


_ENV_ENTRY = re.compile(r"\benv:\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)")


def check_dagster_instance(env: Mapping[str, str]) -> list[Finding]:
    home = env.get("DAGSTER_HOME")
    if not home:
        return [
            Finding(
                "dagster instance",
                Status.WARN,
                "DAGSTER_HOME is not set: run history is not kept and schedules do not run",
                "set DAGSTER_HOME to a folder holding deploy/dagster.yaml (see deploy/README.md)",
            )
        ]
    config = Path(home) / "dagster.yaml"
    if not config.is_file():
        return [
            Finding(
                "dagster instance",
                Status.WARN,
                f"{config} does not exist: Dagster keeps its runs in SQLite files under {home}",
                "copy deploy/dagster.yaml there for PostgreSQL storage and the run queue",
            )
        ]
    missing = sorted({name for name in _ENV_ENTRY.findall(config.read_text()) if not env.get(name)} - {""})
    if missing:
        return [
            Finding(
                "dagster instance",
                Status.FAIL,
                f"{config} reads {', '.join(missing)} from the environment, but they are not set",
                "set them for the webserver and the daemon (deploy/asf-registry.env)",
            )
        ]
    return [Finding("dagster instance", Status.OK, f"{config}")]


# -- all together ----------------------------------------------------------------------------------------------


def run_checks(
    sources: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    options: DoctorOptions | None = None,
    get: Callable[..., requests.Response] = get_within_deadline,
) -> list[Finding]:
    """Every check; ``sources`` maps each web source's name to the address its connector starts from."""
    env = dict(os.environ if env is None else env)
    options = options or DoctorOptions()
    findings = check_configuration(env)
    try:
        mode: str | None = settings.http_mode(env)
    except ValueError:
        mode = None  # said by check_configuration; the checks that depend on the mode are left out
    if mode is not None:
        findings += check_register(env)
    findings += check_database(settings.registry_db_url(env), options.connect_timeout)
    if mode is not None:
        online = options.online if options.online is not None else mode == "live"
        findings += check_sources(env, sources, online, options.http_timeout, get)
        findings += check_disk(env, options)
    findings += check_alerts(env)
    findings += check_dagster_instance(env)
    return findings


def format_findings(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    labels = {Status.OK: "ok  ", Status.WARN: "WARN", Status.FAIL: "FAIL"}
    width = max((len(f.check) for f in findings), default=10)
    lines = []
    for finding in findings:
        lines.append(f"  {labels[finding.status]}  {finding.check:<{width}}  {finding.message}")
        if finding.fix and finding.status is not Status.OK:
            lines.append(f"  {'':4}  {'':<{width}}  fix: {finding.fix}")
    failures = sum(f.status is Status.FAIL for f in findings)
    warnings = sum(f.status is Status.WARN for f in findings)
    verdict = "ready to run" if not failures else "not ready: fix the FAIL lines"
    lines.append(f"{failures} failure(s), {warnings} warning(s): {verdict}.")
    return "\n".join(lines)
