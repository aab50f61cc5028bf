"""Activity areas: which ASF can deliver what, for procurement ("who can deliver catering near Stockholm?").

A small fixed table of areas, each with the CPV divisions procurement officers search by, the Swedish keyword
stems that find it in free text (the source's activity and categories, Bolagsverket's verksamhetsbeskrivning,
the name) and the SNI 2007 code prefixes that find it in SCB's industry codes. The table is the one source of
truth: docs/activity_areas.md is generated from it (``python -m registry.reference.activity_areas``).

Matching rules, each there for a false positive it prevents:
- Text is lower-cased with å, ä and ö kept: folding them away would make "städ" (cleaning) match "stad" (city,
  as in "Stockholms stad") and "kök" match "kok".
- A keyword matches at the start of a word, so "kök" finds "köket" but not "cykelkök", and "tvätt" finds
  "tvätteri" but not "biltvätt" (which is vehicle care's own keyword).
- Where keywords overlap, the longest wins: "flyttstädning" is cleaning, not removals; "köksträdgård" is
  gardening, not catering; "återvinning av elektronik" is IT, not second hand. Words that merely start like a
  keyword ("städer", cities) are listed as non-activities and win the same way.
- Places that are often customers ("restaurang", "hotell", "butik"...) do not count shortly after "för" or
  "åt": "tvätteri för hotell och restauranger" is a laundry only.
- An SNI code counts for the area with its longest matching prefix: 47792 (second-hand shop) is second hand,
  not retail as its division 47 would say.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from registry.reference.normalize import fold
from registry.settings import PROJECT_ROOT

# Official CPV 2008 division titles (Regulation (EC) No 213/2008), for the divisions the areas use.
CPV_DIVISIONS: dict[str, str] = {
    "15": "Food, beverages, tobacco and related products",
    "18": "Clothing, footwear, luggage articles and accessories",
    "39": "Furniture (incl. office furniture), furnishings, domestic appliances (excl. lighting) and cleaning products",
    "45": "Construction work",
    "50": "Repair and maintenance services",
    "55": "Hotel, restaurant and retail trade services",
    "60": "Transport services (excl. Waste transport)",
    "72": "IT services: consulting, software development, Internet and support",
    "77": "Agricultural, forestry, horticultural, aquacultural and apicultural services",
    "79": "Business services: law, marketing, consulting, recruitment, printing and security",
    "85": "Health and social work services",
    "90": "Sewage, refuse, cleaning and environmental services",
    "92": "Recreational, cultural and sporting services",
    "98": "Other community, social and personal services",
}

# The same divisions' Swedish titles (CPV 2008 in Swedish, as the EU's Official Journal publishes them).
CPV_DIVISIONS_SV: dict[str, str] = {
    "15": "Livsmedel, drycker, tobak och liknande produkter",
    "18": "Kläder, skodon, reseffekter och tillbehör",
    "39": "Möbler (inkl. kontorsmöbler), inredningsartiklar, hushållsapparater (utom belysning) och rengöringsmedel",
    "45": "Byggnadsarbeten",
    "50": "Reparation och underhåll",
    "55": "Hotell-, restaurang- och detaljhandelstjänster",
    "60": "Transporttjänster (utom avfallstransport)",
    "72": "IT-tjänster: konsultverksamhet, programvaruutveckling, Internet och support",
    "77": "Tjänster för jordbruk, skogsbruk, trädgårdsodling, vattenbruk och biodling",
    "79": "Företagstjänster: juridik, marknadsföring, konsultverksamhet, rekrytering, tryckning och säkerhet",
    "85": "Hälsovård och socialtjänst",
    "90": "Avlopps-, avfalls-, renhållnings- och miljötjänster",
    "92": "Fritids-, kultur- och sporttjänster",
    "98": "Andra samhälleliga, sociala och personliga tjänster",
}


@dataclass(frozen=True)
class ActivityArea:
    code: str
    label_sv: str
    label_en: str
    cpv_divisions: tuple[str, ...]
    # Swedish stems, matched at word starts in lower-cased text; "second hand" also matches "second-hand".
    keywords: tuple[str, ...]
    # SNI 2007 code prefixes (2-5 digits); an area may have none where no SNI class is specific enough.
    sni_prefixes: tuple[str, ...] = ()
    # English words a procurement officer might type into `find`; Swedish queries go through the keywords.
    search_terms: tuple[str, ...] = ()

    @property
    def cpv_titles(self) -> tuple[str, ...]:
        return tuple(f"{division} {CPV_DIVISIONS[division]}" for division in self.cpv_divisions)


# The tables read better with many keywords to a line than with the formatter's one per line.
# fmt: off
AREAS: tuple[ActivityArea, ...] = (
    ActivityArea(
        code="catering",
        label_sv="Catering och café",
        label_en="Catering & café",
        cpv_divisions=("55", "15"),
        keywords=(
            "catering", "café", "cafe", "kafé", "kafe", "fika", "lunch", "restaurang", "servering", "kök", "storkök",
            "personalmatsal", "matsal", "måltid", "skolmat", "skolmåltid", "matlåd", "matlagning", "mathantverk",
            "bageri", "bakeri", "bakverk", "konditori", "food truck", "foodtruck",
        ),
        # 1071 bread and fresh pastry, 1085 prepared meals.
        sni_prefixes=("56", "1071", "1085"),
        search_terms=("catering", "cafe", "coffee", "food", "lunch", "meals", "restaurant", "bakery", "canteen"),
    ),
    ActivityArea(
        code="cleaning",
        label_sv="Städning och lokalvård",
        label_en="Cleaning",
        cpv_divisions=("90",),
        keywords=(
            "städ", "lokalvård", "fönsterputs", "fönstertvätt", "tvätt av fönster", "rengöring", "storstädning",
            "trappstäd", "hemstäd", "flyttstäd", "byggstäd", "kontorsstäd", "veckostäd", "golvvård", "klotter",
        ),
        # 8121 general cleaning, 8122 other building cleaning (windows, chimneys), 8129 other cleaning.
        sni_prefixes=("812",),
        search_terms=("cleaning", "janitorial", "window cleaning"),
    ),
    ActivityArea(
        code="gardening",
        label_sv="Trädgård, grönytor och utemiljö",
        label_en="Gardening, green spaces & outdoor care",
        cpv_divisions=("77",),
        keywords=(
            "trädgård", "köksträdgård", "grönyt", "grönområde", "parkskötsel", "skötsel av park", "utemiljö",
            "utomhusmiljö", "yttre skötsel", "utvändig skötsel", "gräsklipp", "häckklipp", "snöröj", "lövkratt",
            "lövblås", "ogräs", "plantering", "beskär", "odling", "stadsodling", "växthus", "skogsvård",
            "skogsarbet", "landskapsvård", "markskötsel",
        ),
        sni_prefixes=("8130",),
        search_terms=("gardening", "garden", "green spaces", "parks", "landscaping", "grounds", "snow clearing"),
    ),
    ActivityArea(
        code="second_hand",
        label_sv="Second hand och återbruk",
        label_en="Second hand & reuse",
        cpv_divisions=("39", "90"),
        keywords=(
            "second hand", "secondhand", "second hand butik", "secondhandbutik", "begagna", "återbruk", "återanvänd",
            "återvinn", "loppis", "loppmarknad", "returbutik", "vintage",
        ),
        sni_prefixes=("4779",),
        search_terms=("second hand", "reuse", "recycling", "thrift", "used goods"),
    ),
    ActivityArea(
        code="carpentry_furniture",
        label_sv="Snickeri och möbler",
        label_en="Carpentry & furniture",
        cpv_divisions=("39", "50"),
        keywords=(
            "snickeri", "snickar", "inredningssnickeri", "möbel", "möbler", "renovering av möbler",
            "restaurering av möbler", "montering av möbler", "träarbet", "trähantverk", "träslöjd", "träprodukt",
            "trävaror", "lastpall", "köksinredning",
        ),
        # 16 wood products, 31 furniture, 9524 furniture repair.
        sni_prefixes=("16", "31", "9524"),
        search_terms=("carpentry", "furniture", "joinery", "woodwork"),
    ),
    ActivityArea(
        code="laundry",
        label_sv="Tvätteri",
        label_en="Laundry",
        cpv_divisions=("98",),
        keywords=("tvätt", "kemtvätt", "mangling", "mangel", "textilvård", "strykning"),
        sni_prefixes=("9601",),
        search_terms=("laundry", "dry cleaning", "ironing"),
    ),
    ActivityArea(
        code="removals_transport",
        label_sv="Flytt, transport och bud",
        label_en="Removals, transport & courier",
        cpv_divisions=("60", "98"),
        keywords=(
            "flytt", "transport", "varutransport", "godstransport", "persontransport", "färdtjänst", "budfirma",
            "budtjänst", "budbil", "budverksamhet", "cykelbud", "kurir", "åkeri", "logistik", "distribution",
            "magasinering", "bortforsling",
        ),
        # 4941 road freight, 4942 removals, 5320 other postal and courier services.
        sni_prefixes=("4941", "4942", "5320"),
        search_terms=("removals", "moving", "relocation", "transport", "courier", "delivery", "logistics"),
    ),
    ActivityArea(
        code="bicycle_repair",
        label_sv="Cykelverkstad",
        label_en="Bicycle repair",
        cpv_divisions=("50",),
        keywords=("cykel", "cyklar", "reparation av cyklar", "renovering av cyklar"),
        # No SNI prefix: bicycle repair sits in 95290 together with clothing alterations, keys and toys, so
        # the code alone would call a sewing workshop a bicycle workshop.
        sni_prefixes=(),
        search_terms=("bicycle", "bike", "cycle"),
    ),
    ActivityArea(
        code="office_services",
        label_sv="Kontorsservice och administration",
        label_en="Office services & administration",
        cpv_divisions=("79",),
        keywords=(
            "kontorsservice", "kontorstjänst", "kontorsadministration", "administrativ", "administrationstjänst",
            "skanning", "scanning", "skanna", "scanna", "inskanning", "digitalisering av dokument",
            "dokumenthantering", "arkivering", "utskick", "kuvertering", "frankering", "postservice", "posthantering",
            "internpost", "reception", "växeltjänst", "telefonservice", "kundtjänst", "callcenter", "call center",
            "bokföring", "kopiering",
        ),
        # 8211 combined office services, 8219 copying and document preparation, 8220 call centres.
        sni_prefixes=("8211", "8219", "8220"),
        search_terms=("office", "administration", "scanning", "mailing", "packing", "reception", "bookkeeping"),
    ),
    ActivityArea(
        code="textiles",
        label_sv="Textil och sömnad",
        label_en="Textiles & sewing",
        cpv_divisions=("18", "39"),
        keywords=(
            "textil", "sömnad", "ändringssömnad", "klädsömnad", "sömmerska", "syateljé", "syverkstad", "sytjänst",
            "syservice", "skrädderi", "skräddar", "broderi", "brodera", "väv", "stickning", "tyg",
            "lagning av kläder", "reparation av kläder", "tillverkning av kläder",
        ),
        sni_prefixes=("13", "14"),
        search_terms=("textiles", "sewing", "tailoring", "clothing", "weaving"),
    ),
    ActivityArea(
        code="it_support",
        label_sv="IT-support och elektronikåtervinning",
        label_en="IT support & electronics recycling",
        cpv_divisions=("72", "90"),
        keywords=(
            "it support", "it tjänst", "it service", "it drift", "it konsult", "it utrustning", "it återvinn",
            "it återbruk", "dator", "elektronik", "återvinning av elektronik", "återvinning av it",
            "återbruk av it", "återbruk av datorer", "renovering av datorer", "e avfall", "elavfall", "weee",
            "mobiltelefon", "mobilreparation", "programmering", "systemutveckling", "webbutveckling", "webbdesign",
            "hemsid",
        ),
        # 62 programming and IT consulting, 9511/9512 repair of computers and communication equipment.
        sni_prefixes=("62", "9511", "9512"),
        search_terms=("it", "computer", "computers", "electronics", "software", "e-waste"),
    ),
    ActivityArea(
        code="property_care",
        label_sv="Fastighetsskötsel och underhåll",
        label_en="Property care & maintenance",
        cpv_divisions=("50", "79"),
        keywords=(
            "fastighetsskötsel", "fastighetsskötar", "fastighetsservice", "fastighetsunderhåll", "fastighetstjänst",
            "fastighetsvård", "fastighetsjour", "vaktmästeri", "vaktmästar", "underhåll av fastighet",
            "underhåll av byggnad",
        ),
        # 8110 combined facilities support. Not 68: owning and letting property is not a service to buy.
        sni_prefixes=("8110",),
        search_terms=("property", "facilities", "maintenance", "caretaker", "janitor"),
    ),
    ActivityArea(
        code="hospitality",
        label_sv="Konferens, hotell och vandrarhem",
        label_en="Conference & hospitality",
        cpv_divisions=("55",),
        keywords=(
            "konferens", "hotell", "vandrarhem", "kursgård", "lägergård", "logi", "övernattning", "bed and breakfast",
            "stugby", "stuguthyrning", "camping", "möteslokal", "festlokal", "eventlokal",
        ),
        # 55 accommodation (55102 conference centres with lodging), 8230 organising conventions and fairs.
        sni_prefixes=("55", "8230"),
        search_terms=("conference", "hotel", "hostel", "hospitality", "accommodation", "venue"),
    ),
    ActivityArea(
        code="retail",
        label_sv="Butik och detaljhandel",
        label_en="Retail & shop",
        cpv_divisions=("55",),
        keywords=(
            "butik", "detaljhandel", "webbutik", "webbshop", "nätbutik", "e handel", "kiosk", "gårdsbutik",
            "presentbutik", "klädbutik",
        ),
        sni_prefixes=("47",),
        search_terms=("retail", "shop", "store"),
    ),
    ActivityArea(
        code="assembly_packaging",
        label_sv="Montering, förpackning och legotillverkning",
        label_en="Assembly, packaging & contract manufacturing",
        # Packaging services are CPV 79921000: division 79, not a goods division.
        cpv_divisions=("79",),
        keywords=(
            "montering", "legotillverk", "legoarbet", "förpackning", "paketering", "packning", "plock och pack",
            "lagerhantering", "lagerarbet", "lagertjänst", "etikettering",
        ),
        sni_prefixes=("8292",),
        search_terms=("assembly", "packaging", "contract manufacturing", "warehouse"),
    ),
    ActivityArea(
        code="care",
        label_sv="Omsorg och personlig service",
        label_en="Care & personal services",
        cpv_divisions=("85", "98"),
        keywords=(
            "omsorg", "äldreomsorg", "hemtjänst", "boendestöd", "personlig assistans", "assistansverksamhet",
            "daglig verksamhet", "lss", "hvb", "gruppboende", "stödboende", "frisör", "hårvård", "massage",
            "fotvård", "skönhetsvård",
        ),
        # 87 residential care, 88 social work without accommodation, 9602 hairdressing and beauty, 9604 body care.
        sni_prefixes=("87", "88", "9602", "9604"),
        search_terms=("care", "social care", "elderly care", "assistance", "hairdresser", "personal services"),
    ),
    ActivityArea(
        code="painting_construction",
        label_sv="Måleri, bygg och renovering",
        label_en="Painting, construction & renovation",
        cpv_divisions=("45",),
        keywords=(
            "måleri", "målning", "målar", "tapetser", "byggverksamhet", "byggarbet", "byggservice", "byggtjänst",
            "byggnation", "byggnadsarbet", "byggfirma", "byggföretag", "ombyggnad", "tillbyggnad", "renover",
            "köksrenover", "golvläggning", "plattsättning", "kakel", "glasmästeri", "anläggningsarbet", "markarbet",
            "rivning",
        ),
        # 41 building construction, 43 specialised construction (4334 painting and glazing).
        sni_prefixes=("41", "43"),
        search_terms=("painting", "construction", "renovation", "building work"),
    ),
    ActivityArea(
        code="vehicle_care",
        label_sv="Bilvård och biltvätt",
        label_en="Vehicle care & car wash",
        cpv_divisions=("50",),
        keywords=(
            "biltvätt", "bilvård", "bilrekond", "rekond", "fordonsvård", "fordonstvätt", "tvätt av bilar",
            "tvättning av bilar", "däckbyte", "däckhotell", "däckservice", "däckskifte", "bilverkstad", "bilservice",
            "bilreparation",
        ),
        sni_prefixes=("4520",),
        search_terms=("car wash", "car", "cars", "vehicle", "vehicles", "tyres"),
    ),
    ActivityArea(
        code="culture_media",
        label_sv="Kultur, media och tryck",
        label_en="Culture, media & printing",
        # Printing services are CPV 798: division 79.
        cpv_divisions=("92", "79"),
        keywords=(
            "kultur", "media", "medie", "film", "video", "foto", "musik", "teater", "konstnär", "konsthantverk",
            "utställning", "muse", "podd", "radio", "tryckeri", "trycksak", "tryckning", "screentryck",
            "digitaltryck", "grafisk", "formgivning", "bokbind", "reklambyrå", "reklamproduktion",
        ),
        # 18 printing, 59 film and sound, 7420 photography, 90 arts, 91 libraries, archives and museums.
        sni_prefixes=("18", "59", "7420", "90", "91"),
        search_terms=("culture", "media", "printing", "photography", "film", "music", "graphic design"),
    ),
)

# Words that start like a keyword but name no activity; as the longest match they silence the keyword.
NOT_ACTIVITIES: tuple[str, ...] = (
    "städer",  # cities, not "städ"
    "logik",  # not "logi"
)

# Places that are also customers: "tvätteri för hotell och restauranger" is a laundry, not a hotel or a
# restaurant. These keywords do not count shortly after "för" or "åt" (but do after "för att": "för att driva
# ett café" is the organisation's own café).
CUSTOMER_VENUES: frozenset[str] = frozenset({
    "restaurang", "hotell", "vandrarhem", "konferens", "butik", "kiosk", "café", "cafe", "kafé", "kafe", "kök",
    "storkök",
})
# fmt: on
_CUSTOMER_MARK = re.compile(r"(?<!\w)(?:åt|för(?! att(?!\w)))(?!\w)")
_CUSTOMER_WINDOW = 4  # words: "för hotell, restauranger och butiker" reaches the butiker

_BY_CODE: dict[str, ActivityArea] = {area.code: area for area in AREAS}


def area_by_code(code: str) -> ActivityArea:
    """The area with this code; KeyError names the codes there are."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no activity area {code!r}; the areas are {', '.join(_BY_CODE)}") from None


