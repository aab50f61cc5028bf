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

``PHRASES``: the sentences the lower stages write in English and store (quarantine reasons, register notes,
register candidates' reasons, change-log details, the parts of a match's explanation), each recognised by a
pattern and said again in the reader's language when shown (``labels.phrase``, ``labels.explanation``): what
is stored never changes, and a sentence no pattern reads is shown as written.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from registry.publish.changes import Change
from registry.publish.organisation_values import Evidence
from registry.reference.activity_areas import AREAS, CPV_DIVISIONS, CPV_DIVISIONS_SV, area_by_code
from registry.reference.personnummer import REDACTED_PERSONNUMMER, redact_personnummer
from registry.register.bolagsverket import LEGAL_FORMS
from registry.register.company_register import WEEKLY_JOB_HINT
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


@dataclass(frozen=True)
class Phrase:
    """A stored English sentence, recognised by ``pattern``, and how it reads in each language. The pattern's
    named groups are the sentence's values; ``values`` says how a group reads when it is not shown as
    written: a vocabulary of CODES, ``fields:<table>`` (column names joined by " and ", read as their labels),
    ``counted:<key>`` (a number and its noun, COUNTED), ``phrases:<table>`` (another sentence of PHRASES) or
    ``each:<table>`` (sentences of that table joined by "; ")."""

    pattern: re.Pattern[str]
    said: Said
    values: Mapping[str, str] = field(default_factory=dict)


