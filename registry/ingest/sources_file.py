"""The sources file (sources.toml): every source the scan reads, as an operator can correct it without a
release: where its list is, which hosts it may follow links to, which reader reads it, what evidence it is,
how far it is trusted, how politely it is crawled, and how many entries it is expected to hold.

A moved page or a new host is a one-line change; a simple list page a kommun or region publishes is a new
entry for the generic list reader. A file that is not valid TOML, or an entry that is wrong (an unknown
reader, a missing URL, a count range upside down), is refused with the file and line, before anything runs.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EVIDENCE_CLASSES = ("current_list", "historical", "weak_signal")
LIST_SHAPES = ("tables", "headings", "link_list")
# The readers that read a local folder rather than the web.
LOCAL_READERS = frozenset({"city_list"})
_REQUIRED = ("name", "title", "description", "reader", "evidence", "trust", "min_valid_orgnr_share")
_KNOWN = frozenset({*_REQUIRED, "urls", "hosts", "expected_entries", "min_seconds_between_requests", "kinds",
                    "shapes", "region"})  # fmt: skip
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class SourcesFileError(ValueError):
    """The sources file cannot be used: the message names the file and the line."""


@dataclass(frozen=True)
class SourceConfig:
    name: str
    title: str
    description: str
    # A connector module ("skoopi", "sofisam", "city_list") or the generic list reader ("list_page").
    reader: str
    # Where the source's list is; the first is the list page (or the list path an archive is asked about).
    urls: tuple[str, ...] = ()
    # Hosts whose links are followed (detail pages); the list page's host always is.
    hosts: tuple[str, ...] = ()
    evidence: str = "current_list"
    # Lower is more trusted: the published value of a field comes from the most trusted source that has it.
    trust: int = 50
    # The share of records expected to carry a valid organisationsnummer (the valid_orgnr_share check); None:
    # the source lists no numbers. Every source states it.
    min_valid_orgnr_share: float | None = field(default=None, kw_only=True)
    # How many entries the source is expected to hold: outside the range, the source's check fails loudly.
    expected_entries: tuple[int, int] | None = None
    # Spacing between requests to one host for this source; None: the web client's setting.
    min_seconds_between_requests: float | None = None
    kinds: frozenset[str] = frozenset()
    # The generic list reader: the markups to try, in order, and the CSS selector of the list's region.
    shapes: tuple[str, ...] = ()
    region: str | None = None
    # Where the entry starts in the sources file, for messages.
    line: int = 0

    @property
    def url(self) -> str | None:
        return self.urls[0] if self.urls else None

    @property
    def priority(self) -> int:
        return self.trust

    @property
    def weak_signal(self) -> bool:
        """A member list of all kinds of organisations: being on it never proves that one is an ASF."""
        return self.evidence == "weak_signal"

    @property
    def historical(self) -> bool:
        """A closed source, kept as a historical seed."""
        return self.evidence == "historical"

    def follows(self, url: str) -> bool:
        """Whether a link to this URL may be followed: its host is the list page's or one of ``hosts``."""
        host = (urlsplit(url).hostname or "").lower()
        allowed = {h.lower() for h in self.hosts} | {(urlsplit(u).hostname or "").lower() for u in self.urls}
        return bool(host) and host in allowed

    def count_problem(self, entries: int) -> str | None:
        """Why ``entries`` is outside the expected range, or None."""
        if self.expected_entries is None:
            return None
        low, high = self.expected_entries
        if entries < low:
            return f"{entries} entries, expected at least {low} (expected_entries in the sources file)"
        if entries > high:
            return f"{entries} entries, expected at most {high} (expected_entries in the sources file)"
        return None


def load_sources(path: Path, readers: Collection[str]) -> tuple[SourceConfig, ...]:
    """The sources in the file, in its order. ``readers``: the reader names that exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesFileError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SourcesFileError(f"{path}: is not UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        where = f"{path}:{found.group(1)}" if found else str(path)
        raise SourcesFileError(f"{where}: not valid TOML: {exc}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path}: no [[source]] entries")
    starts = _entry_lines(text)
    sources = []
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else 0
        sources.append(_source(entry, path, line, _key_lines(text, line) if line else {}, readers))
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            where = f"{path}:{source.line}" if source.line else str(path)
            raise SourcesFileError(f"{where}: the source name {source.name!r} is used twice")
        seen.add(source.name)
    return tuple(sources)


# An entry's header as TOML allows it: "[[source]]", "[[ source ]]", '[["source"]]', a comment after it.
_ENTRY_HEADER = re.compile(r"""\s*\[\[\s*(source|"source"|'source')\s*\]\]\s*(#.*)?""")


def _entry_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if _ENTRY_HEADER.fullmatch(line)]