_NON_WORD = re.compile(r"[\W_]+")
_SWEDISH_LETTERS = frozenset("åäö")


def searchable(text: str) -> str:
    """Lower-case, diacritics off but å/ä/ö kept, punctuation to spaces: 'Café & Second-hand' -> 'cafe second hand'."""
    lowered = text.casefold()
    if not lowered.isascii():
        lowered = "".join(ch if ch in _SWEDISH_LETTERS or ch.isascii() else fold(ch) for ch in lowered)
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def _keyword_index() -> dict[str, tuple[str | None, str]]:
    """Searchable keyword -> (area code or None for a non-activity, the keyword as the table writes it)."""
    index: dict[str, tuple[str | None, str]] = {}
    entries = [(area.code, kw) for area in AREAS for kw in area.keywords] + [(None, kw) for kw in NOT_ACTIVITIES]
    for code, keyword in entries:
        key = searchable(keyword)
        if key in index and index[key][0] != code:
            # One keyword, two areas: the table is contradictory and the result would depend on dict order.
            raise ValueError(f"keyword {keyword!r} is in both {index[key][0]} and {code}")
        index.setdefault(key, (code, keyword))
    return index


_KEYWORDS = _keyword_index()
# Longest first: at one position the regex takes the first alternative that matches, so the longest keyword
# wins, and scanning resumes after it, so a keyword inside a longer match ("elektronik" in "återvinning av
# elektronik") is not seen again.
_KEYWORD_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(k) for k in sorted(_KEYWORDS, key=lambda k: (-len(k), k))) + ")"
)
_SNI_PREFIXES: dict[str, str] = {prefix: area.code for area in AREAS for prefix in area.sni_prefixes}


