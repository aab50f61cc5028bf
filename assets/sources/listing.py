"""Reading organisation lists out of web pages whose markup nobody documents.

Directory pages come in a few shapes: a table with a header row, one heading per organisation followed by
labelled lines ("Ort: Malmö"), cards, or a plain list of links. Each reader below handles one shape; a
connector says which shapes to try. Only organisation-level fields are read: a line labelled
"Kontaktperson" or similar is never mapped to anything, so names of private persons are not collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from assets.sources.base import CrawlContext
from registry.ingest.records import SourceRecord
from registry.reference.normalize import fold

# Label (folded, punctuation as spaces) -> SourceRecord field.
LABELS: dict[str, str] = {
    "ort": "municipality",
    "kommun": "municipality",
    "stad": "municipality",
    "verksamhetsort": "municipality",
    "adress": "address",
    "besoksadress": "address",
    "postadress": "address",
    "gatuadress": "address",
    "verksamhet": "activity",
    "bransch": "activity",
    "branscher": "activity",
    "inriktning": "activity",
    "vi erbjuder": "activity",
    "tjanster": "activity",
    "org nr": "orgnr_as_written",
    "orgnr": "orgnr_as_written",
    "org nummer": "orgnr_as_written",
    "organisationsnummer": "orgnr_as_written",
    "telefon": "phone",
    "tel": "phone",
    "telefonnummer": "phone",
    "e post": "email",
    "epost": "email",
    "e mail": "email",
    "mejl": "email",
    "webb": "website",
    "webbplats": "website",
    "hemsida": "website",
    "webbadress": "website",
}
NAME_COLUMNS = {"namn", "foretag", "foretagsnamn", "organisation", "asf", "socialt foretag", "medlem", "medlemmar"}
_LABEL_LINE = re.compile(r"^\s*([^:]{2,25}):\s*(.*)$")
HEADINGS = ("h2", "h3", "h4")


def folded_label(text: str) -> str:
    return " ".join(re.sub(r"[^\w]", " ", fold(text)).split())


def label_field(label: str) -> str | None:
    return LABELS.get(folded_label(label))


def url_slug(url: str) -> str | None:
    """The last path segment of a detail page's URL, a stable key for the entry it describes."""
    path = urlsplit(url).path.strip("/")
    if not path:
        return None
    return path.rsplit("/", 1)[-1].removesuffix(".html") or None


@dataclass
class ListingEntry:
    name: str
    fields: dict[str, str] = field(default_factory=dict)
    detail_url: str | None = None
    text: str = ""


def _is_external(href: str, page_url: str) -> bool:
    host = urlsplit(href).hostname
    return bool(host) and host != urlsplit(page_url).hostname and href.startswith("http")


def fields_from_elements(elements: Iterable[object], page_url: str) -> dict[str, str]:
    """Labelled lines and contact links inside some elements, first value of each field wins."""
    fields: dict[str, str] = {}
    for element in elements:
        if not isinstance(element, Tag):
            continue
        for line in element.get_text("\n").splitlines():
            match = _LABEL_LINE.match(line)
            if match:
                target = label_field(match.group(1))
                value = match.group(2).strip()
                if target and value:
                    fields.setdefault(target, value)
        for anchor in element.find_all("a", href=True):
            href = anchor["href"].strip()
            if href.startswith("mailto:"):
                fields.setdefault("email", href.removeprefix("mailto:").split("?")[0])
            elif href.startswith("tel:"):
                fields.setdefault("phone", href.removeprefix("tel:"))
            elif _is_external(href, page_url):
                fields.setdefault("website", href)
    return fields


def entries_from_headings(root: Tag, page_url: str, headings: Sequence[str] = HEADINGS) -> list[ListingEntry]:
    """One heading per organisation, its details in the elements after it until the next heading."""
    entries = []
    for heading in root.find_all(list(headings)):
        block = []
        for sibling in heading.find_next_siblings():
            if isinstance(sibling, Tag) and sibling.name in HEADINGS:
                break
            block.append(sibling)
        fields = fields_from_elements(block, page_url)
        if not fields:
            # A heading with no details of its own is a section title ("Stockholms län"), not an organisation.
            continue
        link = heading.find("a", href=True)
        entries.append(
            ListingEntry(
                name=heading.get_text(" ", strip=True),
                fields=fields,
                detail_url=urljoin(page_url, link["href"]) if link else None,
                text=" ".join(b.get_text(" ", strip=True) for b in block if isinstance(b, Tag)),
            )
        )
    return entries


