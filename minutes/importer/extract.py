"""Facts inside free text: decision outcomes, amounts in kroner, promised follow-ups."""

import bisect
import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from minutes.importer.dates import MONTHS

# --- Outcomes ------------------------------------------------------------------------
# Order matters only for reading; every category is tested and a mix becomes "other".
_NEGATED_APPROVAL = [
    r"\bikke (?:godkendt|tiltrådt|vedtaget|anbefalet)\b", r"\b(?:godkendes|anbefales|tiltrædes|imødekommes) ikke\b",
    r"\bkan ikke (?:godkende|anbefale|tiltræde)\b",
]
_OUTCOME_PATTERNS = {
    "rejected": [
        r"\bafvis(?:t|er|es)\b", r"\bforkast(?:et|er|es)\b", *_NEGATED_APPROVAL, r"\bfaldt\b", r"\bnedstemt\b",
    ],
    "postponed": [r"\budsat\b", r"\budsætter\b", r"\budsættes\b", r"\budskud(?:t|es)\b", r"\bgenoptages\b"],
    "recommended": [
        r"\banbefal(?:es|er|et)\b", r"\bindstilles? til (?:godkendelse|byrådet|kommunalbestyrelsen)\b",
        r"\bmed anbefaling\b", r"\boversendes\b",
    ],
    "noted": [
        r"\btil efterretning\b", r"\btil orientering\b", r"\borientering(?:en)? (?:blev )?taget\b",
        r"\btaget til\b", r"\bingen bemærkninger\b", r"\borienteret\b",
    ],
    "discussed": [r"\bdrøftet\b", r"\bdrøftede\b", r"\bdrøftelse(?:n)? (?:blev )?gennemført\b", r"\bdrøfter\b"],
    "approved": [
        r"\bgodkend(?:t|te|er|es)\b", r"\btiltr(?:ådt|æder|ædes)\b", r"\bvedta(?:get|ger|ges)\b",
        r"\bfølger indstillingen\b", r"\bindstillingen (?:blev )?(?:fulgt|godkendt)\b", r"\bbevilg(?:et|er|es)\b",
    ],
}
_COMPILED = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in _OUTCOME_PATTERNS.items()}
_NEGATED = re.compile("|".join(_NEGATED_APPROVAL), re.IGNORECASE)
# A vote on an amendment ("Ændringsforslaget faldt.") is not the decision on the item itself.
_AMENDMENT = re.compile(r"\bændringsforslag", re.IGNORECASE)


def _outcomes(text: str) -> set[str]:
    affirmative = _NEGATED.sub(" ", text)  # "ikke godkendt" is no approval
    return {
        name for name, patterns in _COMPILED.items()
        if any(p.search(text if name == "rejected" else affirmative) for p in patterns)
    }


def classify_outcome(text: str) -> str:
    """approved / recommended / noted / discussed / rejected / postponed / other.

    An answer that approves one point and rejects another ("At 1) blev godkendt. At 2) blev ikke
    godkendt.") is "other": the text says which."""
    text = " ".join(text.split())
    if not text:
        return "other"
    found = _outcomes(text)
    if len(found) > 1:
        own = " ".join(text[a:b] for a, b in sentence_spans(text) if not _AMENDMENT.search(text[a:b]))
        found = _outcomes(own) or found
    if {"recommended", "approved"} <= found:
        found.discard("approved")  # "Anbefales godkendt": the body recommends approval
    if "postponed" in found and len(found) > 1 and not re.search(r"\buds(?:at|ætter|ættes)\b", text, re.IGNORECASE):
        found.discard("postponed")  # "Godkendt. Sagen genoptages i foråret 2024": a follow-up, not a delay
    if {"noted", "discussed"} <= found:
        found.discard("discussed")  # "drøftede og tog orienteringen til efterretning"
    return found.pop() if len(found) == 1 else "other"