def keyword_areas(text: str) -> list[tuple[str, str]]:
    """(area code, keyword as written in the table) for each keyword found in the text, in text order."""
    found: list[tuple[str, str]] = []
    words = searchable(text)
    for match in _KEYWORD_RE.finditer(words):
        code, keyword = _KEYWORDS[match.group()]
        if code is None:
            continue
        if keyword in CUSTOMER_VENUES:
            before = words[: match.start()].split()[-_CUSTOMER_WINDOW:]
            if _CUSTOMER_MARK.search(" ".join(before)):
                continue
        found.append((code, keyword))
    return found


def activity_words(text: str) -> list[str]:
    """The words of ``text`` (searchable: lower case, å/ä/ö kept) that say what an organisation does, in
    their order: 'Snickeri Mimosa' -> ['snickeri']; 'IT-återbruket Reboot' -> ['it', 'återbruket']."""
    words = searchable(text)
    starts = [m.start() for m in re.finditer(r"\S+", words)]
    found: list[str] = []
    for match in _KEYWORD_RE.finditer(words):
        if _KEYWORDS[match.group()][0] is None:
            continue
        end = words.find(" ", match.end() - 1)
        covered = words[max(s for s in starts if s <= match.start()) : len(words) if end < 0 else end]
        found += [w for w in covered.split() if w not in found]
    return found


