"""Reading organisation lists out of web pages whose markup nobody documents.

Directory pages come in a few shapes: a table with a header row, one heading per organisation followed by
labelled lines ("Ort: Malmö"), cards, or a plain list of links. Each reader below handles one shape; a
connector says which shapes to try. Only organisation-level fields are read: a line labelled
"Kontaktperson" or similar is never mapped to anything, so names of private persons are not collected.
"""

from __future__ import annotations

import copy
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


@dataclass(frozen=True)
class Rejected:
    """A part of the page that a reader considered and did not take for an organisation, and why."""

    text: str
    reason: str
    # It carried details an organisation would (a town, a link out, a phone): a parse warning to look at.
    # Section titles, navigation and an article's bullets are parse warnings too, but expected ones.
    looked_like_an_entry: bool = False


# Headings and list titles that name a part of a page, never an organisation (folded).
PAGE_SECTIONS = frozenset({
    "kontakt", "kontakta oss", "kontaktuppgifter", "om oss", "relaterade sidor", "relaterat", "se aven", "las mer",
    "las ocksa", "lankar", "genvagar", "dela", "dela sidan", "senast uppdaterad", "hitta hit", "nyheter",
    "vanliga fragor", "rad och stod", "prenumerera", "nyhetsbrev", "bli medlem", "om webbplatsen", "innehall",
})  # fmt: skip
_OUTSIDE_THE_LIST = ["nav", "header", "footer", "aside", "form"]
_MAX_NAME_WORDS = 10
_NOT_ITS_OWN = "only links to a site or an address that is not its own (a guidance or 'read more' box)"
_DETAILS = frozenset({"municipality", "address", "activity", "orgnr_as_written"})


def _is_external(href: str, page_url: str) -> bool:
    host = urlsplit(href).hostname
    return bool(host) and host != urlsplit(page_url).hostname and href.startswith("http")