def _phrase(pattern: str, sv: str, en: str, **values: str) -> Phrase:
    return Phrase(re.compile(pattern), Said(sv, en), values)


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
    # A decision on a pair of records, as a person writes it in a review file (registry/tools/review.py reads
    # either language's word back).
    "judgement": {
        "positive": Said("samma", "match"),
        "negative": Said("olika", "no match"),
        "unsure": Said("osäker", "unsure"),
        "withdrawn": Said("ångra", "withdraw"),
    },
    # What `asf-registry compare` decided for a pair (registry/identity/resolve.py's thresholds).
    "compare_decision": {
        "match": Said("samma", "match"),
        "review": Said("granskas", "review"),
        "no_match": Said("olika", "no match"),
        "not compared": Said("inte jämförda", "not compared"),
    },
    # A source record's fields, short enough for the review's side-by-side view.
    "review_field": {
        "name": Said("namn", "name"),
        "orgnr_as_written": Said("org.nr", "orgnr"),
        "municipality": Said("ort", "municipality"),
        "address": Said("adress", "address"),
        "website": Said("webbplats", "website"),
        "email": Said("e-post", "email"),
        "phone": Said("telefon", "phone"),
        "activity": Said("verksamhet", "activity"),
    },
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
    # The sources' titles in the report, by source name. sources.toml gives each source one title (the
    # Dagster UI's); a source without one here (one an operator added) is shown by that title.
    "source": {
        "city_list": Said("Stockholms stad – stadens ASF-lista", "City of Stockholm – curated ASF list"),
        "skoopi": Said("Skoopi – ASF-listan", "Skoopi – the ASF list"),
        "sofisam": Said("Sofisam (arkiverad)", "Sofisam (archived)"),
        "social_trade": Said("Social Trade – medlemmar", "Social Trade – members"),
        "region_orebro": Said("Region Örebro län – sociala företag", "Region Örebro län – social enterprises"),
        "integrationspakten": Said("Integrationspakten – medlemmar", "Integrationspakten – members"),
    },
    # "expected at least / at most" in a source's entry-count check (PHRASES "check").
    "bound": {"least": Said("minst", "least"), "most": Said("högst", "most")},
    # Who says a published value, beside the sources and the registers (field_provenance.source).
    "provenance": {
        "derived": Said("härledd ur andra uppgifter", "derived from other values"),
    },
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
    # Each figure is a number with its noun (COUNTED "summary.*"): "1 ny", "2 nya".
    "summary.published": Said(
        "Registret är publicerat: {active} ({added}, {unlisted}, {inactive}), {records}, {quarantined}.",
        "Registry published: {active} ({added}, {unlisted}, {inactive}), {records}, {quarantined}.",
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
        "{records}: se {them} med  asf-registry quarantine", "{records}: see {them} with  asf-registry quarantine"
    ),
    "summary.them": Said("dem", "them"),
    "summary.it": Said("den", "it"),
    # The notes on the company register (registry/register/company_register.py, PHRASES "register_note").
    "summary.register_not_used": Said("Bolagsregistret användes inte: {note}", "Company register not used: {note}"),
    "summary.register_note": Said("Bolagsregistret: {note}", "Company register: {note}"),
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
    # A failed check of a blocked night (pipelines/cli.py), and the reasons said from the check's data.
    "run.check": Said("kontroll {check}: {reason}", "check {check}: {reason}"),
    # {records}: a number of records with its noun (COUNTED "records").
    "check.record_count_stable": Said(
        "{records} mot {last_published} senast publicerade: ett fall på mer än {max_drop:.0%} (minst {expected:.0f} "
        "väntades)",
        "{records} against {last_published} last published: a drop of more than {max_drop:.0%} (at least "
        "{expected:.0f} expected)",
    ),
    # The publish gate's reasons (registry/publish/gate.py, GateReason).
    "gate.source_collapsed": Said(
        "källan {source} rasade: {records} mot {last_published} senast publicerade, ett fall på mer än "
        "{max_drop:.0%} (minst {expected:.0f} väntades)",
        "source {source} collapsed: {records} against {last_published} last published, a drop of more "
        "than {max_drop:.0%} (at least {expected:.0f} expected)",
    ),
    "gate.retiring": Said(
        "{retiring} av {active_before} aktiva organisationer ({share:.0%}) skulle sluta listas eller bli inaktiva; "
        "högst {max_share:.0%} får det i en körning",
        "{retiring} of {active_before} active organisations ({share:.0%}) would stop being listed or become "
        "inactive; at most {max_share:.0%} may in one run",
    ),
    "gate.field_loss": Said(
        "{lost} av {had} organisationer skulle bli utan {field} ({share:.0%}); högst {max_share:.0%} får det i en "
        "körning (var bolagsregistret komplett i natt?)",
        "{lost} of {had} organisations would lose their {field} ({share:.0%}); at most {max_share:.0%} may in one "
        "run (was the company register complete tonight?)",
    ),
    "gate.personal_data": Said(
        "ett personnummer eller samordningsnummer hittades i {columns}: inget publicerades och registret behåller "
        "sitt tidigare innehåll (numret visas inte; leta efter det i källornas uppgifter för den kolumnen)",
        "a personal identity number (personnummer or samordningsnummer) was found in {columns}: nothing was "
        "published and the registry keeps its previous state (the number is not shown; look for it in the "
        "sources' data for that column)",
    ),
    # Where a personnummer was, wherever text is shown (the stored marker is REDACTED_PERSONNUMMER).
    "personnummer.redacted": Said("[personnummer borttaget]", REDACTED_PERSONNUMMER),
    "and": Said("och", "and"),
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
    # review (pipelines/cli.py, registry/tools/review.py).
    "review.pair": Said("Par {number} av {total}  (poäng {score})", "Pair {number} of {total}  (score {score})"),
    "review.pair_unscored": Said("Par {number} av {total}", "Pair {number} of {total}"),
    "review.why": Said("varför: {explanation}", "why: {explanation}"),
    "review.decided": Said("beslut: {decision}, av {by} {at} UTC", "decided: {decision} by {by} on {at} UTC"),
    "review.prompt": Said(
        "[j] samma, [n] olika, [o] osäker, [h] hoppa över, [a] avsluta? ",
        "[m]atch, [n]o match, [u]nsure, [s]kip, [q]uit? ",
    ),
    "review.prompt_decided": Said(
        "[j] samma, [n] olika, [o] osäker, [å] ångra beslutet, [h] hoppa över, [a] avsluta? ",
        "[m]atch, [n]o match, [u]nsure, [w]ithdraw the decision, [s]kip, [q]uit? ",
    ),
    "review.recorded": Said(
        "{reviewer} registrerade {decisions}; de gäller från nästa körning.",
        "{decisions} recorded by {reviewer}; they take effect at the next run.",
    ),
    "review.imported": Said(
        "{reviewer} registrerade {decisions} ({revised} ändrar ett tidigare beslut, {withdrawn} ångrar ett); "
        "{unchanged} utan ändring, {skipped} hoppades över, {problems}.",
        "{decisions} recorded by {reviewer} ({revised} revising an earlier decision, {withdrawn} withdrawn), "
        "{unchanged} unchanged, {skipped} skipped, {problems}.",
    ),
    "review.exported_pending": Said(
        "{pairs} som väntar på granskning skrevs till {path}. Fyll i kolumnen 'decision' ({words}) och kör: "
        "asf-registry review --import FIL",
        "{pairs} waiting for review written to {path}. Fill in the 'decision' column ({words}) and run: "
        "asf-registry review --import FILE",
    ),
    "review.exported_decided": Said(
        "{pairs} som personer har avgjort skrevs till {path}, med vem som beslutade, när och vad. Ändra kolumnen "
        "'decision' för att ändra ett beslut ({words}) eller skriv '{withdraw}' för att ta tillbaka det, och kör: "
        "asf-registry review --import FIL",
        "{pairs} decided by people written to {path}, with who decided, when and what. Change the 'decision' "
        "column to revise a decision ({words}) or write '{withdraw}' to take it back, and run: "
        "asf-registry review --import FILE",
    ),
    "review.skip_word": Said("hoppa över", "skip"),
    "review.none_pending": Said("Inga par väntar på granskning.", "No pairs are waiting for review."),
    "review.none_decided": Said("Inget par har avgjorts av en person.", "No pair has been decided by a person."),
    "review.decided_with_import": Said(
        "--decided väljer vilka par --export skriver eller granskningen visar; --import läser vilken exporterad "
        "fil som helst utan det.",
        "--decided chooses which pairs --export writes or the review shows; --import reads any exported file "
        "without it.",
    ),
    "review.nothing_recorded": Said("Inget registrerades: {error}", "Nothing was recorded: {error}"),
    "review.pair_of": Said("{left} och {right}", "{left} and {right}"),
    "review.unknown_decision": Said(
        "rad {line}: okänt beslut {word!r} (skriv {words})", "line {line}: unknown decision {word!r} (use {words})"
    ),
    "review.no_such_pair": Said(
        "rad {line}: inget par som väntar på granskning eller som en person har avgjort mellan {left} och {right}",
        "line {line}: no pair waiting for review or decided by a person between {left} and {right}",
    ),
    "review.nothing_to_withdraw": Said(
        "rad {line}: inget beslut av en person om {pair} att ångra",
        "line {line}: no decision by a person on {pair} to withdraw",
    ),
    "review.differently": Said(
        "raderna {first} och {line} avgör {pair} olika ({first_word!r}, {word!r})",
        "lines {first} and {line} decide {pair} differently ({first_word!r}, {word!r})",
    ),
    "review.contradicts_itself": Said(
        "{file} motsäger sig själv, så inget registrerades: {contradictions}",
        "{file} contradicts itself, so nothing was recorded: {contradictions}",
    ),
    "review.not_a_review_file": Said(
        "{file} är ingen granskningsfil: obligatoriska kolumner saknas: {missing} (hittade {found}). Exportera "
        "paren med 'asf-registry review --export FIL', fyll i kolumnen decision och importera den filen.",
        "{file} is not a review file: required column(s) {missing} missing (found {found}). Export the pairs "
        "with 'asf-registry review --export FILE', fill in its decision column and import that file.",
    ),
    "review.found_nothing": Said("ingenting", "nothing"),
    "review.folder": Said("{path} är en mapp, inte en CSV-fil", "{path} is a folder, not a CSV file"),
    "review.missing": Said("{path} finns inte", "{path} does not exist"),
    "review.denied": Said("{path} kan inte läsas (åtkomst nekad)", "{path} cannot be read (permission denied)"),
    "review.unreadable": Said("{path} kan inte läsas: {error}", "{path} cannot be read: {error}"),
    # dedupe, compare and enrich (pipelines/cli.py): an analyst's spreadsheet in, a result file out.
    "tool.cannot_read": Said("Kan inte läsa {path}: {error}", "Cannot read {path}: {error}"),
    "tool.row_problem": Said(
        "rad {line}: {problem} (record_id {record_id!r})", "line {line}: {problem} (record_id {record_id!r})"
    ),
    "dedupe.written": Said(
        "{records} i {organisations} skrevs till {path}; {bad}.",
        "{records} in {organisations} written to {path}; {bad}.",
    ),
    "compare.written": Said(
        "{pairs} jämfördes med modellen {model} ({summary}) och skrevs till {path}.",
        "{pairs} compared with the {model} model ({summary}) written to {path}.",
    ),
    "enrich.indexing": Said(
        "Indexerar {file} (en gång per fil; en hel bulkfil tar några sekunder)...",
        "Indexing {file} (once per file; a full bulk file takes seconds)...",
    ),
    "enrich.indexed": Said(
        "  {organisations}, {sole_traders} hoppades över, {malformed}; indexerat på {seconds} s",
        "  {organisations}, {sole_traders} skipped, {malformed}; indexed in {seconds} s",
    ),
    "enrich.reusing": Said(
        "Använder indexet för {file} som byggdes tidigare ({path}).",
        "Using the index of {file} built before ({path}).",
    ),
    "enrich.matched": Said("{records} matchades på {seconds} s.", "{records} matched in {seconds} s."),
    "enrich.written": Said("Skrivet till {path}: {summary}.", "Written to {path}: {summary}."),
    "enrich.nothing": Said("inga poster", "no records"),
    # What --help says (pipelines/cli.py, inspect_cli.py, operations_cli.py): argparse's own words too.
    "help.usage": Said("användning: ", "usage: "),
    "help.positionals": Said("argument", "positional arguments"),
    "help.options": Said("flaggor", "options"),
    "help.help": Said("visa den här hjälpen och avsluta", "show this help message and exit"),
    "help.version": Said("visa programmets version och avsluta", "show program's version number and exit"),
    "help.commands": Said("kommandon", "commands"),
    "help.program": Said(
        "Registret över arbetsintegrerande sociala företag (ASF) i Sverige.",
        "The registry of Swedish work-integrating social enterprises (ASF).",
    ),
    "help.lang": Said(
        "språket i det som skrivs ut och till filer: sv (standard) eller en; standard ASF_LANG",
        "language of what it prints and writes: sv (default) or en; default ASF_LANG",
    ),
    "help.verbose": Said("visa hela felutskriften (traceback) när något går fel", "show the traceback when it fails"),
    "help.run": Said(
        "kör nattjobbet och skriv ut en sammanfattning", "run the nightly job in-process and print a summary"
    ),
    "help.run.description": Said(
        "Läser in varje källa, slår ihop organisationerna och publicerar registret i ASF_REGISTRY_DB_URL "
        "(standard {db_url}). Källorna spelas upp från råarkivet om inte ASF_HTTP_MODE=live.",
        "Ingest every source, resolve organisations and publish the registry to ASF_REGISTRY_DB_URL (default "
        "{db_url}). Sources are replayed from the raw archive unless ASF_HTTP_MODE=live.",
    ),
    "help.run.verbose": Said("visa Dagsters logg steg för steg", "show Dagster's step-by-step log"),
    "help.review": Said(
        "avgör par av poster som matchningen var osäker på, eller ändra ett beslut",
        "judge pairs of records the matcher was unsure about, or revise a decision",
    ),
    "help.review.description": Said(
        "Visar varje par som väntar på granskning, med båda posterna och matchningens förklaring, och "
        "registrerar ditt beslut; eller exporterar paren till ett kalkylark och importerar besluten därifrån. "
        "Människors beslut går alltid före matchningen och gäller från nästa körning. Med --decided i stället de "
        "par som personer har avgjort (vem, när, vad): avgör igen för att ändra ett beslut, eller ångra det "
        "('ångra' i filen, [å] i terminalen) så att matchningens bedömning gäller igen. Varje beslut sparas i "
        "tabellen judgements.",
        "Shows each pair waiting for review with both records and the matcher's explanation, and records your "
        "decision; or exports the pairs to a spreadsheet and imports the decisions from it. People's decisions "
        "always win over the matcher and take effect at the next run. With --decided, the pairs people have "
        "decided instead (who, when, what): decide again to revise a decision, or withdraw it ('withdraw' in the "
        "file, [w] in the terminal) to put the matcher's judgement back in force. Every decision is kept in the "
        "judgements table.",
    ),
    "help.review.export": Said("skriv paren till en CSV-fil", "write the pairs to a CSV file"),
    "help.review.import": Said("registrera besluten i en CSV-fil", "record the decisions in a CSV"),
    "help.review.decided": Said(
        "de par som personer har avgjort (för att ändra eller ångra ett beslut)",
        "the pairs people have decided (to revise or withdraw a decision)",
    ),
    "help.review.reviewer": Said(
        "ditt namn, sparas med varje beslut (standard: ASF_REVIEWER eller inloggningsnamnet)",
        "your name, kept with each decision (default: ASF_REVIEWER or login)",
    ),
    "help.dedupe": Said(
        "hitta dubbletter i ett kalkylark med organisationer", "deduplicate a spreadsheet of organisations"
    ),
    "help.dedupe.description": Said(
        "INDATA: CSV i UTF-8 med rubrikrad; record_id och name krävs; source, orgnr, municipality, website, "
        "email, phone, address är valfria; andra kolumner hoppas över. UTDATA: en rad per post med record_id, "
        "cluster_id (organisationens minsta record_id), cluster_size, matched_with, score, explanation, problem.",
        "INPUT: UTF-8 CSV with a header; record_id and name required; source, orgnr, municipality, website, "
        "email, phone, address optional; other columns ignored. OUTPUT: one row per record with record_id, "
        "cluster_id (the smallest record_id of its organisation), cluster_size, matched_with, score, "
        "explanation, problem.",
    ),
    "help.compare": Said(
        "poängsätt namnpar med pipelinens matchningsmodell och säg varför",
        "score pairs of names with the pipeline's matching model, and say why",
    ),
    "help.compare.description": Said(
        "PAR: CSV med rubrikrad; pair_id, name1, name2 krävs; kommun1, kommun2, orgnr1, orgnr2, website1, "
        "website2, address1, address2 är valfria. UTDATA: pair_id, probability, decision (match, review eller "
        "no_match, med nattkörningens tröskelvärden) och explanation (varje egenskaps belägg och vikt). --model "
        "dedupe jämför två poster från källor, som sammanslagningen gör; --model register jämför en organisation "
        "(sida 1) med en post i bolagsregistret skriven som registret skriver den (sida 2).",
        "PAIRS: CSV with a header; pair_id, name1, name2 required; kommun1, kommun2, orgnr1, orgnr2, website1, "
        "website2, address1, address2 optional. OUTPUT: pair_id, probability, decision (match, review or "
        "no_match, with the thresholds the nightly run uses) and explanation (each feature's evidence and "
        "weight). --model dedupe compares two source records, as resolution does; --model register compares an "
        "organisation (side 1) with a company register entry written as the register writes it (side 2).",
    ),
    "help.enrich": Said(
        "matcha ett kalkylark med organisationer mot Bolagsverkets register",
        "match a spreadsheet of organisations to Bolagsverket's register",
    ),
    "help.enrich.description": Said(
        "INDATA: CSV i UTF-8 med record_id, name och valfria orgnr, municipality, website, address. REGISTER: "
        "Bolagsverkets bulkfil som den laddades ned (.zip) eller uppackad (.txt). UTDATA: en rad per post med "
        "record_id, orgnr (tomt utan en säker träff), register_name, legal_form, status, score, method (orgnr, "
        "name, review, none) och explanation.",
        "INPUT: UTF-8 CSV with record_id, name and optional orgnr, municipality, website, address. REGISTER: "
        "Bolagsverket's bulk file as downloaded (.zip) or unpacked (.txt). OUTPUT: one row per record with "
        "record_id, orgnr (blank without a confident match), register_name, legal_form, status, score, method "
        "(orgnr, name, review, none) and explanation.",
    ),
    "help.export": Said(
        "exportera registret och dess ändringslogg (CSV, JSON, Parquet, Excel)",
        "export the registry and its change log (CSV, JSON, Parquet, Excel)",
    ),
    "help.export.description": Said(
        "Exporterar vyerna registry_v2_organisations och registry_v1_change_log (det stabila kontraktet) från "
        "ASF_REGISTRY_DB_URL; organisationerna i svensk alfabetisk ordning. csv och parquet: en SÖKVÄG som slutar "
        "på .csv / .parquet är just den filen och innehåller den tabell --table väljer (standard organisations); "
        "en annan SÖKVÄG är en mapp som får organisations.<ext> och change_log.<ext>. json: en fil "
        "{{schema_version, exported_at, filters, organisations, change_log}}. xlsx: en arbetsbok med bladen "
        "organisations, change_log och Om exporten (kolumnrubriker och om-bladet på --lang). Tider i UTC. CSV "
        "enligt RFC 4180, UTF-8 med BOM (för Excel); text som ett kalkylark skulle köra som en formel (börjar med "
        "= @ tab CR, eller + - följt av mer än ett tal eller telefonnummer) får ett ' framför i csv och xlsx. Ett "
        "personnummer exporteras aldrig: en sådan cell ersätts av '[personnummer redacted]' med en varning. "
        "Filerna ersätts atomärt.",
        "Exports the registry_v2_organisations and registry_v1_change_log views (the stable contract) from "
        "ASF_REGISTRY_DB_URL; organisations in Swedish alphabetical order. csv and parquet: a PATH ending in .csv "
        "/ .parquet is exactly that file, holding the --table chosen (default organisations); any other PATH is a "
        "directory that receives organisations.<ext> and change_log.<ext>. json: one file {{schema_version, "
        "exported_at, filters, organisations, change_log}}. xlsx: one workbook with the sheets organisations, "
        "change_log and about (column heads and the about sheet in --lang). Times are UTC. CSV is RFC 4180, UTF-8 "
        "with a BOM (for Excel); text that a spreadsheet would run as a formula (starting with = @ tab CR, or + - "
        "followed by more than a number or phone number) is prefixed with ' in csv and xlsx. A personnummer is "
        "never exported: such a cell is replaced by '[personnummer redacted]' with a warning. Files are replaced "
        "atomically.",
    ),
    "help.export.output": Said(
        "en fil, eller en mapp för båda tabellerna (csv, parquet)",
        "a file, or a directory for both tables (csv, parquet)",
    ),
    "help.export.table": Said(
        "csv och parquet: den enda tabell som exporteras", "csv and parquet: the one table to export"
    ),
    "help.export.include_inactive": Said(
        "alla organisationer som någonsin publicerats, inte bara de aktiva (kolumnen 'active' skiljer dem åt)",
        "every organisation ever published, not only the active ones (the 'active' column tells them apart)",
    ),
    "help.export.since": Said(
        "bara ändringar från den dagen (00:00 UTC) och framåt; standard: hela ändringsloggen",
        "only change-log entries from that day (00:00 UTC) on; default: the whole change log",
    ),
    "help.find": Said(
        "marknadsöversikt: vilka organisationer kan leverera vad, och var",
        "market scan: which organisations can deliver what, where",
    ),
    "help.find.description": Said(
        "Listar aktiva organisationer med belägg för att vara ASF som uppfyller varje filter som anges (flera "
        "--area: något av dem). Exempel, catering nära Stockholm: asf-registry find --area catering --lan 01. "
        "Fritext söker i namn, registrerat namn, verksamhet, verksamhetsbeskrivning och områden, utan hänsyn till "
        "versaler och accenter.",
        "Lists active organisations with evidence of being an ASF that match every filter given (several --area: "
        "any of them). Example, catering near Stockholm: asf-registry find --area catering --lan 01. Free text "
        "matches name, registered name, activity, business description and areas, ignoring case and accents.",
    ),
    "help.find.area": Said(
        "verksamhetsområde, t.ex. catering (kan anges flera gånger)", "activity area, e.g. catering (repeatable)"
    ),
    "help.find.text": Said("ord som alla måste förekomma, t.ex. 'tvätt'", "words that must all occur, e.g. 'tvätt'"),
    "help.find.kommun": Said(
        "kommunens namn eller kod: Solna, 'Stockholms stad', 0184",
        "kommun name or code: Solna, 'Stockholms stad', 0184",
    ),
    "help.find.lan": Said("länets namn eller kod: 'Stockholms län', 01", "län name or code: 'Stockholms län', 01"),
    "help.find.legal_form": Said(
        "AB, EK, I, S, HB ... eller aktiebolag, 'ekonomisk förening'",
        "AB, EK, I, S, HB... or aktiebolag, 'ekonomisk förening'",
    ),
    "help.find.include_inactive": Said(
        "även inaktiva organisationer (ingen källa listar dem längre)",
        "also inactive organisations (no source lists them any more)",
    ),
    "help.find.include_weak_signal": Said(
        "även organisationer som bara finns på en allmän medlemslista (inte belägg för ASF)",
        "also organisations listed only by a general member list (not evidence of being an ASF)",
    ),
    "help.find.csv": Said(
        "skriv även resultatet (alla registrets kolumner) till en CSV-fil",
        "also write the result (all registry columns) to a CSV file",
    ),
    "help.show": Said("allt registret vet om en organisation", "everything the registry knows about one organisation"),
    "help.show.description": Said(
        "En organisation, efter register-ID (ett avvecklat ID leder till organisationen som står för det nu), "
        "organisationsnummer eller namn: dess uppgifter med vem som lämnar varje och sedan när, källorna som listar "
        "den och vad var och en skrev, matchningen i bolagsregistret med metod och poäng, ändringshistoriken och "
        "de ID som slagits ihop med den. Ett namn som passar flera organisationer listar dem. Slutkod 1 när det "
        "inte pekar ut en organisation.",
        "One organisation, by registry ID (a retired ID leads to the organisation that stands for it now), "
        "organisationsnummer or name: its values with who says each and since when, the sources that list it and "
        "what each wrote, the company register match with its method and score, its change history and the IDs "
        "merged into it. A name that fits several organisations lists them. Exit code 1 when it does not name one "
        "organisation.",
    ),
    "help.quarantine": Said(
        "posterna som den senaste körningen höll tillbaka, och varför",
        "the source records the last run held back, and why",
    ),
    "help.quarantine.description": Said(
        "Posterna som en körning inte kunde använda (ett namn som saknas, en nyckel som finns två gånger, en "
        "enskild firmas personnummer ...), med källa, nyckel, namn, var de lästes och varför. Personnummer visas "
        "aldrig. Standard: den senast publicerade körningen.",
        "The records a run could not use (a missing name, a duplicate key, a sole trader's personnummer...), "
        "with their source, key, name, where they were read and why. Personal numbers are never shown. Default: "
        "the last published run.",
    ),
    "help.quarantine.run": Said("karantänen för den här körningen", "the quarantine of this run"),
    "help.quarantine.all": Said("alla körningars karantän, äldst först", "every run's quarantine, oldest first"),
    "help.doctor": Said(
        "kontrollera inställningar, databas, källor och diskar, och säg vad som ska åtgärdas",
        "check the configuration, database, sources and disks, and say what to fix",
    ),
    "help.doctor.description": Said(
        "Kontrollerar inställningarna (miljövariablerna och filerna de pekar på), att registrets databas går att "
        "nå och dess schemaversion, källorna (i råarkivet, eller på webben med --online eller i skarpt läge), "
        "ledigt diskutrymme för råarkivet och bolagsregistret, larminställningarna och Dagster-instansen. Läser "
        "bara. Slutkod 1 när en kontroll misslyckas.",
        "Checks the configuration (environment variables and the files they name), that the registry database is "
        "reachable and its schema version, the sources (in the raw archive, or on the web with --online or in "
        "live mode), free disk space for the raw archive and the company register, the alert settings and the "
        "Dagster instance. Reads only. Exit code 1 when a check fails.",
    ),
    "help.doctor.online": Said(
        "kontrollera att varje källas webbplats svarar", "check that each source's site answers"
    ),
    "help.doctor.archive": Said(
        "ledigt utrymme som råarkivet behöver i skarpt läge (standard %(default)s GiB)",
        "free space the raw archive needs in live mode (default %(default)s GiB)",
    ),
    "help.doctor.register": Said(
        "ledigt utrymme som bolagsregistret behöver (standard %(default)s GiB)",
        "free space the company register needs (default %(default)s GiB)",
    ),
    "help.sources": Said(
        "källorna i källfilen: kontrollera vad var och en ger",
        "the sources in the sources file: check what each yields",
    ),
    "help.sources.check": Said(
        "hämta (--live) eller spela upp varje källa och visa vad den ger",
        "fetch (--live) or replay each source and show what it yields",
    ),
    "help.sources.check.description": Said(
        "För varje källa i källfilen (sources.toml, eller ASF_SOURCES_FILE), eller de som anges: adresserna som "
        "hämtas med sin HTTP-status (varje omdirigering och den slutliga adressen), listans form på varje sida, "
        "antalet poster mot expected_entries, de första posterna med sina fält och sidtexten de kom från, vad som "
        "inte togs som en post och varför, och varningarna. Spelar upp råarkivet om inte --live (som hämtar "
        "artigt: robots.txt och väntetiden per värd på varje värd, omdirigeringar inräknade, och arkiverar det "
        "som hämtas). Publicerar ingenting. Slutkod 1 när en källa misslyckas eller ligger utanför sitt väntade "
        "intervall.",
        "For each source of the sources file (sources.toml, or ASF_SOURCES_FILE), or those named: the URLs "
        "fetched with their HTTP status (each redirect hop and the final URL), the list shape found on each page, "
        "the entry count against expected_entries, the first entries with their fields and the page text each "
        "came from, what was not taken for an entry and why, and the warnings. Replays the raw archive unless "
        "--live (which fetches politely: robots.txt and the per-host spacing on every host, redirects included, "
        "and archives what it fetches). Publishes nothing. Exit code 1 when a source fails or is outside its "
        "expected range.",
    ),
    "help.sources.names": Said("bara dessa källor", "only these sources"),
    "help.sources.live": Said(
        "hämta från webben i stället för från råarkivet", "fetch from the web instead of the raw archive"
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
    # Why an output cannot be written (registry/tools/export.py, ExportError), and the redaction warning.
    "export.no_table": Said(
        "det finns ingen tabell {table!r} att exportera; det finns {tables}",
        "there is no table {table!r} to export; there are {tables}",
    ),
    "export.table_one_file": Said(
        "--table väljer tabell för csv och parquet; {format} rymmer båda tabellerna",
        "--table chooses the table of csv and parquet; {format} holds both tables",
    ),
    "export.is_directory": Said(
        "{output} är en mapp; --format {format} skriver en fil",
        "{output} is a directory; --format {format} writes one file",
    ),
    "export.no_extension": Said(
        "{output} är en fil som inte slutar på .{format}: ange en .{format}-fil eller en mapp",
        "{output} is a file without the extension .{format}: name a .{format} file, or a directory",
    ),
    "export.wrong_extension": Said(
        "{output} slutar inte på .{format}: ange en .{format}-fil eller en mapp",
        "{output} does not end in .{format}: name a .{format} file, or a directory",
    ),
    "export.bad_since": Said(
        "--since vill ha ett datum, ÅÅÅÅ-MM-DD, inte {since!r}", "--since wants a date, YYYY-MM-DD, not {since!r}"
    ),
    "export.redacted": Said(
        "ett personnummer togs bort: tabellen {table}, rad {row}, kolumnen {column}",
        "a personnummer was redacted: table {table}, row {row}, column {column}",
    ),
    "warning": Said("varning: {message}", "warning: {message}"),
    # The about sheet: its name (the data sheets keep their tables' names, which readers open them by) and its
    # facts.
    "export.about_name": Said("Om exporten", "about"),
    "export.about.schema_version": Said("Schemaversion", "Schema version"),
    "export.about.exported_at": Said("Exporterad (UTC)", "Exported at (UTC)"),
    "export.about.include_inactive": Said("Inaktiva organisationer med", "Inactive organisations included"),
    "export.about.since": Said("Ändringar sedan", "Changes since"),
    "export.about.since_all": Said("(hela ändringsloggen)", "(the whole change log)"),
    "export.about.views": Said("Vyer", "Views"),
    "export.about.times": Said("Tider", "Times"),
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
    # The run summary's figures (registry/tools/run_summary.py).
    "summary.active": Counted(
        "aktiv organisation", "aktiva organisationer", "active organisation", "active organisations"
    ),
    "summary.added": Counted("ny", "nya", "new", "new"),
    "summary.unlisted": Counted("inte längre listad", "inte längre listade", "no longer listed", "no longer listed"),
    "summary.inactive": Counted("inaktiv", "inaktiva", "inactive", "inactive"),
    "summary.records": Counted("källpost", "källposter", "source record", "source records"),
    "summary.quarantined": Counted("i karantän", "i karantän", "quarantined", "quarantined"),
    "summary.records_quarantined": Counted(
        "post i karantän", "poster i karantän", "record quarantined", "records quarantined"
    ),
    "blocking_checks": Counted(
        "blockerande kontroll", "blockerande kontroller", "blocking asset check", "blocking asset checks"
    ),
    # Change-log details (PHRASES "change_detail").
    "runs": Counted("körning", "körningar", "run", "runs"),
    "such_runs": Counted("sådan körning", "sådana körningar", "such run", "such runs"),
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
    "review.pairs": Counted("par", "par", "pair", "pairs"),
    "tool.records": Counted("post", "poster", "record", "records"),
    "tool.organisations": Counted("organisation", "organisationer", "organisation", "organisations"),
    "tool.bad_rows": Counted("felaktig rad", "felaktiga rader", "bad row", "bad rows"),
    "tool.sole_traders": Counted("enskild firma", "enskilda firmor", "sole trader", "sole traders"),
    "tool.malformed": Counted("felaktig rad", "felaktiga rader", "malformed line", "malformed lines"),
    "review.decisions": Counted("beslut", "beslut", "decision", "decisions"),
    "review.problem_rows": Counted("rad med problem", "rader med problem", "row with problems", "rows with problems"),
    "report.pairs": Counted("par att granska", "par att granska", "pair to review", "pairs to review"),
    "report.candidates": Counted(
        "kandidat i bolagsregistret", "kandidater i bolagsregistret", "register candidate", "register candidates"
    ),
}