def _clean_sni(code: str) -> str | None:
    digits = re.sub(r"[\s.]", "", code)
    # 00000 is SCB's "unknown"; it would otherwise match nothing anyway, but keep it out of the reasons.
    if not digits.isdigit() or len(digits) < 2 or not digits.strip("0"):
        return None
    return digits


def sni_area(code: str) -> str | None:
    """The area of one SNI code by its longest listed prefix: '47792' -> 'second_hand', '47110' -> 'retail'."""
    digits = _clean_sni(code)
    if digits is None:
        return None
    for length in range(len(digits), 1, -1):
        if (area := _SNI_PREFIXES.get(digits[:length])) is not None:
            return area
    return None


@dataclass(frozen=True)
class Classification:
    # Area codes in the order of AREAS, each once.
    areas: tuple[str, ...] = ()
    # The areas' 2-digit CPV divisions, each once, sorted.
    cpv_divisions: tuple[str, ...] = ()
    # Area code -> why: 'keyword "städ" in activity', 'SNI 81210', or both joined by "; ".
    reasons: dict[str, str] = field(default_factory=dict)


def classify(
    *, texts: Mapping[str, str | None] | Iterable[str | None] = (), sni_codes: Iterable[str] = ()
) -> Classification:
    """The activity areas that texts and SNI codes show. Texts given as a mapping are named in the reasons
    by their keys ({"name": ..., "activity": ...}); texts given as a plain iterable are called "text"."""
    if isinstance(texts, str):
        # A bare string is an iterable of characters: every single letter would be searched on its own.
        raise TypeError("texts must be a mapping or an iterable of strings, not a single string")
    labelled = texts.items() if isinstance(texts, Mapping) else (("text", text) for text in texts)
    keyword_reasons: dict[str, str] = {}
    for label, text in labelled:
        if not text:
            continue
        for code, keyword in keyword_areas(text):
            keyword_reasons.setdefault(code, f'keyword "{keyword}" in {label}')
    sni_reasons: dict[str, str] = {}
    for sni in sni_codes:
        if (code := sni_area(sni)) is not None:
            sni_reasons.setdefault(code, f"SNI {_clean_sni(sni)}")
    areas = tuple(area.code for area in AREAS if area.code in keyword_reasons or area.code in sni_reasons)
    reasons = {
        code: "; ".join(reason for reason in (keyword_reasons.get(code), sni_reasons.get(code)) if reason)
        for code in areas
    }
    cpv = tuple(sorted({division for code in areas for division in _BY_CODE[code].cpv_divisions}))
    return Classification(areas=areas, cpv_divisions=cpv, reasons=reasons)