# --- Amounts -------------------------------------------------------------------------
_AMOUNT = re.compile(
    r"(?<![\d.,])(?P<number>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<decimals>\d{1,2}))?"
    r"\s*(?P<scale>mio\.?|mill\.?|millioner|million|mia\.?|mrd\.?|milliarder|tusind|t\.)?"
    r"\s*(?P<currency>kr\b\.?|kroner\b|dkk\b)",
    re.IGNORECASE,
)
_SCALES = {"mio": 10**6, "mill": 10**6, "millioner": 10**6, "million": 10**6, "mia": 10**9, "mrd": 10**9,
           "milliarder": 10**9, "tusind": 10**3}


@dataclass
class FoundAmount:
    text: str
    kroner: Decimal
    start: int = 0  # where in the text it was written


def find_amounts(text: str) -> list[FoundAmount]:
    found = []
    for match in _AMOUNT.finditer(text):
        try:
            value = Decimal(match["number"].replace(".", "") + "." + (match["decimals"] or "0"))
        except InvalidOperation:
            continue
        scale = (match["scale"] or "").lower().rstrip(".")
        if scale == "t":
            value *= 1000  # "1.500 t.kr."
        elif scale:
            value *= _SCALES.get(scale, 1)
        if value > 0:
            found.append(FoundAmount(match.group().strip(), value, match.start()))
    return found


# --- Follow-ups -----------------------------------------------------------------------
_SEASONS = {"foråret": (3, 5), "sommeren": (6, 8), "efteråret": (9, 11), "vinteren": (1, 2),
            "forår": (3, 5), "sommer": (6, 8), "efterår": (9, 11), "vinter": (1, 2)}
_MONTH_NAMES = "|".join(m for m in MONTHS if len(m) > 3 and MONTHS[m] and m not in (
    "january", "february", "march", "june", "july", "october"))