# Said again from stored English (see the module's docstring). Each table is tried in order, the first
# pattern that matches the whole text wins: put a narrower pattern before a wider one.
# What assets/ingest.py puts before a source's error: the kind of exception (FetchError and its kinds, the
# errors a connector raises).
_FAILED = r"(?:[A-Za-z]*Error|NotInArchive|DisallowedByRobots|AnswerTooSlow): "
_HINT_SV = "kör jobbet weekly_register_refresh för att bygga den (det körs på söndagar kl. 04:00)"
PHRASES: dict[str, tuple[Phrase, ...]] = {
    # Why a record was held back (registry/ingest/records.py).
    "quarantine": (
        _phrase(r"missing name", "namn saknas", "missing name"),
        _phrase(
            r"name longer than (?P<limit>\d+) characters",
            "namnet är längre än {limit} tecken",
            "name longer than {limit} characters",
        ),
        _phrase(r"name has no letters", "namnet har inga bokstäver", "name has no letters"),
        _phrase(r"name contains markup", "namnet innehåller kod (HTML)", "name contains markup"),
        _phrase(r"missing source key", "källans nyckel saknas", "missing source key"),
        _phrase(
            r"duplicate source key (?P<key>.+)", "källans nyckel {key} finns två gånger", "duplicate source key {key}"
        ),
        _phrase(
            r"a personnummer in (?P<fields>.+): personal data is not kept",
            "ett personnummer i {fields}: personuppgifter sparas inte",
            "a personnummer in {fields}: personal data is not kept",
            fields="fields:source_records",
        ),
        _phrase(
            r"organisationsnummer is a personnummer \(sole trader\): personal data is not kept",
            "organisationsnumret är ett personnummer (enskild firma): personuppgifter sparas inte",
            "organisationsnummer is a personnummer (sole trader): personal data is not kept",
        ),
    ),
    # Why a night did without the company register, or without SNI codes (registry/register/company_register.py).
    "register_note": (
        _phrase(
            r"no SNI codes: (?P<why>.+)",
            "inga SNI-koder: {why}",
            "no SNI codes: {why}",
            why="phrases:register_note.sni",
        ),
        _phrase(
            r"live mode, and no snapshot built from Bolagsverket's bulk file yet \((?P<what>.+); the bundled "
            r"sample is never used in live mode\): " + re.escape(WEEKLY_JOB_HINT),
            "skarpt läge, och ingen registerkopia är byggd ur Bolagsverkets bulkfil ännu ({what}; det "
            f"medföljande exemplet används aldrig i skarpt läge): {_HINT_SV}",
            "live mode, and no snapshot built from Bolagsverket's bulk file yet ({what}; the bundled sample is "
            f"never used in live mode): {WEEKLY_JOB_HINT}",
            what="phrases:register_note.what",
        ),
        _phrase(
            r"the register snapshot at (?P<path>.+) holds the bundled sample's fictional companies, which live "
            r"mode never uses: " + re.escape(WEEKLY_JOB_HINT) + " from Bolagsverket's file",
            "registerkopian i {path} innehåller det medföljande exemplets påhittade företag, som skarpt läge "
            "aldrig använder: kör jobbet weekly_register_refresh för att bygga den ur Bolagsverkets fil (det "
            "körs på söndagar kl. 04:00)",
            "the register snapshot at {path} holds the bundled sample's fictional companies, which live mode "
            f"never uses: {WEEKLY_JOB_HINT} from Bolagsverket's file",
        ),
        _phrase(
            r"ASF_REGISTER_BULK_FILE names the bundled sample \((?P<file>.+): fictional companies\), which live "
            r"mode never uses; unset it to download Bolagsverket's file, or point it at a downloaded one",
            "ASF_REGISTER_BULK_FILE pekar på det medföljande exemplet ({file}: påhittade företag), som skarpt "
            "läge aldrig använder; ta bort inställningen för att ladda ned Bolagsverkets fil, eller låt den "
            "peka på en nedladdad fil",
            "ASF_REGISTER_BULK_FILE names the bundled sample ({file}: fictional companies), which live mode "
            "never uses; unset it to download Bolagsverket's file, or point it at a downloaded one",
        ),
        _phrase(
            r"no register snapshot could be built: (?P<error>.+)",
            "ingen registerkopia kunde byggas: {error}",
            "no register snapshot could be built: {error}",
        ),
    ),
    "register_note.what": (
        _phrase(r"no snapshot at (?P<path>.+)", "ingen registerkopia i {path}", "no snapshot at {path}"),
        _phrase(r"an empty snapshot at (?P<path>.+)", "en tom registerkopia i {path}", "an empty snapshot at {path}"),
        _phrase(
            r"the register snapshot at (?P<path>.+) cannot be read \((?P<error>.*)\)",
            "registerkopian i {path} kan inte läsas ({error})",
            "the register snapshot at {path} cannot be read ({error})",
        ),
    ),
    "register_note.sni": (
        _phrase(r"ASF_SCB_BULK_FILE is none", "ASF_SCB_BULK_FILE är none", "ASF_SCB_BULK_FILE is none"),
        _phrase(
            r"no SCB file is configured \(ASF_SCB_BULK_FILE\), and live mode never uses the bundled sample",
            "ingen SCB-fil är angiven (ASF_SCB_BULK_FILE), och skarpt läge använder aldrig det medföljande exemplet",
            "no SCB file is configured (ASF_SCB_BULK_FILE), and live mode never uses the bundled sample",
        ),
        _phrase(
            r"(?P<file>.+) is the bundled sample, and live mode never uses the bundled sample",
            "{file} är det medföljande exemplet, och skarpt läge använder aldrig det medföljande exemplet",
            "{file} is the bundled sample, and live mode never uses the bundled sample",
        ),
        _phrase(
            r"the snapshot's SNI codes come from the bundled SCB sample, which live mode never uses",
            "registerkopians SNI-koder kommer från SCB:s medföljande exempel, som skarpt läge aldrig använder",
            "the snapshot's SNI codes come from the bundled SCB sample, which live mode never uses",
        ),
        _phrase(
            r"the snapshot was built without SCB's file",
            "registerkopian byggdes utan SCB:s fil",
            "the snapshot was built without SCB's file",
        ),
    ),
    # Why a register entry is a candidate (registry/register/register_snapshot.py, discovery_candidates).
    "register_candidate": (
        _phrase(
            r"description: '(?P<phrase>.*)'",
            "verksamhetsbeskrivningen nämner «{phrase}»",
            "the business description mentions '{phrase}'",
        ),
        _phrase(
            r"name says \(svb\)",
            "namnet anger (svb): aktiebolag med särskild vinstutdelningsbegränsning",
            "the name says (svb): a company with limited profit distribution",
        ),
    ),
    # Why a source's check failed (registry/ingest/source_health.py, sources_file.py; assets/ingest.py).
    "check": (
        _phrase(
            r"(?P<valid>\d+) of (?P<records>\d+) records \((?P<share>\d+%)\) carry a valid organisationsnummer, below "
            r"the (?P<expected>\d+%) expected: has the orgnr column been renamed or moved, or are the numbers written "
            r"in a way that no longer reads as an organisationsnummer\?",
            "{valid} av {records} poster ({share}) har ett giltigt organisationsnummer, färre än de {expected} som "
            "väntas: har kolumnen för organisationsnummer bytt namn eller flyttats, eller skrivs numren på ett sätt "
            "som inte längre läses som organisationsnummer?",
            "{valid} of {records} records ({share}) carry a valid organisationsnummer, below the {expected} "
            "expected: has the orgnr column been renamed or moved, or are the numbers written in a way that no "
            "longer reads as an organisationsnummer?",
        ),
        _phrase(
            r"kept the last good records \((?P<count>\d+)\): (?P<error>.*)",
            "behöll de senaste goda posterna ({count}): {error}",
            "kept the last good records ({count}): {error}",
            error="phrases:source_error",
        ),
        _phrase(
            r"source failed: its last good records are used",
            "källan kunde inte läsas: dess senaste goda poster används",
            "source failed: its last good records are used",
        ),
        _phrase(
            r"(?P<entries>\d+) entries, expected at (?P<bound>least|most) (?P<count>\d+) \(expected_entries in the "
            r"sources file\)",
            "{entries} poster, {bound} {count} väntades (expected_entries i källfilen)",
            "{entries} entries, expected at {bound} {count} (expected_entries in the sources file)",
            bound="bound",
        ),
    ),
    # What Dagster says of a step that failed (pipelines/run_errors.py), when it is not the step's own error.
    "step_failure": (
        _phrase(
            r"DagsterAssetCheckFailedError: (?P<checks>\d+) blocking asset checks? failed with (?P<severity>\w+) "
            r"severity:",
            "{checks} misslyckades (allvarlighetsgrad {severity}); se kontrollerna nedan:",
            "{checks} failed with {severity} severity; see the checks below:",
            checks="counted:blocking_checks",
        ),
    ),
    # The change log's details (registry/publish/publish.py).
    "change_detail": (
        _phrase(r"listed again by (?P<sources>.+)", "listad igen av {sources}", "listed again by {sources}"),
        _phrase(
            r"records now form (?P<registry_id>\S+)",
            "posterna bildar nu {registry_id}",
            "records now form {registry_id}",
        ),
        _phrase(r"split from (?P<registry_ids>.+)", "delad från {registry_ids}", "split from {registry_ids}"),
        _phrase(r"(?P<old>\S+) merged into (?P<new>\S+)", "{old} sammanslagen med {new}", "{old} merged into {new}"),
        _phrase(
            r"no source has listed it for (?P<runs>\d+) run\(s\)",
            "ingen källa har listat den på {runs}",
            "no source has listed it for {runs}",
            runs="counted:runs",
        ),
        _phrase(
            r"no source lists it any more; inactive after (?P<runs>\d+) such run\(s\)",
            "ingen källa listar den längre; inaktiv efter {runs}",
            "no source lists it any more; inactive after {runs}",
            runs="counted:such_runs",
        ),
    ),
    # A match's explanation (registry/identity/scoring.py, registry/register/enrichment.py): "feature outcome
    # (weight)" parts joined by "; ", then " -> " and the verdict. An outcome is clauses joined by ", ".
    "explanation.outcome": (
        _phrase(r"similarity (?P<score>\d+)", "likhet {score}", "similarity {score}"),
        _phrase(r"every word agrees", "varje ord har sin motsvarighet i det andra namnet", "every word agrees"),
        _phrase(r"one name within the other", "det ena namnet ingår i det andra", "one name within the other"),
        _phrase(
            r"but they say they do different things",
            "men de säger att de gör olika saker",
            "but they say they do different things",
        ),
        _phrase(
            r"adding what it does \((?P<words>[^()]*)\)",
            "och det andra lägger till vad den gör ({words})",
            "adding what it does ({words})",
        ),
        _phrase(r"equal", "lika", "equal"),
        _phrase(
            r"differs, but the place is in both names",
            "olika, men orten står i båda namnen",
            "differs, but the place is in both names",
        ),
        _phrase(
            r"differs, both in (?P<region>.+?), which both names name",
            "olika, men båda ligger i {region}, som båda namnen nämner",
            "differs, both in {region}, which both names name",
        ),
        _phrase(r"differ \((?P<values>[^()]*)\)", "olika ({values})", "differ ({values})"),
        _phrase(r"differ", "olika", "differ"),
        _phrase(r"one digit apart", "en siffra skiljer", "one digit apart"),
        _phrase(
            r"only one name says whose firm it is \((?P<words>[^()]*)\)",
            "bara det ena namnet säger vems firma det är ({words})",
            "only one name says whose firm it is ({words})",
        ),
        _phrase(
            r"only in one name \((?P<numbers>[^()]*)\)",
            "bara i det ena namnet ({numbers})",
            "only in one name ({numbers})",
        ),
        _phrase(r"only in one", "bara i det ena namnet", "only in one"),
    ),
    # What an explanation says besides its features' evidence: the register match's extras, and the links
    # the matcher or a person made without a score.
    "explanation.item": (
        _phrase(
            r"registration (?P<status>\S+) preferred to (?P<other>\S+) (?P<orgnr>\S+)",
            "registrering med status {status} föredragen framför {orgnr} med status {other}",
            "registration {status} preferred to {other} {orgnr}",
            status="register_status",
            other="register_status",
        ),
        _phrase(
            r"runner-up (?P<orgnr>\S+) within (?P<bits>\d+) bits",
            "näst bästa kandidaten {orgnr} ligger inom {bits} bitar",
            "runner-up {orgnr} within {bits} bits",
        ),
        _phrase(
            r"organisationsnummer found in the register",
            "organisationsnumret finns i bolagsregistret",
            "organisationsnummer found in the register",
        ),
        _phrase(
            r"matched by a person in review", "matchad av en person vid granskning", "matched by a person in review"
        ),
        _phrase(
            r"no registered name shares a word with this one",
            "inget registrerat namn har ett ord gemensamt med detta",
            "no registered name shares a word with this one",
        ),
        _phrase(
            r"names dissimilar and no identifier shared",
            "olika namn och inga gemensamma identifierande uppgifter",
            "names dissimilar and no identifier shared",
        ),
        _phrase(r"no longer a candidate pair", "inte längre ett kandidatpar", "no longer a candidate pair"),
        _phrase(r"review", "bedömd av en person vid granskning", "review"),
        _phrase(r"review: withdrawn", "en persons bedömning återtagen", "review: withdrawn"),
    ),
    "explanation.verdict": (
        _phrase(r"p=(?P<p>\d+\.\d+)", "sannolikhet {p}", "p={p}"),
        _phrase(r"impossible", "omöjligt", "impossible"),
    ),
    # Why a source could not be read (assets/ingest.py stores "<kind of error>: <message>"; the messages of
    # registry/ingest/http_client.py and the connectors): shown in the report's sources table.
    "source_error": (
        _phrase(
            _FAILED + r"(?P<url>\S+) answered HTTP (?P<status>\d+)",
            "{url} svarade med HTTP-status {status}",
            "{url} answered HTTP {status}",
        ),
        _phrase(
            _FAILED + r"(?P<url>\S+) is not in the raw archive (?P<archive>.+) \(replay mode\)",
            "{url} finns inte i råarkivet {archive} (uppspelningsläge)",
            "{url} is not in the raw archive {archive} (replay mode)",
        ),
        _phrase(
            _FAILED + r"(?P<url>\S+) is disallowed by (?P<robots>\S+) for this project's User-Agent",
            "{url} får inte hämtas enligt {robots} (för projektets User-Agent)",
            "{url} is disallowed by {robots} for this project's User-Agent",
        ),
        _phrase(
            _FAILED + r"(?P<url>\S+) redirects to (?P<target>\S+), which is not an http\(s\) address",
            "{url} leder vidare till {target}, som inte är en http(s)-adress",
            "{url} redirects to {target}, which is not an http(s) address",
        ),
        _phrase(
            _FAILED + r"(?P<url>\S+): more than (?P<count>\d+) redirects \(the last to (?P<last>\S+)\), not followed "
            r"further",
            "{url}: fler än {count} omdirigeringar (den sista till {last}), som inte följdes längre",
            "{url}: more than {count} redirects (the last to {last}), not followed further",
        ),
        _phrase(
            _FAILED
            + r"(?P<url>\S+): no complete answer within the deadline of (?P<seconds>[\d.]+) s \(connect, headers "
            r"and body, retries and redirects included\)",
            "{url}: inget fullständigt svar inom tidsgränsen {seconds} s (anslutning, rubriker och innehåll, nya "
            "försök och omdirigeringar inräknade)",
            "{url}: no complete answer within the deadline of {seconds} s (connect, headers and body, retries and "
            "redirects included)",
        ),
        _phrase(
            _FAILED + r"(?P<url>\S+): body larger than (?P<count>\d+) bytes, not read further",
            "{url}: svaret är större än {count} byte och lästes inte vidare",
            "{url}: body larger than {count} bytes, not read further",
        ),
        _phrase(
            _FAILED + r"the Wayback Machine has no capture of (?P<url>\S+)",
            "Wayback Machine har ingen sparad kopia av {url}",
            "the Wayback Machine has no capture of {url}",
        ),
        _phrase(
            _FAILED + r"city list folder (?P<folder>.+) does not exist",
            "mappen för stadens lista, {folder}, finns inte",
            "city list folder {folder} does not exist",
        ),
        _phrase(
            _FAILED + r"no \.csv or \.xlsx files in the city list folder (?P<folder>.+)",
            "inga .csv- eller .xlsx-filer i mappen för stadens lista, {folder}",
            "no .csv or .xlsx files in the city list folder {folder}",
        ),
        _phrase(
            _FAILED + r"(?P<file>.+): no sheet has a name column",
            "{file}: inget blad har en kolumn med namn",
            "{file}: no sheet has a name column",
        ),
        _phrase(
            _FAILED + r"(?P<file>.+?): no name column among (?P<header>.+)",
            "{file}: ingen kolumn med namn bland {header}",
            "{file}: no name column among {header}",
        ),
        _phrase(
            _FAILED + r"no file in the city list folder (?P<folder>.+?) could be read: (?P<reasons>.+)",
            "ingen fil i mappen för stadens lista, {folder}, kunde läsas: {reasons}",
            "no file in the city list folder {folder} could be read: {reasons}",
            reasons="each:spreadsheet",
        ),
        _phrase(
            r"no usable records \((?P<count>\d+) quarantined\): layout change or empty answer\?",
            "inga användbara poster ({count} i karantän): har sidans uppställning ändrats, eller var svaret tomt?",
            "no usable records ({count} quarantined): layout change or empty answer?",
        ),
        # Last: any other failure to reach a site (a refused connection, a name that does not resolve).
        _phrase(
            _FAILED + r"(?P<url>https?://\S+?): (?P<error>\w+(?:Error|Timeout)\b.*)",
            "{url} gick inte att nå ({error})",
            "{url}: {error}",
        ),
    ),
    # Why a spreadsheet, or a row of one, was not read (registry/files/spreadsheets.py; assets/sources/city_list.py):
    # "<where>: <why>", where is a file and line, or a workbook's sheet and row.
    "spreadsheet": (
        _phrase(
            r"(?P<where>.+?): a quote opened on this line is never closed \(the rest of the file would be one "
            r"value\): refused",
            "{where}: ett citattecken som öppnas på den här raden stängs aldrig (resten av filen skulle bli ett enda "
            "värde): läses inte",
            "{where}: a quote opened on this line is never closed (the rest of the file would be one value): refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): a quoted value runs from this line to line (?P<to>\d+) and its closing quote is "
            r"followed by more text \(a quote never closed where its value ends\): refused",
            "{where}: ett värde inom citattecken löper från den här raden till rad {to} och har mer text efter sitt "
            "avslutande citattecken (ett citattecken som inte stängdes där värdet slutar): läses inte",
            "{where}: a quoted value runs from this line to line {to} and its closing quote is followed by more "
            "text (a quote never closed where its value ends): refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): a quoted value runs from line (?P<start>\d+) to line (?P<to>\d+) and holds lines that "
            r"read as rows of their own \(a quote never closed where its value ends\): refused",
            "{where}: ett värde inom citattecken löper från rad {start} till rad {to} och innehåller rader som läses "
            "som egna rader (ett citattecken som inte stängdes där värdet slutar): läses inte",
            "{where}: a quoted value runs from line {start} to line {to} and holds lines that read as rows of their "
            "own (a quote never closed where its value ends): refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): a field longer than (?P<count>[\d,]+) characters, the limit for one cell \(a quote "
            r"that is never closed makes the rest of the file one field\): refused",
            "{where}: ett fält längre än {count} tecken, gränsen för en cell (ett citattecken som aldrig stängs gör "
            "resten av filen till ett enda fält): läses inte",
            "{where}: a field longer than {count} characters, the limit for one cell (a quote that is never closed "
            "makes the rest of the file one field): refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<file>.+), near line (?P<line>\d+): not (?P<encoding>\S+) text \(save it as 'CSV UTF-8'\)",
            "{file}, nära rad {line}: inte text i {encoding} (spara filen som 'CSV UTF-8')",
            "{file}, near line {line}: not {encoding} text (save it as 'CSV UTF-8')",
        ),
        _phrase(
            r"(?P<where>.+?): a cell longer than (?P<count>[\d,]+) characters: refused",
            "{where}: en cell längre än {count} tecken: läses inte",
            "{where}: a cell longer than {count} characters: refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): more than (?P<count>[\d,]+) rows: refused",
            "{where}: fler än {count} rader: läses inte",
            "{where}: more than {count} rows: refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): content beyond column (?P<count>\d+), the most a list may have: refused",
            "{where}: innehåll efter kolumn {count}, det mesta en lista får ha: läses inte",
            "{where}: content beyond column {count}, the most a list may have: refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): content in column (?P<column>\d+) \((?P<cell>[^)]*)\), beyond the (?P<count>\d+) a list "
            r"may have: refused",
            "{where}: innehåll i kolumn {column} ({cell}), efter de {count} en lista får ha: läses inte",
            "{where}: content in column {column} ({cell}), beyond the {count} a list may have: refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<file>.+?): more than (?P<count>[\d,]+) characters of text \(at (?P<where>.+)\), far beyond any list "
            r"of enterprises: refused",
            "{file}: mer än {count} tecken text (vid {where}), långt mer än någon lista över företag: läses inte",
            "{file}: more than {count} characters of text (at {where}), far beyond any list of enterprises: refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): beyond Excel's last row \((?P<count>[\d,]+)\): refused",
            "{where}: efter Excels sista rad ({count}): läses inte",
            "{where}: beyond Excel's last row ({count}): refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<where>.+?): more cells than Excel's (?P<count>[\d,]+) columns: refused",
            "{where}: fler celler än Excels {count} kolumner: läses inte",
            "{where}: more cells than Excel's {count} columns: refused",
            where="phrases:spreadsheet.where",
        ),
        _phrase(
            r"(?P<file>.+?) is not an \.xlsx workbook but an old-format \.xls or a password-protected one: open it in "
            r"Excel and save it as \.xlsx without a password",
            "{file} är ingen .xlsx-arbetsbok utan en .xls i det gamla formatet eller en lösenordsskyddad fil: öppna "
            "den i Excel och spara den som .xlsx utan lösenord",
            "{file} is not an .xlsx workbook but an old-format .xls or a password-protected one: open it in Excel "
            "and save it as .xlsx without a password",
        ),
        _phrase(
            r"(?P<file>.+?) is not an Excel workbook \(an \.xlsx file is a zip archive, this one is not: a CSV or text "
            r"file renamed \.xlsx\?\)",
            "{file} är ingen Excel-arbetsbok (en .xlsx-fil är ett zip-arkiv, den här är inte det: en CSV- eller "
            "textfil som döpts om till .xlsx?)",
            "{file} is not an Excel workbook (an .xlsx file is a zip archive, this one is not: a CSV or text file "
            "renamed .xlsx?)",
        ),
        _phrase(
            r"(?P<file>.+?): larger than (?P<count>\d+) MB, which no list of enterprises is",
            "{file}: större än {count} MB, vilket ingen lista över företag är",
            "{file}: larger than {count} MB, which no list of enterprises is",
        ),
        _phrase(
            r"(?P<file>.+?): required column\(s\) (?P<missing>.+) missing \(found (?P<found>.*)\)",
            "{file}: obligatoriska kolumner saknas: {missing} (hittade {found})",
            "{file}: required column(s) {missing} missing (found {found})",
        ),
    ),
    # Where in a spreadsheet: a file's line, or a workbook's sheet and row.
    "spreadsheet.where": (
        _phrase(r"(?P<file>.+), line (?P<line>\d+)", "{file}, rad {line}", "{file}, line {line}"),
        _phrase(
            r"(?P<file>.+) / (?P<sheet>.+), row (?P<row>\d+)",
            "{file} / {sheet}, rad {row}",
            "{file} / {sheet}, row {row}",
        ),
        _phrase(r"(?P<sheet>.+), row (?P<row>\d+)", "{sheet}, rad {row}", "{sheet}, row {row}"),
    ),
    # How far a register snapshot's build has come (registry/register/register_snapshot.py).
    "build_progress": (
        _phrase(
            r"(?P<count>[\d,]+) organisations read \((?P<seconds>\d+) s\)",
            "{count} organisationer lästa ({seconds} s)",
            "{count} organisations read ({seconds} s)",
        ),
        _phrase(
            r"(?P<count>[\d,]+) organisations read; indexing the names",
            "{count} organisationer lästa; indexerar namnen",
            "{count} organisations read; indexing the names",
        ),
    ),
}
# A row of an analyst's spreadsheet that is not read (registry/tools/dedupe.py): a record's own problems are
# the quarantine's.
PHRASES["input_problem"] = (
    _phrase(r"no record_id", "record_id saknas", "no record_id"),
    _phrase(r"duplicate record_id", "record_id finns redan på en tidigare rad", "duplicate record_id"),
    *PHRASES["quarantine"],
)

