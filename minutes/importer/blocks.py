"""Recognisers for the building blocks every referat layout is made of.

Each function looks at one line (or one short text) and says what block it is:
an item heading, a case line, a status word, a group heading, a section heading,
a decision heading, an absence line, navigation. Layouts differ in how they
combine these blocks, not in the blocks themselves, so an unseen layout built
from them still reads.
"""

import functools
import re
from dataclasses import dataclass

from minutes.importer.dates import find_dates

# --- Status words: open or closed ------------------------------------------------------
# Anything that says "closed" closes an item; when in doubt, closed.
_CLOSED_WORDS = (
    r"lukket(?:\s+(?:punkt|sag|møde|dagsorden))?|lukkede\s+(?:punkter|sager|dagsordenspunkter)|"
    r"fortrolig(?:t|e)?(?:\s+(?:punkt|sag))?|closed(?:\s+item)?|ikke\s+offentlig(?:t)?|"
    r"(?:til\s+behandling\s*[-–—]?\s*)?for\s+lukkede\s+døre|unntatt\s+offentlighet"
)
_OPEN_WORDS = (r"åben(?:t)?(?:\s+(?:punkt|sag|møde|dagsorden))?|åbne\s+(?:punkter|sager|dagsordenspunkter)|"
               r"offentlig(?:t)?")