_BLOCKS = ("p", "div", "li", "tr", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table")


def _lines(element: Tag) -> list[str]:
    """The element's text as it shows, line by line: "<strong>Ort:</strong> Malmö<br>" is the line
    "Ort: Malmö" (inline markup does not break a line; <br> and block elements do)."""
    shown = copy.copy(element)
    for br in shown.find_all("br"):
        br.replace_with("\n")
    for block in shown.find_all(_BLOCKS):
        block.append("\n")
    return shown.get_text("").splitlines()


def fields_from_elements(elements: Iterable[object], page_url: str) -> dict[str, str]:
    """Labelled lines and contact links inside some elements, first value of each field wins."""
    fields: dict[str, str] = {}
    for element in elements:
        if not isinstance(element, Tag):
            continue
        anchors = element.find_all("a", href=True)
        # "Webbplats: <a href=https://x.se/>x.se</a>": the labelled value is the link's address, not its text.
        linked = {" ".join(a.get_text(" ").split()): a["href"].strip() for a in anchors}
        for line in _lines(element):
            match = _LABEL_LINE.match(line)
            if match:
                target = label_field(match.group(1))
                value = match.group(2).strip()
                if target == "website" and _is_external(linked.get(" ".join(value.split()), ""), page_url):
                    value = linked[" ".join(value.split())]
                if target and value:
                    fields.setdefault(target, value)
        for anchor in anchors:
            href = anchor["href"].strip()
            if href.startswith("mailto:"):
                fields.setdefault("email", href.removeprefix("mailto:").split("?")[0])
            elif href.startswith("tel:"):
                fields.setdefault("phone", href.removeprefix("tel:"))
            elif _is_external(href, page_url):
                fields.setdefault("website", href)
    return fields


def _name_problem(name: str) -> str | None:
    """Why a heading or list item does not read as an organisation's name, or None."""
    folded = folded_label(name)
    if not folded:
        return "no name"
    if folded in PAGE_SECTIONS or folded.rstrip("s") in PAGE_SECTIONS:
        return "names a part of the page, not an organisation"
    if name.rstrip().endswith("?"):
        return "a question (a FAQ), not a name"
    words = name.split()
    if name.rstrip().endswith(":") or len(words) > _MAX_NAME_WORDS or _is_sentence(words):
        return "reads as a sentence or a section heading, not a name"
    return None


def _is_sentence(words: Sequence[str]) -> bool:
    """Four words or more ending with a full stop after a whole word: "Vi skapar jobb för fler." A name may end
    with an abbreviation's dot ("Gröna Händer ek. för.", "Bygg m.fl.")."""
    if len(words) < 4 or not words[-1].endswith(".") or words[-1].endswith(".."):
        return False
    last = fold(words[-1].rstrip("."))
    return len(last) >= 5 and "." not in last


def _carries_the_name(name: str, fields: dict[str, str]) -> bool:
    """Whether the site or e-mail domain the block links to carries a word of the name ("Yalla Trappan" ->
    yallatrappan.se): a box that only links to another organisation's site is guidance, not an entry."""
    words = [w for w in folded_label(name).split() if len(w) >= 3]
    joined = "".join(folded_label(name).split())
    for value in (fields.get("website"), fields.get("email")):
        if not value:
            continue
        host = (urlsplit(value if "://" in value else f"http://{value.rsplit('@', 1)[-1]}").hostname or "").lower()
        label = fold(host.removeprefix("www.").split(".")[0]) if host else ""
        if label and (any(w in label for w in words) or label in joined):
            return True
    return False


def entries_from_headings(
    root: Tag, page_url: str, headings: Sequence[str] = HEADINGS, rejected: list[Rejected] | None = None
) -> list[ListingEntry]:
    """One heading per organisation (cards included), its details in the elements after it until the next
    heading. A heading is not taken when it is outside the list (navigation, an aside), names a part of the
    page, reads as a sentence or a question, has no details of its own (a section title), or has only contact
    channels that are not its own (a guidance box linking to another organisation)."""
    rejected = [] if rejected is None else rejected
    entries = []
    for heading in root.find_all(list(headings)):
        name = heading.get_text(" ", strip=True)
        if heading.find_parent(_OUTSIDE_THE_LIST):
            rejected.append(Rejected(name, "outside the list (navigation, a side box or a form)"))
            continue
        block = []
        for sibling in heading.find_next_siblings():
            # The next heading ends the section, also one inside a sibling (a grid of cards after a title).
            if isinstance(sibling, Tag) and (sibling.name in HEADINGS or sibling.find(list(headings))):
                break
            block.append(sibling)
        fields = fields_from_elements(block, page_url)
        problem = _name_problem(name)
        if problem is None and not fields:
            problem = "no details of its own (a section title)"
        if problem is None and not _DETAILS & fields.keys() and not _carries_the_name(name, fields):
            problem = _NOT_ITS_OWN
        if problem is not None:
            # Only a heading the rules could not place (details, but links that are not its own) is a warning to
            # look at; a part of the page, a question or a title without details is plainly not an organisation.
            rejected.append(Rejected(name, problem, looked_like_an_entry=problem == _NOT_ITS_OWN))
            continue
        link = heading.find("a", href=True)
        entries.append(
            ListingEntry(
                name=name,
                fields=fields,
                detail_url=urljoin(page_url, link["href"]) if link else None,
                text=" ".join(b.get_text(" ", strip=True) for b in block if isinstance(b, Tag)),
            )
        )
    return entries


def entries_from_tables(root: Tag, page_url: str, rejected: list[Rejected] | None = None) -> list[ListingEntry]:
    """Tables whose header row names a name column; other columns mapped by their labels. A table without a
    name column (opening hours, prices) is not a list of organisations, nor is a row without a name."""
    rejected = [] if rejected is None else rejected
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
            columns = " | ".join(c.get_text(" ", strip=True) for c in rows[0].find_all(["th", "td"]))
            rejected.append(Rejected(f"table ({columns})", "no name column (not a list of organisations)"))
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
            if not name.strip():
                if fields:
                    rejected.append(Rejected(row.get_text(" ", strip=True), "a row without a name",
                                             looked_like_an_entry=True))  # fmt: skip
                continue
            entries.append(ListingEntry(name=name, fields=fields, detail_url=detail_url, text=row.get_text(" ")))
    return entries


def _list_title(item: Tag) -> str | None:
    """The heading just before the list an item is in ("Läs också", "Medlemmar"), folded."""
    parent = item.find_parent(["ul", "ol"])
    heading = parent.find_previous(list(("h1", *HEADINGS))) if parent is not None else None
    return folded_label(heading.get_text(" ", strip=True)) if heading is not None else None


def entries_from_link_list(root: Tag, page_url: str, rejected: list[Rejected] | None = None) -> list[ListingEntry]:
    """A plain list: each item's first line is the name; a link out is the website, a link in the detail page.

    Text after a dash on the line ("Macken – Växjö") is taken as the municipality only when it is a single
    short place-like word group; anything longer is kept as activity text. Items outside the list
    (navigation, breadcrumbs, an aside), under a title that names a part of the page ("Läs också"), and an
    article's bullets (sentences) are not organisations.
    """
    rejected = [] if rejected is None else rejected
    entries = []
    for item in root.find_all("li"):
        if item.find("li"):
            continue
        text = item.get_text(" ", strip=True)
        if not text:
            continue
        if item.find_parent(_OUTSIDE_THE_LIST) or any(
            "breadcrumb" in " ".join(p.get("class") or []) + " " + str(p.get("aria-label") or "").lower()
            for p in item.find_parents(["ol", "ul", "div", "nav"])
        ):
            rejected.append(Rejected(text, "outside the list (navigation or breadcrumbs)"))
            continue
        title = _list_title(item)
        if title is not None and (title in PAGE_SECTIONS or title.rstrip("s") in PAGE_SECTIONS):
            rejected.append(Rejected(text, f"under the page section {title!r}, not the list"))
            continue
        parts = re.split(r"\s[–—-]\s", text, maxsplit=1)
        name, rest = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        problem = _name_problem(name)
        if problem is not None:
            rejected.append(Rejected(text, problem))
            continue
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


@dataclass
class ReadListing:
    entries: list[ListingEntry]
    # The shape that found the entries; None when none did.
    shape: str | None
    rejected: list[Rejected]


def read_listing(root: Tag, page_url: str, shapes: Sequence[str]) -> ReadListing:
    """Entries from the first shape, in order, that finds any, with what that shape did not take; when none
    finds any, what every shape did not take: why the page yields nothing."""
    tried: list[Rejected] = []
    for shape in shapes:
        rejected: list[Rejected] = []
        entries = READERS[shape](root, page_url, rejected=rejected)
        if entries:
            return ReadListing(entries, shape, rejected)
        tried += rejected
    return ReadListing([], None, tried)


def read_page(ctx: CrawlContext, root: Tag, page_url: str, shapes: Sequence[str]) -> list[ListingEntry]:
    """A page's entries, telling ``ctx`` what was found (the shape, each entry's page text) and what was not
    taken: each a parse warning with its reason, expected when it plainly was not an entry, one to look at when
    it looked like one."""
    found = read_listing(root, page_url, shapes)
    ctx.found(page_url, found.shape, len(found.entries))
    for rejection in found.rejected:
        looked = rejection.looked_like_an_entry
        what = "not taken, though it looked like an entry (look at the page)" if looked else "not an entry"
        ctx.warn(f"{page_url}: {what}: {rejection.text[:80]!r}: {rejection.reason}", expected=not looked)
    for entry in found.entries:
        ctx.entry_text(entry.name, entry.text)
    return found.entries


def read_entries(root: Tag, page_url: str, shapes: Sequence[str]) -> list[ListingEntry]:
    return read_listing(root, page_url, shapes).entries


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
    for entry in read_page(ctx, root, url, shapes):
        yield SourceRecord(
            source=source,
            source_key=(url_slug(entry.detail_url) if entry.detail_url else None) or entry.name,
            name=entry.name,
            fetched_at=response.fetched_at,
            source_url=entry.detail_url or url,
            **entry.fields,
        )