# The features of registry/identity/scoring.py (FEATURES, and the name), as an explanation names them.
EXPLANATION_FEATURES: dict[str, Said] = {
    "name": Said("namn", "name"),
    "place in name": Said("ort i namnet", "place in name"),
    "organisationsnummer": Said("organisationsnummer", "organisationsnummer"),
    "legal form": Said("organisationsform", "legal form"),
    "kommun": Said("kommun", "kommun"),
    "website": Said("webbplats", "website"),
    "e-mail domain": Said("e-postdomän", "e-mail domain"),
    "phone": Said("telefon", "phone"),
    "street address": Said("gatuadress", "street address"),
    "words": Said("ord", "words"),
    "numbers": Said("nummer i namnen", "numbers"),
    "countries": Said("länder i namnen", "countries"),
}
# How an explanation's parts are put together: a feature's evidence, and the parts with their verdict.
EXPLANATION_PART = Said("{feature}: {outcome} ({weight})", "{feature} {outcome} ({weight})")
EXPLANATION_VERDICT = Said("{parts} → {verdict}", "{parts} -> {verdict}")
_WEIGHED = re.compile(r"(?P<evidence>.+) \((?P<weight>[+-](?:\d+\.\d+|inf))\)")
_FEATURES_LONGEST_FIRST = sorted(EXPLANATION_FEATURES, key=len, reverse=True)


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
        return f"{self.number(count)} {COUNTED[key](self.lang, count)}"

    def number(self, count: int) -> str:
        """A whole number with its thousands apart as the language writes them: '2 458 671', '2,458,671'."""
        written = f"{count:,}"
        return written.replace(",", "\u00a0") if self.lang == "sv" else written

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

    def source(self, name: str, title: str | None = None) -> str:
        """A source's title (CODES "source"); a source without one by ``title`` (its sources.toml title)."""
        said = CODES["source"].get(name)
        return said(self.lang) if said else (title or name)

    def redacted(self, text: str) -> str:
        """The text as shown: a personnummer in it, and the marker stored where one was, replaced by the marker
        in this language."""
        marker = self.text("personnummer.redacted")
        return redact_personnummer(text, marker).replace(REDACTED_PERSONNUMMER, marker)

    def phrase(self, table: str, text: str | None) -> str:
        """A stored English sentence in this language, by the first phrase of ``PHRASES[table]`` that reads it
        whole; a sentence none reads (a newer one, an error's own words) is shown as written."""
        if not text:
            return ""
        said = self._phrase(table, text)
        return text if said is None else said

    def _phrase(self, table: str, text: str) -> str | None:
        for phrase in PHRASES[table]:
            if found := phrase.pattern.fullmatch(text):
                return self._said(phrase, found)
        return None

    def _said(self, phrase: Phrase, found: re.Match[str]) -> str:
        values = {name: self._read(phrase.values.get(name), value or "") for name, value in found.groupdict().items()}
        return phrase.said(self.lang).format(**values)

    def _read(self, how: str | None, value: str) -> str:
        """A phrase's value as it reads (see Phrase.values)."""
        kind, _, of = (how or "").partition(":")
        if kind == "fields":
            names = [name.strip() for name in value.split(" and ")]
            return f" {self.text('and')} ".join(in_sentence(self.field(name, of)) for name in names)
        if kind == "counted":
            return self.counted(of, int(value))
        if kind == "phrases":
            return self.phrase(of, value)
        if kind == "each":  # several sentences of one table, joined by "; "
            return "; ".join(self.phrase(of, part) for part in value.split("; "))
        return self.code(kind, value) if kind else value

    def explanation(self, text: str | None) -> str:
        """A match's stored explanation in this language (see ``explained``)."""
        return self.explained(text or "")[0]

    def explained(self, text: str) -> tuple[str, list[str]]:
        """A stored explanation, a link a line (each perhaps after the key of the record it links to:
        'city_list/7: name similarity 97 (+9.0); kommun equal (+3.0) -> p=0.996'), in this language; and the
        pieces no phrase reads, which are shown as written (a test keeps them empty for all scoring says)."""
        lines: list[str] = []
        missed: list[str] = []
        for line in text.splitlines():
            tries = [self._explanation_line(line)]
            # A line that does not read whole may be a record's key (which can hold ': ') and its explanation.
            at = line.find(": ")
            while at != -1 and tries[-1][1]:
                said, left = self._explanation_line(line[at + 2 :])
                tries.append((f"{line[:at]}: {said}", left))
                at = line.find(": ", at + 2)
            said, left = min(tries, key=lambda found: len(found[1]))
            lines.append(said)
            missed += left
        return "\n".join(lines), missed

    def _explanation_line(self, line: str) -> tuple[str, list[str]]:
        items: list[str] = []
        missed: list[str] = []
        for item in line.split("; "):
            parts, arrow, verdict = item.rpartition(" -> ")
            if not arrow:
                parts = item
            said, left = self._explanation_part(parts) if parts else ("", [])
            missed += left
            if arrow:
                verdict_said = self._phrase("explanation.verdict", verdict)
                if verdict_said is None:
                    missed.append(verdict)
                said = EXPLANATION_VERDICT(self.lang).format(parts=said, verdict=verdict_said or verdict)
            items.append(said)
        return "; ".join(items), missed

    def _explanation_part(self, part: str) -> tuple[str, list[str]]:
        """'kommun equal (+3.0)': a feature, its outcome and weight; else one of the other things said."""
        if weighed := _WEIGHED.fullmatch(part):
            evidence = weighed["evidence"]
            for feature in _FEATURES_LONGEST_FIRST:
                if evidence.startswith(feature + " "):
                    outcome = self._outcome(evidence[len(feature) + 1 :])
                    if outcome is not None:
                        said = EXPLANATION_FEATURES[feature](self.lang)
                        return EXPLANATION_PART(self.lang).format(feature=said, outcome=outcome,
                                                                  weight=weighed["weight"]), []  # fmt: skip
        said = self._phrase("explanation.item", part)
        return (part, [part]) if said is None else (said, [])

    def _outcome(self, text: str) -> str | None:
        """An outcome's clauses ('similarity 88, one name within the other'), each read by a phrase; None when
        one is not (a clause may hold a comma: 'differs, but the place is in both names')."""
        clauses: list[str] = []
        at = 0
        while at < len(text):
            for phrase in PHRASES["explanation.outcome"]:
                found = phrase.pattern.match(text, at)
                if found and found.end() > at and (found.end() == len(text) or text.startswith(", ", found.end())):
                    clauses.append(self._said(phrase, found))
                    at = found.end() + (2 if found.end() < len(text) else 0)
                    break
            else:
                return None
        return ", ".join(clauses)


def in_sentence(label: str) -> str:
    """A label inside a sentence: 'Källans nyckel' -> 'källans nyckel'."""
    return label[:1].lower() + label[1:]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