def classify_organisation(
    name: str | None,
    *,
    activity: str | None = None,
    categories: str | None = None,
    business_description: str | None = None,
    sni_codes: str | None = None,
) -> Classification:
    """classify() for an organisation's fields as the registry stores them; sni_codes is comma-separated."""
    return classify(
        texts={
            "name": name,
            "activity": activity,
            "categories": categories,
            "business description": business_description,
        },
        sni_codes=[code for code in (sni_codes or "").split(",") if code.strip()],
    )


_CPV_QUERY = re.compile(r"cpv ?(\d{2})(?:\d{6})?(?: \d)?|(\d{2})(?:\d{6})?(?: \d)?")
_SNI_QUERY = re.compile(r"(?:sni ?)?(\d{5})|sni ?(\d{2,4})")
# Shorter queries match only whole terms: "car" must not find "care" and "carpentry".
_MIN_PREFIX_QUERY = 4


def area_codes_matching(query: str) -> list[str]:
    """The areas a user's search word means, in table order: 'catering', 'städning', 'cleaning', 'CPV 90', '90'
    (a CPV division), '90910000-9' (a CPV code), '56100' or 'SNI 81' (SNI codes), an area code. Empty if none."""
    q = searchable(query)
    if not q:
        return []
    if match := _CPV_QUERY.fullmatch(q):
        division = match.group(1) or match.group(2)
        return [area.code for area in AREAS if division in area.cpv_divisions]
    if match := _SNI_QUERY.fullmatch(q):
        if match.group(1):
            found = sni_area(match.group(1))
            return [found] if found else []
        prefix = match.group(2)
        return [
            area.code for area in AREAS if any(p.startswith(prefix) or prefix.startswith(p) for p in area.sni_prefixes)
        ]
    exact = {code for code, _ in keyword_areas(q)}
    for area in AREAS:
        names = {searchable(area.code), searchable(area.label_sv), searchable(area.label_en)}
        names.update(searchable(term) for term in area.search_terms)
        if q in names:
            exact.add(area.code)
    if exact:
        return [area.code for area in AREAS if area.code in exact]
    if len(q) < _MIN_PREFIX_QUERY:
        return []
    # Nothing exact: the query as the beginning of a term, label or keyword ("furn", "trädg", "bicyc").
    found: set[str] = set()
    for area in AREAS:
        candidates = [area.label_sv, area.label_en, *area.search_terms, *area.keywords]
        if any(searchable(candidate).startswith(q) for candidate in candidates):
            found.add(area.code)
    return [area.code for area in AREAS if area.code in found]