def _key_lines(text: str, start: int) -> dict[str, int]:
    """The line of each key of the entry that starts at ``start``."""
    found: dict[str, int] = {}
    for n, line in enumerate(text.splitlines()[start:], start=start + 1):
        stripped = line.strip()
        if stripped.startswith("["):
            break
        key = re.match(r"([A-Za-z_][\w-]*)\s*=", stripped)
        if key:
            found.setdefault(key.group(1), n)
    return found


def _source(entry: Any, path: Path, line: int, lines: Mapping[str, int], readers: Collection[str]) -> SourceConfig:
    def fail(message: str, key: str | None = None) -> SourcesFileError:
        at = lines.get(key, line) if key else line
        # Without a line (an entry written as an inline table), the message still names the source.
        return SourcesFileError(f"{path}:{at}: {message}" if at else f"{path}: {message}")

    if not isinstance(entry, Mapping):
        raise fail("a [[source]] entry must be a table")
    for key in _REQUIRED:
        if key not in entry:
            raise fail(f"the source has no {key!r}")
    unknown = sorted(set(entry) - _KNOWN)
    if unknown:
        raise fail(f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KNOWN))})", unknown[0])
    name = entry["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail(f"name {name!r} must be lower-case letters, digits and _", "name")
    reader = entry["reader"]
    if reader not in readers:
        raise fail(f"source {name}: unknown reader {reader!r} (known: {', '.join(sorted(readers))})", "reader")
    urls = _strings(entry.get("urls", []), "urls", fail)
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise fail(f"source {name}: {url!r} is not an http(s) URL", "urls")
    if not urls and reader not in LOCAL_READERS:
        # At the entry's start: the line that is missing could go anywhere in it.
        raise fail(f"source {name}: a {reader} source needs its list's URL in 'urls'")
    evidence = entry["evidence"]
    if evidence not in EVIDENCE_CLASSES:
        raise fail(f"source {name}: evidence {evidence!r} is not one of {', '.join(EVIDENCE_CLASSES)}", "evidence")
    trust = entry["trust"]
    if not isinstance(trust, int) or isinstance(trust, bool) or not 0 <= trust <= 1000:
        raise fail(f"source {name}: trust must be a whole number from 0 to 1000, not {trust!r}", "trust")
    share = entry["min_valid_orgnr_share"]
    if share == "none":
        share = None
    elif not isinstance(share, int | float) or isinstance(share, bool) or not 0 <= share <= 1:
        raise fail(f"source {name}: min_valid_orgnr_share must be a share from 0 to 1, or \"none\"",
                   "min_valid_orgnr_share")  # fmt: skip
    expected = entry.get("expected_entries")
    if expected is not None:
        valid = isinstance(expected, list) and len(expected) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in expected
        )
        if not valid or expected[0] > expected[1]:
            raise fail(f"source {name}: expected_entries must be [at least, at most], not {expected!r}",
                       "expected_entries")  # fmt: skip
    spacing = entry.get("min_seconds_between_requests")
    if spacing is not None and (not isinstance(spacing, int | float) or isinstance(spacing, bool) or spacing < 0):
        raise fail(f"source {name}: min_seconds_between_requests must be a number of seconds",
                   "min_seconds_between_requests")  # fmt: skip
    shapes = _strings(entry.get("shapes", []), "shapes", fail)
    bad_shape = next((s for s in shapes if s not in LIST_SHAPES), None)
    if bad_shape:
        raise fail(f"source {name}: shape {bad_shape!r} is not one of {', '.join(LIST_SHAPES)}", "shapes")
    if reader == "list_page" and not shapes:
        raise fail(f"source {name}: the list_page reader needs 'shapes' (tables, headings, link_list)", "reader")
    region = entry.get("region")
    if region is not None and (not isinstance(region, str) or not region.strip()):
        raise fail(f"source {name}: region must be a CSS selector", "region")
    return SourceConfig(
        name=name,
        title=_text(entry["title"], "title", fail),
        description=_text(entry["description"], "description", fail),
        reader=reader,
        urls=urls,
        hosts=_strings(entry.get("hosts", []), "hosts", fail),
        evidence=evidence,
        trust=trust,
        min_valid_orgnr_share=None if share is None else float(share),
        expected_entries=(expected[0], expected[1]) if expected is not None else None,
        min_seconds_between_requests=None if spacing is None else float(spacing),
        kinds=frozenset(_strings(entry.get("kinds", []), "kinds", fail)),
        shapes=shapes,
        region=region,
        line=line,
    )


def _strings(value: object, key: str, fail: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"{key} must be a list of texts", key)
    return tuple(v.strip() for v in value)


def _text(value: object, key: str, fail: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{key} must be a text", key)
    return value.strip()