_ORDINAL = {"1.": 1, "første": 1, "2.": 2, "andet": 2, "anden": 2, "3.": 3, "tredje": 3, "4.": 4, "fjerde": 4}
# Every period ends in a year. Finding the years is cheap; the full pattern is then tried
# only on the few words before each year (trying it at every character is ten times slower).
_PERIOD = re.compile(
    rf"\b(?:(?P<season>foråret|sommeren|efteråret|vinteren|forår|sommer|efterår|vinter)\s+(?P<sy>20\d\d)"
    rf"|(?:(?P<part>primo|medio|ultimo|starten af|slutningen af|udgangen af)\s+)?"
    rf"(?P<month>{_MONTH_NAMES})\s+(?P<my>20\d\d)"
    rf"|(?P<q>1\.|2\.|3\.|4\.|første|andet|tredje|fjerde)\s+kvartal\s+(?P<qy>20\d\d)"
    rf"|(?P<h>1\.|2\.|første|andet|anden)\s+halvår\s+(?P<hy>20\d\d)"
    rf"|(?:inden\s+)?(?:udgangen|slutningen)\s+af\s+(?P<ey>20\d\d))$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"20\d\d(?!\d)")
_PERIOD_REACH = 60  # characters before a year that a period can start at ("slutningen af september  2025")


def find_periods(text: str):
    """(start in text, match) of every named period (_PERIOD's groups), left to right."""
    for year in _YEAR.finditer(text):
        end = year.end()
        if year.start() and text[year.start() - 1].isalnum():
            continue  # part of a longer word or number
        start = max(0, year.start() - _PERIOD_REACH)
        while start > 0 and text[start - 1].isalnum():
            start -= 1  # begin the window at a word's start, so \b means what it says
        match = _PERIOD.search(text, start, end)
        if match:
            yield match.start(), match
_PROMISE = re.compile(
    r"\b(?:status|orienter(?:es|ing|et)|forelægge(?:s|lse)?|evaluering(?:en)?|evalueres|opfølgning|"
    r"ser frem til|vende(?:r)? tilbage|afrapporter(?:ing|es)|genoptage(?:s|lse)|tilbage til udvalget|"
    r"præsenteres|fremlægges|drøftes igen|ny sag)\b",
    re.IGNORECASE,
)


@dataclass
class FoundFollowUp:
    sentence: str
    period: str
    due_start: datetime.date
    due_end: datetime.date


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_range(match: re.Match) -> tuple[datetime.date, datetime.date]:
    if match["season"]:
        first, last = _SEASONS[match["season"].lower()]
        year = int(match["sy"])
        return datetime.date(year, first, 1), _month_end(year, last)
    if match["month"]:
        year, month = int(match["my"]), MONTHS[match["month"].lower()]
        part = (match["part"] or "").lower()
        if part in ("primo", "starten af"):
            return datetime.date(year, month, 1), datetime.date(year, month, 10)
        if part in ("ultimo", "slutningen af", "udgangen af"):
            return datetime.date(year, month, 20), _month_end(year, month)
        return datetime.date(year, month, 1), _month_end(year, month)
    if match["q"]:
        year, quarter = int(match["qy"]), _ORDINAL[match["q"].lower()]
        return datetime.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if match["h"]:
        year, half = int(match["hy"]), _ORDINAL[match["h"].lower()]
        return datetime.date(year, 6 * half - 5, 1), _month_end(year, 6 * half)
    year = int(match["ey"])
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# Two patterns that each start with a fixed set of characters, which the regular expression
# engine skips to (one pattern with a look-behind or a leading \s* is tried at every character).
_SENTENCE_END = re.compile(r"[.!?][ \t]+(?=[A-ZÆØÅ\"“”»])")  # the break starts after the mark
_LINE_BREAK = re.compile(r"[^\S\n]*\n\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, roughly: breaks after . ! ? before a capital, and at line breaks."""
    breaks = [(match.start() + 1, match.end()) for match in _SENTENCE_END.finditer(text)]
    if "\n" in text:
        breaks += [match.span() for match in _LINE_BREAK.finditer(text)]
        breaks.sort()
    spans, start = [], 0
    for begin, end in breaks:
        if begin >= start:  # a sentence end followed by a line break is one break
            spans.append((start, begin))
            start = end
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" •-–")]


class Sentences:
    """The sentences of a text (sentence_spans), split on first use only; which one holds a position."""

    def __init__(self, text: str):
        self.text = text
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] = []

    def span_at(self, position: int) -> tuple[int, int]:
        if self._spans is None:
            self._spans = sentence_spans(self.text)
            self._starts = [a for a, _ in self._spans]
        return self._spans[max(0, bisect.bisect_right(self._starts, position) - 1)]

    def at(self, position: int) -> str:
        a, b = self.span_at(position)
        return self.text[a:b].strip(" •-–")


def find_follow_ups(text: str, after: datetime.date | None,
                    sentences: Sentences | None = None) -> list[FoundFollowUp]:
    """Sentences promising to come back to the subject in a named period after the meeting.

    The text is scanned once for periods; only the sentences holding one are read for a promise.
    `sentences` may be passed when the caller has already split the same text.
    """
    found = []
    promised = None
    done_until = -1  # one follow-up per sentence: its first period still to come
    for position, match in find_periods(text):
        if position < done_until:
            continue
        if promised is None:
            promised = _PROMISE.search(text) is not None
        if not promised:
            return found
        sentences = sentences or Sentences(text)
        a, b = sentences.span_at(position)
        if match.end() > b:  # the period runs over a line or sentence break: not one sentence
            continue
        start, end = period_range(match)
        if after is not None and end <= after:
            continue  # a period already past at the meeting is history, not a promise
        sentence = text[a:b]
        if not _PROMISE.search(sentence):
            continue
        found.append(FoundFollowUp(sentence.strip(" •-–"), " ".join(match.group().split()), start, end))
        done_until = b
    return found
