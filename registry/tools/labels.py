"""Every word an official reads, in Swedish (the default) and English: one table.

Two parts. ``CODES``: what each code the registry stores means to a reader (evidence, changes, register
statuses, legal forms, register match methods, orgnr statuses), beside the activity areas' and CPV divisions'
titles (registry/reference/activity_areas.py) and the published columns' labels (registry/store/columns.py),
which are declared with their own data. ``TEXTS``: the sentences of the report, the run summary and the
commands, with ``{name}`` placeholders; ``COUNTED``: the ones whose noun follows a number ("1 organisation",
"2 organisationer").

Code reads them through ``Labels(lang)``: ``labels.text("find.count", ...)``, ``labels.code("evidence", ...)``.
A code with no label is shown as it is, never dropped: an older value still reads. Tests check that both
languages have every key with the same placeholders, and that every code the registry writes has a label.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime

from registry.publish.changes import Change
from registry.publish.organisation_values import Evidence
from registry.reference.activity_areas import AREAS, CPV_DIVISIONS, CPV_DIVISIONS_SV, area_by_code
from registry.register.bolagsverket import LEGAL_FORMS
from registry.register.enrichment import METHOD_NAME, METHOD_NONE, METHOD_ORGNR, METHOD_PERSON, METHOD_REVIEW
from registry.register.register_codes import (
    STATUS_ACTIVE,
    STATUS_BANKRUPTCY,
    STATUS_COMPOSITION,
    STATUS_CONVERSION,
    STATUS_DEREGISTERED,
    STATUS_DIVISION,
    STATUS_LIQUIDATION,
    STATUS_MERGER,
    STATUS_RECONSTRUCTION,
    STATUS_RESOLUTION,
)
from registry.settings import LANGUAGES
from registry.store.columns import BY_TABLE, Kind


@dataclass(frozen=True)
class Said:
    sv: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.sv if lang == "sv" else self.en


@dataclass(frozen=True)
class Counted:
    """A phrase after a number: its singular and plural in each language."""

    sv_one: str
    sv_many: str
    en_one: str
    en_many: str

    def __call__(self, lang: str, count: int) -> str:
        if lang == "sv":
            return self.sv_one if count == 1 else self.sv_many
        return self.en_one if count == 1 else self.en_many


# Legal forms' English names; the Swedish ones are Bolagsverket's own (registry/register/bolagsverket.py).
_LEGAL_FORMS_EN = {
    "AB": "limited company",
    "EK": "economic association",
    "BRF": "housing cooperative",
    "I": "non-profit association",
    "S": "foundation",
    "HB": "trading partnership",
    "KB": "limited partnership",
    "E": "sole trader",
    "FL": "branch of a foreign company",
    "BF": "housing association",
    "SF": "savings bank",
    "OFB": "mutual insurance company",
    "EGTS": "European grouping of territorial cooperation",
}

CODES: dict[str, dict[str, Said]] = {
    "evidence": {
        Evidence.CURRENT_LIST: Said("på en aktuell ASF-lista", "on a current ASF list"),
        Evidence.HISTORICAL_LIST: Said("bara på den stängda Sofisam-listan", "only on the closed Sofisam list"),
        Evidence.WEAK_SIGNAL: Said(
            "bara på en allmän medlemslista (inte belägg för ASF)",
            "only on a general member list (not evidence of ASF)",
        ),
    },
    # The same, short enough for a table column.
    "evidence_short": {
        Evidence.CURRENT_LIST: Said("aktuell ASF-lista", "current ASF list"),
        Evidence.HISTORICAL_LIST: Said("endast historisk", "historical only"),
        Evidence.WEAK_SIGNAL: Said("svag signal", "weak signal"),
    },
    "change": {
        Change.ADDED: Said("ny", "added"),
        Change.CHANGED: Said("ändrad", "changed"),
        Change.MERGED: Said("sammanslagen", "merged"),
        Change.SPLIT: Said("delad", "split"),
        Change.UNLISTED: Said("inte längre listad", "no longer listed"),
        Change.INACTIVATED: Said("inaktiv", "inactivated"),
        Change.RELISTED: Said("listad igen", "listed again"),
        Change.DEREGISTERED: Said("avregistrerad", "deregistered"),
        Change.STATUS_CHANGED: Said("ny status i bolagsregistret", "new status in the company register"),
    },
    "register_status": {
        STATUS_ACTIVE: Said("aktiv", "active"),
        STATUS_DEREGISTERED: Said("avregistrerad", "deregistered"),
        STATUS_BANKRUPTCY: Said("pågående konkurs", "ongoing bankruptcy"),
        STATUS_LIQUIDATION: Said("i likvidation", "in liquidation"),
        STATUS_RECONSTRUCTION: Said("i företagsrekonstruktion", "in company reconstruction"),
        STATUS_COMPOSITION: Said("ackordsförhandling", "composition with creditors"),
        STATUS_RESOLUTION: Said("resolution", "resolution"),
        STATUS_MERGER: Said("i fusion", "merging"),
        STATUS_DIVISION: Said("i delning", "dividing"),
        STATUS_CONVERSION: Said("i ombildning", "converting"),
    },
    "legal_form": {code: Said(name, _LEGAL_FORMS_EN[code]) for code, name in LEGAL_FORMS.items()},
    "register_match": {
        METHOD_ORGNR: Said("organisationsnummer", "organisation number"),
        METHOD_NAME: Said("namnlikhet", "name similarity"),
        METHOD_PERSON: Said("bekräftad av en person", "confirmed by a person"),
        METHOD_REVIEW: Said("väntar på granskning", "waiting for review"),
        METHOD_NONE: Said("ingen träff", "no match"),
    },
    "orgnr_status": {
        "valid": Said("giltigt", "valid"),
        "invalid": Said("ogiltigt", "invalid"),
        "missing": Said("saknas", "missing"),
    },
    "boolean": {"true": Said("ja", "yes"), "false": Said("nej", "no")},
}

# The published columns that hold codes, and the vocabulary of their labels.
COLUMN_VOCABULARIES: dict[tuple[str, str], str] = {
    ("organisations", "evidence"): "evidence",
    ("organisations", "legal_form"): "legal_form",
    ("organisations", "register_status"): "register_status",
    ("organisations", "register_match"): "register_match",
    ("organisations", "activity_areas"): "activity_areas",
    ("organisations", "cpv_divisions"): "cpv_divisions",
    ("change_log", "change"): "change",
    ("source_records", "orgnr_status"): "orgnr_status",
}

TEXTS: dict[str, Said] = {
    # The run summary (pipelines/cli.py).
    "summary.published": Said(
        "Registret är publicerat: {active} aktiva organisationer ({added} nya, {unlisted} inte längre listade, "
        "{inactive} inaktiva), {records} källposter, {quarantined} i karantän.",
        "Registry published: {active} active organisations ({added} new, {unlisted} no longer listed, "
        "{inactive} inactive), {records} source records, {quarantined} quarantined.",
    ),
    "summary.changes": Said("Ändringar: {changes}", "Changes: {changes}"),
    "summary.no_changes": Said("Ändringar: inga", "Changes: none"),
    "summary.per_source": Said("Poster per källa:", "Records per source:"),
    "summary.source_failed": Said(
        "(KUNDE INTE LÄSAS: senaste goda poster används)", "(FAILED: last good records kept)"
    ),
    "summary.names_more": Said("… och {count} till", "… and {count} more"),
    "summary.report": Said("Rapport: {path}", "Report: {path}"),
    "summary.no_report": Said("Ingen rapport skrevs: {reason}", "No report was written: {reason}"),
    "summary.quarantine": Said(
        "{count} poster i karantän: se dem med  asf-registry quarantine",
        "{count} records quarantined: see them with  asf-registry quarantine",
    ),
    "summary.database": Said("Databas: {database}", "Database: {database}"),
    "summary.added_names": Said("Nya:", "Added:"),
    "summary.unlisted_names": Said("Inte längre listade:", "No longer listed:"),
    "summary.inactivated_names": Said("Inaktiva:", "Inactivated:"),
    "run.failed": Said("Nattens körning misslyckades (steg: {steps}).", "The nightly job failed (steps: {steps})."),
    "run.published_then_failed": Said(
        "Registret publicerades (se ovan); stegen efter publiceringen misslyckades.",
        "The registry was published (see above); the steps after publishing failed.",
    ),
    "run.nothing_published": Said(
        "Inget publicerades: registret behåller sitt tidigare innehåll.",
        "Nothing was published: the registry keeps its previous state.",
    ),
    # show (registry/tools/show.py).
    "show.redirected": Said(
        "{old} är ett avvecklat register-ID: organisationen heter nu {new}.",
        "{old} is a retired registry ID: the organisation is now {new}.",
    ),
    "show.merged_into": Said(
        "Sammanslagen med {new}: den organisationen gäller nu.", "Merged into {new}: that organisation stands now."
    ),
    "show.values": Said("Uppgifter (och vem som lämnar dem):", "Values (and who says them):"),
    "show.said_by": Said("[{source}, sedan {since}]", "[{source}, since {since}]"),
    "show.sources": Said("Källor som listar den ({count}):", "Sources that list it ({count}):"),
    "show.not_listed": Said("(inte längre listad)", "(no longer listed)"),
    "show.seen": Said("Först sedd {first}, senast sedd {last}", "First seen {first}, last seen {last}"),
    "show.register": Said("Bolagsregistret:", "Company register:"),
    "show.register_match": Said(
        "matchad via {method} (sannolikhet {score}): {name} {orgnr}",
        "matched by {method} (probability {score}): {name} {orgnr}",
    ),
    "show.no_register_match": Said("ingen matchning i bolagsregistret", "not matched in the company register"),
    "show.redirects": Said("Avvecklade register-ID som nu leder hit:", "Retired registry IDs that lead here:"),
    "show.history": Said("Ändringshistorik ({count}):", "Change history ({count}):"),
    "show.not_found": Said(
        "Ingen organisation i registret har register-ID, organisationsnummer eller ett namn likt {asked!r}.",
        "No organisation in the registry has the registry ID, organisation number or a name like {asked!r}.",
    ),
    "show.ambiguous": Said(
        "{asked!r} kan vara flera organisationer; ange ett register-ID:",
        "{asked!r} may be several organisations; give a registry ID:",
    ),
    # quarantine (registry/tools/quarantine.py).
    "quarantine.empty": Said("Inga poster i karantän.", "No records are quarantined."),
    "quarantine.heading": Said(
        "Poster som hölls tillbaka ({count}), inte publicerade:", "Records held back ({count}), not published:"
    ),
    "quarantine.reason": Said("Orsak: {reason}", "Reason: {reason}"),
    "quarantine.name": Said("Namn: {name}", "Name: {name}"),
    "quarantine.read_from": Said("Läst från: {where}", "Read from: {where}"),
    "quarantine.fix": Said(
        "Rätta posten i källan (eller i stadens lista); nästa körning läser den igen.",
        "Correct the record in its source (or in the city's list); the next run reads it again.",
    ),
    # export (registry/tools/export.py).
    "export.done": Said("Exporterade {what} som {format}: {paths}", "Exported {what} as {format}: {paths}"),
    "export.all": Said("(alla)", "(all)"),
    "export.active": Said("(aktiva)", "(active)"),
    "export.since": Said("sedan {since}", "since {since}"),
    "export.and": Said("och", "and"),
    "export.about_times": Said("alla tidpunkter är UTC", "all date-times are UTC"),
    "export.about_sheet": Said("Flik", "Sheet"),
    "export.about_label": Said("Rubrik", "Heading"),
    "export.about_column": Said("Kolumn", "Column"),
    "export.about_meaning": Said("Betydelse", "Meaning"),
    "export.about_codes": Said("Koder", "Codes"),
    "export.cannot": Said("Kan inte exportera till {output}: {reason}", "Cannot export to {output}: {reason}"),
    # find (registry/tools/find.py).
    "find.legend_declared": Said(
        "* organisationsform enligt namnet: inte (ännu) matchad i bolagsregistret",
        "* legal form as the name declares it: not (yet) matched in the company register",
    ),
    "find.legend_evidence": Said(
        "Underlag: «endast historisk» finns bara på den stängda Sofisam-listan; «svag signal» bara på en allmän "
        "medlemslista, vilket inte är belägg för att vara ett ASF.",
        "Evidence: 'historical only' is only on the closed Sofisam list; 'weak signal' only on a general member "
        "list, which is not evidence of being an ASF.",
    ),
    "find.unknown_kommun": Said(
        "Okänd kommun {text!r}: ange dess namn (t.ex. 'Solna') eller SCB-kod (t.ex. '0184')",
        "Unknown kommun {text!r}: give its name (e.g. 'Solna') or SCB code (e.g. '0184')",
    ),
    "find.unknown_lan_code": Said(
        "Okänd länskod {text!r}: SCB:s länskoder går från 01 (Stockholms län) till 25",
        "Unknown län code {text!r}: SCB län codes are 01 (Stockholms län) to 25",
    ),
    "find.unknown_lan": Said(
        "Okänt län {text!r}: ange dess namn (t.ex. 'Stockholms län') eller SCB-kod (t.ex. '01')",
        "Unknown län {text!r}: give its name (e.g. 'Stockholms län') or SCB code (e.g. '01')",
    ),
    "find.unknown_legal_form": Said(
        "Okänd organisationsform {text!r}; kända: {known}", "Unknown legal form {text!r}; known: {known}"
    ),
    "find.unknown_area": Said(
        "Inget verksamhetsområde motsvarar {query!r}. Områden som finns: {areas}",
        "No activity area matches {query!r}. The areas are: {areas}",
    ),
    "find.contradiction": Said(
        "{kommun} ligger i {kommun_lan} ({kommun_lan_code}), inte i {lan} ({lan_code}): ingen organisation kan "
        "uppfylla båda. Ange bara kommunen, eller bara länet.",
        "{kommun} is in {kommun_lan} ({kommun_lan_code}), not in {lan} ({lan_code}): no organisation can match "
        "both. Give only the kommun, or only the län.",
    ),
    # The organisation number's column head, short enough for the number's own width.
    "find.orgnr": Said("Orgnr", "Org. no."),
    "find.written": Said("Skrivet till {path}.", "Written to {path}."),
    # The report (registry/tools/report.py).
    "report.title": Said("ASF-registret: omvärldsbevakning", "ASF registry: environmental scan"),
    "report.heading": Said(
        "Arbetsintegrerande sociala företag: omvärldsbevakning",
        "Work-integrating social enterprises: environmental scan",
    ),
    "report.published": Said(
        "Registret som körning {run} publicerade {published}. Rapporten gjord {generated}.",
        "The registry as run {run} published it at {published}. Report made {generated}.",
    ),
    "report.never": Said("aldrig", "never"),
    "report.contents": Said("Innehåll", "Contents"),
    "report.headline": Said("Registret har {active}:", "The registry has {active}:"),
    "report.headline_note": Said(
        "Bara de som finns på en aktuell ASF-lista är belagda som arbetsintegrerande sociala företag. Den "
        "stängda Sofisam-listan är historisk, och en allmän medlemslista (som Integrationspakten) är inte belägg "
        "för att vara ett ASF.",
        "Only those on a current ASF list are evidenced as work-integrating social enterprises. The closed "
        "Sofisam list is historical, and a general member list (such as Integrationspakten) is not evidence of "
        "being an ASF.",
    ),
    "report.organisations": Said("Aktiva organisationer", "Active organisations"),
    "report.organisations_note": Said(
        "Alla aktiva organisationer, efter underlag och i bokstavsordning. Källorna länkar till sidan där "
        "källan listar organisationen.",
        "Every active organisation, by evidence and in alphabetical order. The sources link to the page where "
        "the source lists the organisation.",
    ),
    "report.group.current_list": Said("På en aktuell ASF-lista ({count})", "On a current ASF list ({count})"),
    "report.group.historical_list": Said(
        "Bara på den stängda Sofisam-listan ({count})", "Only on the closed Sofisam list ({count})"
    ),
    "report.group.weak_signal": Said(
        "Bara en svag signal: en allmän medlemslista ({count})", "Only a weak signal: a general member list ({count})"
    ),
    "report.group.other": Said("Underlag {evidence} ({count})", "Evidence {evidence} ({count})"),
    "report.note.current_list": Said(
        "Minst en källa som listar dem är en aktuell lista över arbetsintegrerande sociala företag.",
        "At least one source that lists them is a current list of work-integrating social enterprises.",
    ),
    "report.note.historical_list": Said(
        "Finns bara på Sofisams lista, som stängdes 2020: uppgifterna kan vara inaktuella och organisationen kan "
        "ha upphört.",
        "Only on Sofisam's list, closed in 2020: the details may be out of date and the organisation may have ceased.",
    ),
    "report.note.weak_signal": Said(
        "Finns bara på en allmän medlemslista (som Integrationspakten). Det är inte belägg för att vara ett ASF.",
        "Only on a general member list (such as Integrationspakten). That is not evidence of being an ASF.",
    ),
    "report.group_empty": Said("Ingen organisation i den här gruppen.", "No organisation in this group."),
    "report.not_listed": Said("inte längre listad", "no longer listed"),
    "report.geography": Said("Var de finns", "Where they are"),
    "report.per_kommun": Said(
        "Aktiva organisationer per kommun i Stockholms län", "Active organisations per kommun in Stockholms län"
    ),
    "report.per_lan": Said("Aktiva organisationer per län, hela landet", "Active organisations per län, nationally"),
    "report.per_area": Said("Aktiva organisationer per verksamhetsområde", "Active organisations per activity area"),
    "report.per_area_national": Said("Hela landet", "Nationally"),
    "report.per_area_stockholm": Said("Stockholms län", "Stockholms län"),
    "report.areas_note": Said(
        "En organisation med flera verksamhetsområden räknas i vart och ett.",
        "An organisation with several activity areas is counted in each.",
    ),
    "report.area": Said("Verksamhetsområde", "Activity area"),
    "report.total": Said("Totalt", "Total"),
    "report.unknown_kommun": Said("(okänd kommun)", "(unknown kommun)"),
    "report.unknown_lan": Said("(okänt län)", "(unknown län)"),
    "report.not_classified": Said("(inte klassificerad)", "(not classified)"),
    "report.nothing_to_show": Said("Inget att visa.", "Nothing to show."),
    "report.changes": Said("Ändringar i den här körningen", "What changed in this run"),
    "report.no_changes": Said("Inga ändringar i den här körningen.", "No changes in this run."),
    "report.changes_shown": Said(
        "De första {shown} av {total} ändringarna visas; alla finns i tabellen change_log.",
        "The first {shown} of {total} changes are shown; all are in the table change_log.",
    ),
    "report.months": Said("Ändringar de senaste {months} månaderna", "Changes over the last {months} months"),
    "report.no_months": Said(
        "Inga ändringar de senaste {months} månaderna.", "No changes over the last {months} months."
    ),
    "report.month": Said("Månad", "Month"),
    "report.sources": Said("Källornas status i den här körningen", "Source health in this run"),
    "report.no_sources": Said("Ingen körning har publicerat registret ännu.", "No run has published the registry yet."),
    "report.status": Said("Status", "Status"),
    "report.source_ok": Said("ok", "ok"),
    "report.source_failed": Said("KUNDE INTE LÄSAS: senaste goda poster används", "FAILED: last good records kept"),
    "report.error": Said("Fel", "Error"),
    "report.waiting": Said("Väntar på en person", "Waiting for a person"),
    "report.pairs_waiting": Said(
        "{pairs} att granska, med kommandot {command}.", "{pairs} to review, with the command {command}."
    ),
    "report.no_pairs_waiting": Said("Inga par väntar på granskning.", "No pairs are waiting for review."),
    "report.record": Said("Post", "Record"),
    "report.same_as": Said("Kan vara samma som", "May be the same as"),
    "report.score": Said("Sannolikhet", "Probability"),
    "report.candidates": Said(
        "{organisations} i bolagsregistret ser ut som ASF men finns inte i registret (tabellen {table}).",
        "{organisations} in the company register look like ASF and are not in the registry (table {table}).",
    ),
    "report.why": Said("Varför", "Why"),
    "report.md.changes": Said("Ändringar i körningen: {changes}", "Changes this run: {changes}"),
    "report.md.sources": Said("Källor: {ok} ok", "Sources: {ok} ok"),
    "report.md.failed": Said("kunde inte läsas: {failed}", "failed: {failed}"),
    "report.md.waiting": Said(
        "Väntar på en person: {pairs} att granska, {candidates}",
        "Waiting for a person: {pairs} to review, {candidates}",
    ),
}

COUNTED: dict[str, Counted] = {
    "organisations": Counted("organisation", "organisationer", "organisation", "organisations"),
    "organisations_found": Counted(
        "organisation hittades.", "organisationer hittades.", "organisation found.", "organisations found."
    ),
    "pairs": Counted("par", "par", "pair", "pairs"),
    "change_log_entries": Counted(
        "ändring i ändringsloggen", "ändringar i ändringsloggen", "change-log entry", "change-log entries"
    ),
    "records": Counted("post", "poster", "record", "records"),
    # The report's headline figures (registry/tools/report.py): the noun after the number.
    "report.active": Counted(
        "aktiv organisation", "aktiva organisationer", "active organisation", "active organisations"
    ),
    "report.current_list": Counted(
        "på en aktuell ASF-lista", "på en aktuell ASF-lista", "on a current ASF list", "on a current ASF list"
    ),
    "report.historical_list": Counted(
        "bara på den stängda Sofisam-listan",
        "bara på den stängda Sofisam-listan",
        "only on the closed Sofisam list",
        "only on the closed Sofisam list",
    ),
    "report.weak_signal": Counted(
        "bara en svag signal (allmän medlemslista)",
        "bara en svag signal (allmän medlemslista)",
        "only a weak signal (general member list)",
        "only a weak signal (general member list)",
    ),
    "report.inactive": Counted("inaktiv", "inaktiva", "inactive", "inactive"),
    "report.unlisted": Counted(
        "inte längre listad, ännu aktiv",
        "inte längre listade, ännu aktiva",
        "no longer listed, still active",
        "no longer listed, still active",
    ),
    "report.changes": Counted("ändring i körningen", "ändringar i körningen", "change this run", "changes this run"),
    "report.pairs": Counted("par att granska", "par att granska", "pair to review", "pairs to review"),
    "report.candidates": Counted(
        "kandidat i bolagsregistret", "kandidater i bolagsregistret", "register candidate", "register candidates"
    ),
}


_BOOLEAN_FIELDS = frozenset(BY_TABLE["organisations"].names(kind=Kind.BOOLEAN))


class Labels:
    """The table in one language."""

    def __init__(self, lang: str = "sv") -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"no labels in {lang!r}; there are {', '.join(LANGUAGES)}")
        self.lang = lang

    def text(self, key: str, **values: object) -> str:
        return TEXTS[key](self.lang).format(**values)

    def counted(self, key: str, count: int) -> str:
        """``count`` and its noun: '1 organisation', '3 organisationer'."""
        return f"{count} {COUNTED[key](self.lang, count)}"

    def code(self, vocabulary: str, code: str | None) -> str:
        """The code's label; a code without one is shown as it is."""
        if code is None or code == "":
            return ""
        said = CODES[vocabulary].get(code)
        return said(self.lang) if said else code

    def codes(self, vocabulary: str, codes: str | None) -> str:
        """A comma-separated list of codes as their labels."""
        return ", ".join(self.code(vocabulary, c.strip()) for c in (codes or "").split(",") if c.strip())

    def area(self, code: str) -> str:
        try:
            found = area_by_code(code)
        except KeyError:  # a code from an older classification: shown as it is rather than lost
            return code
        return found.label_sv if self.lang == "sv" else found.label_en

    def areas(self, codes: str | None) -> str:
        return ", ".join(self.area(c.strip()) for c in (codes or "").split(",") if c.strip())

    def cpv(self, division: str) -> str:
        titles = CPV_DIVISIONS_SV if self.lang == "sv" else CPV_DIVISIONS
        title = titles.get(division)
        return f"{division} {title}" if title else division

    def column(self, table: str, name: str) -> str:
        """A published column's label (registry/store/columns.py)."""
        return BY_TABLE[table][name].label(self.lang)

    def column_codes(self, table: str, column: str) -> list[tuple[str, str]]:
        """The codes a published column holds, each with its label; empty for a column of free values."""
        vocabulary = COLUMN_VOCABULARIES.get((table, column))
        if vocabulary == "activity_areas":
            return [(area.code, self.area(area.code)) for area in AREAS]
        if vocabulary == "cpv_divisions":
            return [(division, self.cpv(division).split(" ", 1)[1]) for division in CPV_DIVISIONS]
        if vocabulary is None:
            return []
        return [(code, said(self.lang)) for code, said in CODES[vocabulary].items()]

    def field(self, name: str | None, table: str = "organisations") -> str:
        """A published column's label; a field an older release tracked is shown by its name."""
        if not name:
            return ""
        try:
            return self.column(table, name)
        except KeyError:
            return name

    def value(self, field: str | None, value: object) -> str:
        """An organisation's value as a reader understands it: a code as its label, a boolean as ja/nej, a
        moment to the minute. Takes the stored value or the change log's text of it."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return self.boolean(value)
        if isinstance(value, datetime):
            return f"{value:%Y-%m-%d %H:%M}"
        text = str(value)
        if field in ("legal_form", "register_status", "evidence", "register_match"):
            return self.code(field, text)
        if field == "activity_areas":
            return self.areas(text)
        if field == "cpv_divisions":
            # CPV titles hold commas: the divisions are told apart by semicolons.
            return "; ".join(self.cpv(division.strip()) for division in text.split(",") if division.strip())
        if field in _BOOLEAN_FIELDS and text in ("true", "false"):
            return self.code("boolean", text)
        return text

    def boolean(self, value: bool | None) -> str:
        return "" if value is None else self.code("boolean", "true" if value else "false")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