def _examples(area: ActivityArea, count: int = 6) -> list[str]:
    """The first keywords, spelling variants left out ("cafe" after "café") to show more of what is found."""
    seen: set[str] = set()
    examples: list[str] = []
    for keyword in area.keywords:
        if (key := fold(keyword)) not in seen:
            seen.add(key)
            examples.append(keyword)
    return examples[:count]


def markdown_table() -> str:
    """The table of areas as docs/activity_areas.md shows it."""
    rows = [
        "| Code | Svenska | English | CPV divisions | SNI 2007 prefixes | Example keywords |",
        "|---|---|---|---|---|---|",
    ]
    for area in AREAS:
        cpv = "<br>".join(area.cpv_titles)
        sni = ", ".join(area.sni_prefixes) or "-"
        keywords = ", ".join(f"`{kw}`" for kw in _examples(area))
        rows.append(f"| `{area.code}` | {area.label_sv} | {area.label_en} | {cpv} | {sni} | {keywords} |")
    return "\n".join(rows) + "\n"


DOC_PATH = PROJECT_ROOT / "docs" / "activity_areas.md"
TABLE_START = "<!-- activity-areas table: generated by `python -m registry.reference.activity_areas`, do not edit -->\n"
TABLE_END = "<!-- end of activity-areas table -->\n"


def table_section(document: str) -> str:
    """The generated part of the document, between its markers."""
    start = document.index(TABLE_START) + len(TABLE_START)
    return document[start : document.index(TABLE_END, start)]


def with_current_table(document: str) -> str:
    start = document.index(TABLE_START) + len(TABLE_START)
    end = document.index(TABLE_END, start)
    return document[:start] + markdown_table() + document[end:]


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the table in docs/activity_areas.md; with --check, only report whether it is out of date."""
    args = list(sys.argv[1:] if argv is None else argv)
    document = DOC_PATH.read_text(encoding="utf-8")
    updated = with_current_table(document)
    if "--check" in args:
        if updated != document:
            print(f"{DOC_PATH} is out of date: run python -m registry.reference.activity_areas", file=sys.stderr)
            return 1
        return 0
    if updated != document:
        DOC_PATH.write_text(updated, encoding="utf-8")
        print(f"rewrote the table in {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
