"""Recognisers for the building blocks every referat layout is made of.

Each function looks at one line (or one short text) and says what block it is:
an item heading, a case line, a section heading, a decision heading, an absence
line, a header label. Layouts differ in how they combine these blocks, not in
the blocks themselves, so an unseen layout built from them still reads.
"""

import re
from dataclasses import dataclass

from minutes.importer.dates import find_dates

# --- Item headings ---------------------------------------------------------------
_NUMBER = r"\d{1,4}(?:\.\d{1,3})*"
_ITEM_PREFIXED = re.compile(
    rf"^(?P<prefix>Punkt|Pkt\.?|Dagsordenspunkt|Dagsordenpunkt|Sag|Sag nr\.?)\s*(?P<number>{_NUMBER})"
    r"\s*[.:)]?\s+(?P<title>\S.*)$",
    re.IGNORECASE,
)
_ITEM_NUMBERED = re.compile(rf"^(?P<number>{_NUMBER})(?:\.|\))\s+(?P<title>\S.*)$")
_ITEM_DECIMAL = re.compile(r"^(?P<number>\d{1,4}\.\d{1,3})\s+(?P<title>\S.*)$")

_TYPE_MARKER = re.compile(r"\s*\((?P<type>[BOD])\)\s*$")
_CLOSED_SUFFIX = re.compile(r"\s*[-–(]\s*lukket(?:\s+punkt|\s+sag)?\s*\)?\s*$", re.IGNORECASE)
_CLOSED_PREFIX = re.compile(r"^lukket(?:\s+punkt|\s+sag)?\s*[:–-]\s*", re.IGNORECASE)


@dataclass
class Heading:
    number: str
    title: str
    item_type: str | None
    closed: bool
    prefixed: bool  # "Punkt 4 …": a heading by its form alone
    indented: bool


def item_heading(line: str) -> Heading | None:
    """A line shaped like a numbered item heading, with its markers taken off the title."""
    indented = line[:1] == " "
    stripped = line.strip()
    match = _ITEM_PREFIXED.match(stripped)
    prefixed = match is not None
    if not match:
        match = _ITEM_NUMBERED.match(stripped) or _ITEM_DECIMAL.match(stripped)
    if not match:
        return None
    title = match["title"].strip()
    item_type = None
    type_match = _TYPE_MARKER.search(title)
    if type_match:
        item_type = type_match["type"]
        title = title[: type_match.start()].rstrip()
    closed = False
    for pattern in (_CLOSED_SUFFIX, _CLOSED_PREFIX):
        if pattern.search(title):
            closed = True
            title = pattern.sub("", title).strip()
    if not title:
        return None
    return Heading(match["number"], title, item_type, closed, prefixed, indented)


def looks_like_title(heading: Heading) -> bool:
    """Item titles start with a capital or a digit and read as a title, not a sentence
    ("1. at dagsordenen godkendes." is a recommendation, not an item)."""
    first = heading.title[0]
    if first.isalpha() and not first.isupper():
        return False
    return len(heading.title) <= 300


# --- Lines inside an item ----------------------------------------------------------
_CASE_LINE = re.compile(
    r"^(?P<label>Sagsnr|Sags\s?nr|Sagsnummer|Sagsid|Sags-id|Sag nr|J\.\s?nr|Journalnr|Journalnummer)\.?\s*:?\s*"
    r"(?P<number>[\w./-]*\d[\w./-]*)(?P<rest>.*)$",
    re.IGNORECASE,
)


def case_line(line: str) -> tuple[str, str] | None:
    """("23-021728", rest) for "Sagsnr.: 23-021728  Dok.nr.: 1234"."""
    match = _CASE_LINE.match(line.strip())
    if not match:
        return None
    return match["number"].rstrip("."), match["rest"].strip()


def access_line(line: str) -> bool | None:
    """True for a "Lukket" line, False for "Åbent", None otherwise."""
    word = line.strip().rstrip(".").casefold()
    if word in ("lukket", "lukket punkt", "lukket sag"):
        return True
    if word in ("åbent", "åben", "åbent punkt", "åben sag"):
        return False
    return None


ITEM_TYPE_LINES = {
    "beslutningssag": "B", "beslutningspunkt": "B", "beslutning": "B",
    "orienteringssag": "O", "orienteringspunkt": "O", "orientering": "O", "meddelelse": "O",
    "drøftelsessag": "D", "drøftelsespunkt": "D", "drøftelse": "D", "temadrøftelse": "D",
}


def item_type_line(line: str) -> str | None:
    """"Beslutningssag" → "B" (eDoc's "Sagsgang og sagstype" names the type on its own line)."""
    return {k: v for k, v in ITEM_TYPE_LINES.items() if k.endswith(("sag", "punkt"))}.get(line.strip().casefold())


SECTION_HEADINGS = {
    # summary
    "sagsresumé", "sagsresume", "resumé", "resume", "sammenfatning", "kort fortalt",
    # body
    "sagens indhold", "sagsbeskrivelse", "sagsfremstilling", "beskrivelse af sagen", "baggrund",
    "sagens baggrund", "supplerende sagsfremstilling",
    "supplerende oplysninger", "tidligere beslutninger", "tidligere politiske beslutninger", "historik",
    # recommendation
    "indstilling", "indstillinger", "forslag til beslutning", "beslutningsforslag", "indstillingens begrundelse",
    # competence and theme
    "kompetence", "beslutningskompetence", "kompetenceforhold", "beslutningstema", "formål",
    "sagsgang og sagstype", "sagsgang", "sagstype",
    # law, money, assessment
    "retligt grundlag", "lovgrundlag", "lovgrundlag og retningslinjer", "juridisk vurdering", "hjemmel",
    "økonomi", "økonomiske konsekvenser", "økonomiske og personalemæssige konsekvenser",
    "personalemæssige konsekvenser", "bevillingsmæssige konsekvenser", "økonomi og finansiering", "finansiering",
    "vurdering", "administrationens vurdering", "forvaltningens vurdering", "handlemuligheder", "alternativer",
    "tværgående konsekvenser", "konsekvenser for andre udvalg", "konsekvenser",
    "sagens videre forløb", "videre forløb", "det videre forløb", "tidsplan", "proces", "opfølgning",
    "høring", "høringssvar", "kommunikation", "borgerinddragelse", "inddragelse",
    "bilag", "bilagsliste",
}
_CONSEQUENCES = re.compile(r"^[\wæøå ,-]{3,60}konsekvenser$", re.IGNORECASE)