def entries_from_tables(root: Tag, page_url: str) -> list[ListingEntry]:
    """Tables whose header row names a name column; other columns mapped by their labels."""
    entries = []
    for table in root.find_all("table"):
        rows = table.find_all("tr")
        if not rows:
            continue
        header = []
        for cell in rows[0].find_all(["th", "td"]):
            label = folded_label(cell.get_text())
            header.append("name" if label in NAME_COLUMNS else LABELS.get(label))
        if "name" not in header:
            continue
        for row in rows[1:]:
            fields: dict[str, str] = {}
            name, detail_url = "", None
            for target, cell in zip(header, row.find_all(["td", "th"]), strict=False):
                value = cell.get_text(" ", strip=True)
                link = cell.find("a", href=True)
                if target == "name":
                    name = value
                    if link and not _is_external(link["href"], page_url):
                        detail_url = urljoin(page_url, link["href"])
                    elif link:
                        fields.setdefault("website", link["href"])
                elif target == "website" and link:
                    fields.setdefault("website", link["href"])
                elif target and value:
                    fields.setdefault(target, value)
            entries.append(ListingEntry(name=name, fields=fields, detail_url=detail_url, text=row.get_text(" ")))
    return entries


def entries_from_link_list(root: Tag, page_url: str) -> list[ListingEntry]:
    """A plain list: each item's first line is the name; a link out is the website, a link in the detail page.

    Text after a dash on the line ("Macken – Växjö") is taken as the municipality only when it is a single
    short place-like word group; anything longer is kept as activity text.
    """
    entries = []
    for item in root.find_all("li"):
        if item.find_parent(["nav", "header", "footer"]) or item.find("li"):
            continue
        text = item.get_text(" ", strip=True)
        if not text:
            continue
        parts = re.split(r"\s[–—-]\s", text, maxsplit=1)
        name, rest = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        fields: dict[str, str] = {}
        detail_url = None
        for anchor in item.find_all("a", href=True):
            href = anchor["href"].strip()
            if _is_external(href, page_url):
                fields.setdefault("website", href)
            elif not href.startswith(("mailto:", "tel:", "#")):
                detail_url = detail_url or urljoin(page_url, href)
        if rest:
            fields["municipality" if len(rest) <= 30 and "," not in rest else "activity"] = rest
        entries.append(ListingEntry(name=name, fields=fields, detail_url=detail_url, text=text))
    return entries


READERS = {
    "tables": entries_from_tables,
    "headings": entries_from_headings,
    "link_list": entries_from_link_list,
}


def read_entries(root: Tag, page_url: str, shapes: Sequence[str]) -> list[ListingEntry]:
    """Entries from the first shape, in order, that finds any."""
    for shape in shapes:
        entries = READERS[shape](root, page_url)
        if entries:
            return entries
    return []


def parse_listing(html: str, page_url: str, shapes: Sequence[str]) -> list[ListingEntry]:
    return read_entries(BeautifulSoup(html, "html.parser"), page_url, shapes)


def content_root(html: str, selectors: Sequence[str]) -> Tag:
    """The main content of a page: the first selector that matches, else the whole document."""
    soup = BeautifulSoup(html, "html.parser")
    for selector in selectors:
        found = soup.select_one(selector)
        if found is not None:
            return found
    return soup


def list_page_records(
    ctx: CrawlContext, source: str, url: str, shapes: Sequence[str], content_selector: str | None = None
) -> Iterator[SourceRecord]:
    """Records from a single list page: the whole connector for sources that are one page of entries."""
    response = ctx.http.get_ok(url)
    soup = BeautifulSoup(response.text(), "html.parser")
    root = soup.select_one(content_selector) if content_selector else soup
    if root is None:
        ctx.warn(f"{url}: no element matches {content_selector!r} (layout changed?); reading the whole page")
        root = soup
    for entry in read_entries(root, url, shapes):
        yield SourceRecord(
            source=source,
            source_key=(url_slug(entry.detail_url) if entry.detail_url else None) or entry.name,
            name=entry.name,
            fetched_at=response.fetched_at,
            source_url=entry.detail_url or url,
            **entry.fields,
        )