_CLOSED_ALONE = re.compile(rf"^[(\[]?\s*(?:{_CLOSED_WORDS})\s*[)\]]?[.:]?$", re.IGNORECASE)
_OPEN_ALONE = re.compile(rf"^[(\[]?\s*(?:{_OPEN_WORDS})\s*[)\]]?[.:]?$", re.IGNORECASE)
# At the end of a line: "… Initialer: mkj Lukket sag", "Sagsnr.: 1    Lukket", "… (Lukket)".
_CLOSED_AT_END = re.compile(rf"(?:^|\s|[(\[,–-])(?:{_CLOSED_WORDS})\s*[)\]]?\.?$", re.IGNORECASE)
_OPEN_AT_END = re.compile(rf"(?:^|\s|[(\[,–-])(?:{_OPEN_WORDS})\s*[)\]]?\.?$", re.IGNORECASE)
# Before a title: "Lukket punkt: Personsag", "Lukket - Title", "(Lukket) Title", "Fortroligt: …".
CLOSED_PREFIX = re.compile(rf"^[(\[]?(?:{_CLOSED_WORDS})[)\]]?\s*(?:[:–—-]\s*|(?<=[)\]])\s+)", re.IGNORECASE)
_OPEN_PREFIX = re.compile(r"^(?:åbent|åben)(?:\s+(?:punkt|sag))?\s*:\s*", re.IGNORECASE)
_CLOSED_SUFFIX = re.compile(rf"\s*(?:[-–—]\s*|[(\[]\s*)(?:{_CLOSED_WORDS})\s*[)\]]?\s*$", re.IGNORECASE)
_OPEN_SUFFIX = re.compile(r"\s*[(\[]\s*(?:åbent|åben)(?:\s+(?:punkt|sag))?\s*[)\]]\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # the passes over one document
def status_line(line: str) -> bool | None:
    """True for a line that is only a closed status ("Lukket", "(Lukket punkt)", "Fortroligt"),
    False for an open one ("Åbent", "Åben sag"), None otherwise."""
    text = line.strip()
    if len(text) > 60:
        return None
    if _CLOSED_ALONE.match(text):
        return True
    if _OPEN_ALONE.match(text):
        return False
    return None


def status_at_end(text: str) -> bool | None:
    """The status word a label line ends with ("Dok.nr.: 3 Sagsid.: 16/1 Initialer: mkj Lukket sag")."""
    text = text.strip()
    if _CLOSED_AT_END.search(text):
        return True
    if _OPEN_AT_END.search(text):
        return False
    return None


def strip_status(title: str) -> tuple[str, bool | None]:
    """A title without its status words, and what they said (None: no status word)."""
    status = None
    for pattern, value in ((_CLOSED_SUFFIX, True), (CLOSED_PREFIX, True), (_OPEN_SUFFIX, False),
                           (_OPEN_PREFIX, False)):
        if pattern.search(title):
            title = pattern.sub("", title).strip()
            status = True if (value or status) else False
    return title, status


def closed_marker(line: str) -> bool:
    """A line that marks something closed: a status line, a title with a closed prefix or
    suffix, a label line ending in a closed status, a "for lukkede døre" group heading.
    Inside an open item's text such a line means a heading was not recognised."""
    low = line.lower()
    if "lukke" not in low and "fortrolig" not in low and "closed" not in low and "offentlig" not in low and (
            "unntatt" not in low):
        return False  # no closed word: the common case, without a pattern
    text = line.strip().lstrip("•·▪*-– ").strip()
    if not text or len(text) > 300:
        return False
    if status_line(text) or CLOSED_PREFIX.match(text) or _CLOSED_SUFFIX.search(text):
        return True
    if re.search(r"for\s+lukkede\s+døre", text, re.IGNORECASE) and len(text) <= 80:
        return True
    return bool((case_line(text) or _LABEL_RUN.search(text)) and status_at_end(text))


# --- Group headings (not items) ---------------------------------------------------------
_GROUP_LETTERED = re.compile(r"^[A-H]\.\s+[A-ZÆØÅ][^.]{2,70}$")
_GROUP_WORDS = re.compile(
    rf"^(?:(?:{_CLOSED_WORDS}|{_OPEN_WORDS})(?:\s+(?:del|dagsorden|møde|punkter|sager|dagsordenspunkter))?"
    r"|(?:sager|punkter)\s+(?:til\s+(?:afgørelse|beslutning|orientering|drøftelse)|på\s+lukket\s+møde)\b.*"
    r"|til\s+behandling\b.*)$",
    re.IGNORECASE,
)


_ITEM_STATUS = re.compile(r"^[(\[]?(?:åben|åbent|lukket|fortrolig[te]?|closed)(?:\s+(?:punkt|sag|item))?[)\]]?[.:]?$",
                          re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # the passes over one document
def group_heading(line: str) -> tuple[str, bool | None] | None:
    """("A. Sager til afgørelse i byrådet", None), ("Lukkede punkter", True),
    ("Åbne dagsordenspunkter", False): a heading over a group of items, and the status it gives them."""
    text = line.strip()
    if not text or len(text) > 80 or _ITEM_STATUS.match(text):
        return None  # "Åbent", "Lukket punkt": one item's status, not a group's
    if _GROUP_LETTERED.match(text) or _GROUP_WORDS.match(text):
        body = text[3:] if _GROUP_LETTERED.match(text) else text
        if re.search(rf"(?:{_CLOSED_WORDS})", body, re.IGNORECASE):
            return text, True
        if re.search(rf"^(?:{_OPEN_WORDS})\b", body, re.IGNORECASE):
            return text, False
        return text, None
    return None


# --- Item headings ---------------------------------------------------------------
_NUMBER = r"\d{1,4}(?:\.\d{1,3})*"
_BULLET = r"(?:[•·▪●◦■]\s*)"
_ITEM_PREFIXED = re.compile(
    rf"^{_BULLET}?(?P<prefix>Punkt|Pkt\.?|Dagsordenspunkt|Dagsordenpunkt|Sag\s+nr\.?|Sagnr\.?|Sag|Nr\.?|Item)"
    rf"\s*(?P<number>{_NUMBER})(?![\d/-])\s*(?:[.:)–—-](?=\s|[A-ZÆØÅ]))?\s*(?P<title>\S.*)$",
    re.IGNORECASE,
)
# "12. Title", "12) Title", "12.Title" (a number run into a capitalised title), "12 - Title".
_ITEM_NUMBERED = re.compile(
    rf"^{_BULLET}?(?P<number>{_NUMBER})(?:[.)]\s+|\.(?=[A-ZÆØÅ])|\s+[-–—:]\s+|:\s*)(?P<title>\S.*)$"
)
_ITEM_DECIMAL = re.compile(r"^(?P<number>\d{1,4}\.\d{1,3})\s+(?P<title>\S.*)$")
_ITEM_BULLETED = re.compile(rf"^{_BULLET}(?P<number>\d{{1,4}})\s+(?P<title>[A-ZÆØÅ0-9].*)$")

_TYPE_MARKER = re.compile(r"\s*\((?P<type>[BOD])\)\s*$")
_TRAILING_PAGE = re.compile(r"(?:\s*\.{3,}\s*|\s+)\d{1,4}$|\s*\.{3,}\s*$")


@dataclass
class Heading:
    number: str
    title: str
    item_type: str | None
    closed: bool
    prefixed: bool  # "Punkt 4 …", "Nr.71 - …", "• 1 …": a heading by its form alone
    indented: bool
    status: bool | None = None  # what a status word in the heading said


_HEADING_STARTS = set("PpDdSsNnIi•·▪●◦■")


def item_heading(line: str) -> Heading | None:
    """A line shaped like a numbered item heading, with its markers taken off the title."""
    indented = line[:1] == " "
    stripped = line.strip()
    if not stripped or not (stripped[0].isdigit() or stripped[0] in _HEADING_STARTS):
        return None
    match = _ITEM_PREFIXED.match(stripped)
    prefixed = match is not None
    if not match:
        match = _ITEM_BULLETED.match(stripped)
        prefixed = match is not None
    if not match:
        match = _ITEM_NUMBERED.match(stripped) or _ITEM_DECIMAL.match(stripped)
    if not match:
        return None
    title, item_type, status = clean_title(match["title"])
    if not title or title.startswith(("(", ")")) and not title.endswith(")"):
        return None
    return Heading(match["number"], title, item_type, bool(status), prefixed, indented, status)


def clean_title(title: str) -> tuple[str, str | None, bool | None]:
    """(title, type, status) of a heading's title with its "(B)" and "(Lukket)" markers taken off."""
    title, status = strip_status(title.strip())
    item_type = None
    type_match = _TYPE_MARKER.search(title)
    if type_match:
        item_type = type_match["type"]
        title = title[: type_match.start()].rstrip()
        title, later = strip_status(title)
        status = True if (status or later) else (later if status is None else status)
    return title, item_type, status


def number_key(number: str) -> tuple[int, ...]:
    """An item number for comparing: "10.2" → (10, 2)."""
    return tuple(int(part) for part in number.split("."))


def toc_title(title: str) -> str:
    """A title as a table of contents prints it, without dot leaders and page number."""
    return _TRAILING_PAGE.sub("", title).rstrip(". ").strip()


def looks_like_title(heading: Heading) -> bool:
    """Item titles start with a capital or a digit and read as a title, not a sentence
    ("1. at dagsordenen godkendes." and "1. At Byrådet godkender …" are recommendations)."""
    first = heading.title[0]
    if first.isalpha() and not first.isupper():
        return False
    if re.match(r"^(?:At|Ad)\s", heading.title):
        return False
    return len(heading.title) <= 300


# --- Lines inside an item ----------------------------------------------------------
_CASE_LABEL = r"Sagsnr|Sags\s?nr|Sagsnummer|Sagsid|Sags-id|Sag\s?nr|Sag(?=\s*:)|J\.\s?nr|Journalnr|Journalnummer"
_CASE_LINE = re.compile(
    rf"^(?P<label>{_CASE_LABEL})\.?\s*:?\s*(?P<number>[\w./-]*\d[\w./-]*)(?P<rest>.*)$",
    re.IGNORECASE,
)
_CASE_IN_LINE = re.compile(
    rf"(?:^|\s)(?P<label>{_CASE_LABEL})\.?\s*:?\s*(?P<number>[\w./-]*\d[\w./-]*)", re.IGNORECASE,
)
_LABEL_RUN = re.compile(r"(?:^|\s)(?:Dok\.?\s?nr|Dokumentnr|Akt\s?id|Initialer|Sagsinitialer|Sagsbehandler)\.?\s*:",
                        re.IGNORECASE)
_BARE_CASE_ID = re.compile(r"^(?:[A-ZÆØÅ]{2,6}-\d{2,4}-\d{2,}|\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d+-\d{2})$")
_KLE_ACCESS = re.compile(
    rf"^(?P<status>{_OPEN_WORDS}|{_CLOSED_WORDS})\s*[-–—:]\s*(?P<number>[\w./-]*\d[\w./-]*)$", re.IGNORECASE,
)
_KLE = re.compile(r"^\d{2}\.\d{2}\.\d{2}(?:-[\wÆØÅæøå]+)*$")


@functools.lru_cache(maxsize=4096)  # the passes over one document
def case_line(line: str) -> tuple[str, str] | None:
    """("23-021728", rest) for "Sagsnr.: 23-021728  Dok.nr.: 1234", also when the case label
    stands after another label ("Dok.nr.: 3187 Sagsid.: 16/2214 Initialer: mkj Åben sag")."""
    text = line.strip()
    if len(text) > 200:
        return None
    match = _CASE_LINE.match(text)
    # "Sag nr. 6: Title" is an item heading: after "Sag nr." only an id with a separator or 4+ digits.
    if match and not (re.fullmatch(r"sag\s?nr", match["label"], re.IGNORECASE)
                      and match["number"].isdigit() and len(match["number"]) < 4):
        return match["number"].rstrip("."), match["rest"].strip()
    if _LABEL_RUN.match(text):
        inner = _CASE_IN_LINE.search(text)
        if inner:
            rest = (text[: inner.start()] + " " + text[inner.end():]).strip()
            return inner["number"].rstrip(".,"), rest
    return None


def is_kle(number: str) -> bool:
    """A KLE number with facet and serial ("15.20.00-G01-41-23")."""
    return bool(_KLE.match(number))


def bare_case_id(line: str) -> str | None:
    """A case id alone on its line ("EMN-2025-003871")."""
    text = line.strip()
    return text if _BARE_CASE_ID.match(text) else None


@functools.lru_cache(maxsize=4096)  # the passes over one document
def kle_access_line(line: str) -> tuple[bool, str] | None:
    """(closed, case or KLE number) for "Åbent - 15.20.00-G01-41-23", "Lukket - 27.24.00-G01-18-23",
    "Åbent - 24/9120"."""
    match = _KLE_ACCESS.match(line.strip())
    if not match:
        return None
    return bool(re.match(_CLOSED_WORDS, match["status"], re.IGNORECASE)), match["number"]


_PARTY_NAMES = re.compile(
    r"^(?:[A-ZÆØÅ][\wæøåÆØÅ.'-]+(?:\s+[A-ZÆØÅ][\wæøåÆØÅ.'-]+){0,4}\s*\([A-ZÆØÅ]{1,3}\))"
    r"(?:\s*(?:,|og)\s*[A-ZÆØÅ][\wæøåÆØÅ.'-]+(?:\s+[A-ZÆØÅ][\wæøåÆØÅ.'-]+){0,4}\s*\([A-ZÆØÅ]{1,3}\))*\.?$"
)


def names_line(line: str) -> list[str] | None:
    """Names with party letters and nothing else ("Marianne Holt (C), Rasmus Hvid (A)")."""
    if not line.rstrip().endswith((")", ").")):
        return None
    text = line.strip()
    if not _PARTY_NAMES.match(text):
        return None
    return split_names(text)


ITEM_TYPE_LINES = {
    "beslutningssag": "B", "beslutningspunkt": "B", "beslutning": "B",
    "orienteringssag": "O", "orienteringspunkt": "O", "orientering": "O", "meddelelse": "O",
    "drøftelsessag": "D", "drøftelsespunkt": "D", "drøftelse": "D", "temadrøftelse": "D",
}
_TYPE_LINES = {k: v for k, v in ITEM_TYPE_LINES.items() if k.endswith(("sag", "punkt"))}


def item_type_line(line: str) -> str | None:
    """"Beslutningssag" → "B" (eDoc's "Sagsgang og sagstype" names the type on its own line)."""
    return _TYPE_LINES.get(line.strip().rstrip(".").casefold())


SECTION_HEADINGS = {
    # summary
    "sagsresumé", "sagsresume", "resumé", "resume", "sammenfatning", "kort fortalt", "kort om sagen",
    # body
    "sagens indhold", "sagsbeskrivelse", "sagsfremstilling", "beskrivelse af sagen", "baggrund",
    "sagens baggrund", "supplerende sagsfremstilling", "beskrivelse", "sagsfremstilling og økonomi",
    "supplerende oplysninger", "tidligere beslutninger", "tidligere politiske beslutninger", "historik",
    "sagsforløb", "effekt", "tidsperspektiv", "inddragelse og høring",
    # recommendation
    "indstilling", "indstillinger", "forslag til beslutning", "beslutningsforslag", "indstillingens begrundelse",
    "beslutningspunkter", "anbefaling", "anbefalinger",
    # competence and theme
    "kompetence", "beslutningskompetence", "kompetenceforhold", "beslutningstema", "formål",
    "sagsgang og sagstype", "sagsgang", "sagstype",
    # law, money, assessment
    "retligt grundlag", "retsgrundlag", "lovgrundlag", "lovgrundlag og retningslinjer", "juridisk vurdering",
    "hjemmel", "økonomi", "økonomiske konsekvenser", "økonomiske og personalemæssige konsekvenser",
    "personalemæssige konsekvenser", "bevillingsmæssige konsekvenser", "økonomi og finansiering", "finansiering",
    "økonomi og afledt drift", "bevilling", "bevillingsmæssige forhold",
    "vurdering", "administrationens vurdering", "forvaltningens vurdering", "handlemuligheder", "alternativer",
    "tværgående konsekvenser", "konsekvenser for andre udvalg", "konsekvenser",
    "sagens videre forløb", "videre forløb", "det videre forløb", "tidsplan", "proces", "opfølgning",
    "høring", "høringssvar", "kommunikation", "borgerinddragelse", "inddragelse",
    "bilag", "bilagsliste",
}
_CONSEQUENCES = re.compile(r"^[\wæøå ,-]{3,60}konsekvenser$", re.IGNORECASE)
# "BESLUTNINGSFORSLAG FRA SOCIALE FORHOLD OG BESKÆFTIGELSE", "Indstilling fra direktionen".
_SECTION_FROM = re.compile(r"^(?:beslutningsforslag|indstilling|udtalelse|høringssvar)\s+fra\s+\S.{0,80}$",
                           re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # the passes over one document
def section_heading(line: str) -> str | None:
    """The heading as printed (colon removed) when the line is a known section heading."""
    text = line.strip().rstrip(":").strip()
    if len(text) > 120:
        return None
    key = " ".join(text.split()).casefold()
    if key in SECTION_HEADINGS or (_CONSEQUENCES.match(key) and len(key.split()) <= 6):
        return text
    if _SECTION_FROM.match(text) and not text.endswith(".") and len(text.split()) <= 12:
        return text
    return None


# --- Decisions ---------------------------------------------------------------------
_DATE_WORDS = r"\d{1,2}\.?\s*[A-Za-zæøå]+\.?\s+\d{4}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}-\d{2}"
_LABEL = r"(?i:beslutning(?:er)?|udvalgets\s+beslutning|byrådets\s+beslutning|kommunalbestyrelsens\s+beslutning)"
_DECISION_FORMS = [
    # "Beslutning i Udvalget for Voksne og Handicap den 02-11-2023", "Beslutning fra …"
    re.compile(rf"^{_LABEL}\s+(?i:i|fra|på)\s+(?P<body>.+?)\s+(?i:den|d\.)\s+(?P<date>.+?)\s*:?$"),
    # "Beslutning Arbejdsmarkedsudvalget den 08-11-2023" (without "i")
    re.compile(rf"^{_LABEL}\s+(?P<body>[A-ZÆØÅ].+?)\s+(?i:den|d\.)\s+(?P<date>.+?)\s*:?$"),
    # "Beslutning i Byrådet 24-03-2021", "Beslutning i Økonomiudvalget"
    re.compile(rf"^{_LABEL}\s+(?i:i|fra|på)\s+(?P<body>[A-ZÆØÅ].*?)\s*:?$"),
    # "Beslutning den 24. marts 2021"
    re.compile(rf"^{_LABEL}\s+(?i:den|d\.)\s+(?P<date>.+?)\s*:?$"),
    # "Økonomiudvalgets beslutning i mødet den 13. maj 2024" (genitive)
    re.compile(r"^(?P<gbody>[A-ZÆØÅ][\wæøåÆØÅ-]*(?:,?\s+(?:og\s+|for\s+)?[A-ZÆØÅ][\wæøåÆØÅ-]*)*s)\s+"
               r"(?i:beslutning(?:er)?)"
               r"(?:\s+(?i:i\s+mødet|på\s+mødet))?(?:\s+(?i:den|d\.)\s+(?P<date>.+?))?\s*:?$"),
    # "Beskæftigelsesudvalget, 13-06-2023, pkt. 62"
    re.compile(rf"^(?P<body>[A-ZÆØÅ][^:]{{2,120}}?),\s*(?P<date>{_DATE_WORDS}),\s*(?i:pkt|punkt)\.?\s*\d+\.?$"),
    # "Beslutning" / "BESLUTNING" / "Beslutning:" / "Beslutning: Godkendt."
    re.compile(rf"^{_LABEL}\s*(?::\s*(?P<inline>.*))?$"),
]
_GENERIC_BODIES = {"udvalget", "byrådet", "kommunalbestyrelsen"}


@dataclass
class DecisionHeading:
    body: str | None
    date_text: str | None
    inline_text: str  # "Beslutning: Godkendt." carries its text on the heading line


def decision_heading(line: str) -> DecisionHeading | None:
    text = line.strip()
    if len(text) > 200:
        return None
    folded = text.casefold()
    if "beslutning" not in folded and "pkt" not in folded and "punkt" not in folded:
        return None
    for form in _DECISION_FORMS:
        match = form.match(text)
        if not match:
            continue
        groups = match.groupdict()
        body, date_text = groups.get("body"), groups.get("date")
        if groups.get("gbody"):
            body = groups["gbody"][:-1]
            if not re.search(r"udvalg|råd|bestyrelse|repræsentation|forum|direktion", body, re.IGNORECASE):
                continue
            if body.casefold() in _GENERIC_BODIES:
                body = None
        if body and not date_text and find_dates(body):
            position = find_dates(body)[0][0]
            body, date_text = body[:position].strip(), body[position:]
        if date_text is not None and not find_dates(date_text):
            continue  # "Beslutning i sagen den …" without a date is prose
        if body is not None and (len(body) > 150 or body[:1].islower()):
            continue
        return DecisionHeading(body.strip(" ,") if body else None, date_text,
                               (groups.get("inline") or "").strip())
    return None


_EARLIER_BODY = re.compile(r"^(?:Udvalg|Organ|Forum|Behandlet\s+i)\s*:\s*(?P<body>\S.{1,150})$", re.IGNORECASE)
_EARLIER_DATE = re.compile(r"^(?:Dato|Mødedato)\s*:\s*(?P<date>.+)$", re.IGNORECASE)


def earlier_body(line: str) -> bool:
    """The first line of an earlier body's decision block ("Udvalg: Beskæftigelsesudvalget")."""
    return bool(_EARLIER_BODY.match(line))


_EARLIER_NUMBER = re.compile(
    r"^(?:Punktnummer|Punkt\s*nr\.?|Pkt\.?\s*nr\.?)\s*:?\s*(?P<number>\d{1,4}(?:\.\d{1,3})?)\.?$", re.IGNORECASE)


def earlier_decision(lines: list[str]) -> tuple[str, str, int, str | None] | None:
    """(body, date text, lines used, item number) for an earlier body's decision block inside an
    item: "Udvalg: Beskæftigelsesudvalget" / "Dato: 13-08-2025" / "Punktnummer: 5"."""
    content = [(i, line.strip()) for i, line in enumerate(lines[:8]) if line.strip()]
    if len(content) < 2:
        return None
    body = _EARLIER_BODY.match(content[0][1])
    date = _EARLIER_DATE.match(content[1][1])
    if not body or not date or not find_dates(date["date"]):
        return None
    number = _EARLIER_NUMBER.match(content[2][1]) if len(content) > 2 else None
    if number:
        return body["body"].strip(), date["date"].strip(), content[2][0] + 1, number["number"]
    return body["body"].strip(), date["date"].strip(), content[1][0] + 1, None


# --- Absences ------------------------------------------------------------------------
_ABSENT_LABEL = re.compile(r"^(?:Fraværende|Afbud|Fravær|Ikke til stede)\s*(?::|\s)\s*(?P<names>.*)$",
                           re.IGNORECASE)
_ABSENT_SENTENCE = re.compile(
    r"(?P<names>[A-ZÆØÅ][\wæøåÆØÅ.\- ]+(?:\s\([A-ZÆØÅ]{1,3}\))?(?:\s*(?:,|og)\s*[A-ZÆØÅ][\wæøåÆØÅ.\- ]+"
    r"(?:\s\([A-ZÆØÅ]{1,3}\))?)*)\s+(?:var|er|deltog ikke|havde meldt afbud)\s*(?:fraværende|ikke til stede|afbud)?\.?$"
)
_NOBODY = {"ingen", "-", "–", "ingen fraværende", "ingen afbud", "none", "alle var mødt", "alle mødt"}


def split_names(text: str) -> list[str]:
    text = text.strip().rstrip(".")
    if text.casefold() in _NOBODY or not text:
        return []
    parts = re.split(r"\s*,\s*|\s+og\s+|\s*;\s*", text)
    return [p.strip() for p in parts if p.strip() and p.strip().casefold() not in _NOBODY]


def absence_label(line: str) -> list[str] | None:
    """Names from a "Fraværende: Peter Dam (C)" line; [] for "Fraværende: Ingen"; None if no such line."""
    text = line.strip()
    match = _ABSENT_LABEL.match(text)
    if not match or re.match(r"^afbud\s+fra\b", text, re.IGNORECASE):
        return None
    # "Afbud: Torben Wind. Gitte Sørup Møller deltog ikke …": the names end with the first sentence.
    return split_names(re.split(r"\.\s+(?=[A-ZÆØÅ])", match["names"], maxsplit=1)[0])


def absence_sentence(line: str) -> list[str] | None:
    """Names from "Hans Kirk (V) var fraværende." and "Afbud fra Jonas Ravnkilde."."""
    text = line.strip()
    folded = text.casefold()
    if "fraværende" not in folded and "afbud" not in folded:
        return None
    sent = re.search(r"\bafbud\s+fra\s+(?P<names>[^.]+?)\s*(?:\.|$)", text, re.IGNORECASE)
    if sent:
        return split_names(sent["names"])
    match = _ABSENT_SENTENCE.search(text)
    if not match or not re.search(r"fraværende|afbud|ikke til stede", text, re.IGNORECASE):
        return None
    if match["names"].casefold().startswith(("der ", "det ", "han ", "hun ")):
        return None
    return split_names(match["names"])


# --- Lines that are navigation, not content ----------------------------------------
NAVIGATION = {
    "til toppen", "tilbage til toppen", "til top", "hent som fil:", "hent som fil", "print", "udskriv",
    "udskriv hele dagsordnen", "udskriv hele dagsordenen", "udskriv hele referatet", "udskriv punkt",
    "fold alle ud", "fold alle ind", "fold ud", "fold ind", "fold dette punkt ind", "fold dette punkt ud",
    "tilbage til oversigt", "tilbage", "del", "del på facebook", "vis bilag", "skjul bilag", "læs mere",
}


def is_navigation(line: str) -> bool:
    return len(line) < 60 and line.strip().lstrip("•·▪»›").strip().casefold() in NAVIGATION


_RULE = re.compile(r"\s*(?:[-_*=]\s*){3,}")


def is_rule(line: str) -> bool:
    """A Markdown horizontal rule or a line of dashes/underscores."""
    first = line.lstrip()[:1]
    return first in ("-", "_", "*", "=") and bool(_RULE.fullmatch(line))


_PAGE_NUMBER = re.compile(
    r"^(?:Side|Page|Sida|s\.)\s*\d{1,4}(?:\s*(?:af|/|of|ud af)\s*\d{1,4})?$|^\d{1,4}\s*/\s*\d{1,4}$", re.IGNORECASE)


def page_number(line: str) -> bool:
    """A page footer or header: "Side 3 af 12", "Side 198", "3/12"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


END_OF_MEETING = {"bilagsliste", "underskriftsblad", "underskrifter", "underskrift"}
_MEETING_CLOSED = re.compile(r"^(?:mødet\s+(?:blev\s+)?(?:hævet|sluttede|afsluttet)|mødet\s+slut)\b.*$",
                             re.IGNORECASE)


def meeting_end(line: str) -> bool:
    """"Mødet hævet kl. 10.35"."""
    return bool(_MEETING_CLOSED.match(line.strip()))