def section_heading(line: str) -> str | None:
    """The heading as printed (colon removed) when the line is a known section heading."""
    text = line.strip().rstrip(":").strip()
    key = " ".join(text.split()).casefold()
    if key in SECTION_HEADINGS or (_CONSEQUENCES.match(key) and len(key.split()) <= 6):
        return text
    return None


# --- Decisions ---------------------------------------------------------------------
_DECISION_LABEL = r"(?:Beslutning(?:er)?|Udvalgets beslutning|Byrådets beslutning|Kommunalbestyrelsens beslutning)"
_DECISION_FORMS = [
    # "Beslutning i Udvalget for Voksne og Handicap den 02-11-2023"
    re.compile(rf"^{_DECISION_LABEL}\s+(?:i|fra|på)\s+(?P<body>.+?)\s+(?:den|d\.)\s+(?P<date>.+?)\s*:?$"),
    # "Beslutning i Byrådet 24-03-2021", "Beslutning i Økonomiudvalget"
    re.compile(rf"^{_DECISION_LABEL}\s+(?:i|fra|på)\s+(?P<body>[A-ZÆØÅ].*?)\s*:?$"),
    # "Beslutning den 24. marts 2021"
    re.compile(rf"^{_DECISION_LABEL}\s+(?:den|d\.)\s+(?P<date>.+?)\s*:?$"),
    # "Beslutning" / "Beslutning:" / "Beslutning: Godkendt."
    re.compile(rf"^{_DECISION_LABEL}\s*(?::\s*(?P<inline>.*))?$"),
]


@dataclass
class DecisionHeading:
    body: str | None
    date_text: str | None
    inline_text: str  # "Beslutning: Godkendt." carries its text on the heading line


def decision_heading(line: str) -> DecisionHeading | None:
    text = line.strip()
    for form in _DECISION_FORMS:
        match = form.match(text)
        if not match:
            continue
        groups = match.groupdict()
        body, date_text = groups.get("body"), groups.get("date")
        if body and not date_text and find_dates(body):
            position = find_dates(body)[0][0]
            body, date_text = body[:position].strip(), body[position:]
        if date_text is not None and not find_dates(date_text):
            return None  # "Beslutning i sagen den …" without a date is prose
        if body is not None and len(body) > 150:
            return None
        return DecisionHeading(body.strip() if body else None, date_text, (groups.get("inline") or "").strip())
    return None


# --- Absences ------------------------------------------------------------------------
_ABSENT_LABEL = re.compile(r"^(?:Fraværende|Afbud|Fravær)\s*(?::|\s)\s*(?P<names>.*)$", re.IGNORECASE)
_ABSENT_SENTENCE = re.compile(
    r"(?P<names>[A-ZÆØÅ][\wæøåÆØÅ.\- ]+(?:\s\([A-ZÆØÅ]{1,3}\))?(?:\s*(?:,|og)\s*[A-ZÆØÅ][\wæøåÆØÅ.\- ]+"
    r"(?:\s\([A-ZÆØÅ]{1,3}\))?)*)\s+(?:var|er|deltog ikke|havde meldt afbud)\s*(?:fraværende|ikke til stede|afbud)?\.?$"
)
_NOBODY = {"ingen", "-", "–", "ingen fraværende", "ingen afbud", "none"}


def split_names(text: str) -> list[str]:
    text = text.strip().rstrip(".")
    if text.casefold() in _NOBODY or not text:
        return []
    parts = re.split(r"\s*,\s*|\s+og\s+|\s*;\s*", text)
    return [p.strip() for p in parts if p.strip() and p.strip().casefold() not in _NOBODY]


def absence_label(line: str) -> list[str] | None:
    """Names from a "Fraværende: Peter Dam (C)" line; [] for "Fraværende: Ingen"; None if no such line."""
    match = _ABSENT_LABEL.match(line.strip())
    if not match:
        return None
    return split_names(match["names"])


def absence_sentence(line: str) -> list[str] | None:
    """Names from "Hans Kirk (V) var fraværende."."""
    text = line.strip()
    if "fraværende" not in text.casefold() and "afbud" not in text.casefold():
        return None
    match = _ABSENT_SENTENCE.search(text)
    if not match or not re.search(r"fraværende|afbud|ikke til stede", text, re.IGNORECASE):
        return None
    if match["names"].casefold().startswith(("der ", "det ", "han ", "hun ")):
        return None
    return split_names(match["names"])


# --- Lines that are navigation, not content ----------------------------------------
NAVIGATION = {"til toppen", "tilbage til toppen", "til top", "hent som fil:", "hent som fil", "print", "udskriv"}


def is_navigation(line: str) -> bool:
    return line.strip().casefold() in NAVIGATION


def is_rule(line: str) -> bool:
    """A Markdown horizontal rule or a line of dashes/underscores."""
    return bool(re.fullmatch(r"\s*(?:[-_*=]\s*){3,}", line))
