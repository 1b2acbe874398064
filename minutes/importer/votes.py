"""Votes, reservations and attendance in a decision's text, and absences that name items.

`read_decision(lines)` reads one decision: its votes ("For stemte: V og I", "For: 20 (A, B …)",
"V stemte imod.", "Et flertal (A, V) anbefaler …", "5 medlemmer (A+V) …"), its remarks as
printed (reservations, protocol remarks), who did not take part ("Afbud: …", "X deltog ikke i
behandlingen af punktet", "X var inhabil") and who met instead ("I stedet mødte Y"). The
decision's text stays whole; only "Afbud:"/"Fraværende:" label lines are fields, as they always
were. The outcome is read from the text without the votes of the losing side, the remarks and
the attendance sentences, so "Et mindretal (Ø) kan ikke anbefale" does not turn a recommendation
into a rejection.

`apply_attendance(meeting)` then places what names items ("X deltog ikke under punkterne
12-15", "X forlod mødet efter punkt 5", "X deltog fra punkt 3"), in the meeting's header or in
any decision taken at the meeting, on the decisions of the items concerned.

Plain data in and out: no Django here.
"""

import re
from dataclasses import dataclass, field

from minutes.importer import blocks

SIDES = ("for", "against", "abstained")

# --- Who: parties and names -----------------------------------------------------------------
_WORD = r"[A-ZÆØÅ][\w'’\-]*\.?"
_PARTY = r"\([A-ZÆØÅ]{1,3}\)"
NAME = rf"{_WORD}(?:\s+(?:{_WORD}|von|van|de|la|le|du))*(?:\s*{_PARTY})?"
NAMES = rf"{NAME}(?:\s*[,+]\s*{NAME})*(?:\s+(?:og|samt)\s+{NAME})?"
# Capitalised words that start a sentence but name nobody: "Udvalget stemte …" is no member's vote.
_NOBODY = {
    "der", "det", "den", "de", "han", "hun", "alle", "ingen", "sagen", "forslaget", "indstillingen", "punktet",
    "herefter", "derefter", "dernæst", "dog", "endvidere", "desuden", "også", "samtlige", "mødet", "beslutningen",
    "ændringsforslaget", "afstemningen", "godkendt", "anbefales", "tiltrådt", "vedtaget", "et", "en", "to",
}
_BODY_WORD = re.compile(r"(?:udvalg(?:et)?|rådet|bestyrelsen|repræsentationen)$", re.IGNORECASE)
_NUMBER_WORDS = {
    "ingen": 0, "et": 1, "en": 1, "ét": 1, "én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
    "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tyve": 20,
}
_COUNT = r"(?:\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
# Who a side may be besides parties and names: "resten", "de øvrige medlemmer", "alle øvrige".
_GROUP_WORDS = {"resten", "de", "øvrige", "alle", "samtlige", "hele", "partierne", "medlemmerne", "ingen"}


def _count(text: str | None) -> int | None:
    if not text:
        return None
    text = text.casefold()
    return int(text) if text.isdigit() else _NUMBER_WORDS.get(text)


def split_who(text: str) -> list[str]:
    """"A, B, C, F, O og Ø" → the parts as printed; a comma inside "(…)" does not split."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char in ",+;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    found = []
    for part in parts:
        found += re.split(r"\s+(?:og|samt)\s+(?![^()]*\))", part)
    return [p.strip(" .") for p in found if p.strip(" .")]


def _are_people(names: list[str]) -> bool:
    """Each part is a party or a person, not a body or a word that starts a sentence."""
    for name in names:
        words = name.split("(")[0].split()
        if not words or words[0].casefold().rstrip(".") in _NOBODY or _BODY_WORD.search(words[-1]):
            return False
    return bool(names)


# --- Votes ---------------------------------------------------------------------------------
def _labels(side_words: str) -> str:
    """"For stemte", "For forslaget stemte", "Stemte for:", "For:", "For 20 (…)"."""
    about = r"(?:\s+(?:forslaget|indstillingen|ændringsforslaget|det\s+oprindelige\s+forslag|[\wæøå-]+s\s+forslag))?"
    return (
        rf"(?:{side_words}){about}\s+(?:stemte|stemmer|stemmede)\b\s*:?"
        rf"|(?:stemte|stemmer)\s+(?:{side_words})\s*:|(?:{side_words})\s*:|(?:{side_words})(?=\s+\d{{1,3}}\s*(?:\(|$|:))"
    )


_LABEL = re.compile(
    r"(?:^|(?<=[.;,:!?])\s+)(?:"
    rf"(?P<for>{_labels('for|ja')})|(?P<against>{_labels('imod|nej')})"
    r"|(?P<abstained>undl(?:od|ader)\s+at\s+stemme\s*:?|undlod\s*:|hverken\s+for\s+eller\s+imod(?:\s+stemte)?\s*:?"
    r"|blanke?(?:\s+stemmer)?\s*:|stemte\s+blankt\s*:?|afstod\s+fra\s+at\s+stemme\s*:?))",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(r",?\s+(?:idet|mens|medens|hvorefter|hvorved|hvormed|hvilket|dog|så)\b")
_SIDE_SPEC = re.compile(
    rf"^(?P<count>{_COUNT})\b(?:\s+(?:stemmer|medlemmer|stemte|personer))?\s*(?::\s*(?P<after>.+)|\((?P<inner>.*)\))?$"
    rf"|^(?P<who>.*?)\s*\((?P<trailing>{_COUNT})(?:\s+(?:stemmer|medlemmer))?\)$",
    re.IGNORECASE,
)


def side(text: str) -> dict | None:
    """The value after a vote label: "20 (A, B og Ø)" → {"count": 20, "who": ["A", "B", "Ø"]};
    "V og I" → {"count": None, "who": ["V", "I"]}; "Ingen" and "0" → count 0. None when it names
    nobody ("For 3 år siden …" is no vote)."""
    text = text.strip().rstrip(".").strip()
    match = _SIDE_SPEC.match(text)
    if match and match["count"]:
        value = {"count": _count(match["count"]), "who": split_who(match["after"] or match["inner"] or "")}
    elif match and match["trailing"]:
        value = {"count": _count(match["trailing"]), "who": split_who(match["who"])}
    else:
        value = {"count": None, "who": split_who(text)}
    if not value["who"]:
        return value if value["count"] is not None else None
    for name in value["who"]:
        if not (name[:1].isupper() or name.split()[0].casefold() in _GROUP_WORDS):
            return None
    return value


def _cut_side(segment: str) -> tuple[str, str]:
    """(the value after a label, the rest of the line): a list ends at a subordinate clause or at
    a sentence end ("… og Ø. Godkendt."), not at an initial inside a name ("Lars Chr. Nielsen")."""
    clause = _SUBORDINATE.search(segment)
    segment, rest = (segment[: clause.start()], segment[clause.start():]) if clause else (segment, "")
    for end in re.finditer(r"\.\s+(?=\S)", segment):
        last_part = re.split(r",|\s+og\s+|\(", segment[: end.start()])[-1].split()
        initial = len(last_part) >= 2 and len(last_part[-1]) <= 3 and last_part[-1][:1].isupper()
        if not initial:
            return segment[: end.start()], segment[end.end():] + rest
    return segment, rest


_SIDE_WORD = r"(?P<side>hverken\s+for\s+eller\s+imod|for|imod|blankt|nej)"
_SUBJECT_VOTE = re.compile(
    rf"(?<!\w)(?P<who>{NAMES})\s+(?:stemte|stemmer|stemmede)\s+{_SIDE_WORD}(?!\w)"
    rf"|(?<!\w)(?P<abstainers>{NAMES})\s+(?:undl(?:od|ader)\s+at\s+stemme|afst(?:od|år)\s+fra\s+at\s+stemme)"
    rf"|(?<!\w)(?P<opponents>{NAMES})\s+(?:kan|kunne)\s+ikke\s+(?:anbefale|godkende|tiltræde|støtte)"
)
# "Herefter stemte V imod": the subject after the verb.
_INVERTED_VOTE = re.compile(rf"^[A-ZÆØÅ]\w*,?\s+(?:stemte|stemmer)\s+(?P<who>{NAMES})\s+{_SIDE_WORD}(?!\w)")
_GROUP = re.compile(
    rf"^(?:(?i:et|det)\s+(?P<kind>(?i:flertal|mindretal))|(?P<kind2>(?i:flertallet|mindretallet))"
    rf"|(?P<count>(?i:{_COUNT}))\s+(?i:medlem(?:mer)?|byrådsmedlemmer|udvalgsmedlemmer|partier))"
    rf"(?:\s+(?:på|af)\s+(?P<size>(?i:{_COUNT}))(?:\s+(?:medlemmer|stemmer))?)?"
    rf"(?:\s+bestående\s+af\s+(?P<listed>{NAMES})|\s*\((?P<who>[^()]*(?:\([^()]*\)[^()]*)*)\))?"
    rf",?\s+(?P<verb>\S.*)$"
)
_VOTING_VERB = re.compile(
    r"^(?:\w+\s+){0,2}(?:stem\w*|anbefal\w*|godkend\w*|tiltr\w*|støtte\w*|vedt\w*|undl\w*|imod|afvis\w*|forkast\w*"
    r"|ønske\w*|foresl\w*|indstill\w*|kan|kunne|vil|ville|går|gik|bakke\w*|var|er|hverken)\b",
    re.IGNORECASE,
)
_ABSTAINING = re.compile(r"undl|hverken\s+for\s+eller\s+imod|blankt|afst[åo]d|ikke\s+stilling", re.IGNORECASE)
_OPPOSING = re.compile(
    r"\bimod\b|\bnej\b|\b(?:kan|kunne|vil|ville)\s+ikke\b|\bafvis|\bforkast"
    r"|\b(?:anbefal|godkend|tiltræ|støt|vedt)\w*\s+ikke\b",
    re.IGNORECASE,
)
_TALLY = re.compile(
    rf"\bmed\s+(?P<for>{_COUNT})\s+(?:stemmer\s+)?(?:for\b\s*(?:,|og)?\s*|mod\s+)(?P<against>{_COUNT})"
    rf"(?:\s+stemmer)?(?:\s+imod)?(?:\s*(?:,|og)\s*(?P<abstained>{_COUNT})\s+(?:der\s+)?"
    rf"(?:undlod|hverken|blanke?|stemte\s+blankt))?",
    re.IGNORECASE,
)
_VOTE_HINT = re.compile(r"stem|flertal|mindretal|medlem|partier|ikke\s+(?:anbefale|godkende|tiltræde|støtte)",
                        re.IGNORECASE)
_SUB_POINT = re.compile(r"^(?P<about>(?:Ad|At|Pkt|Punkt)\.?\s*\d{1,2}[.:)]*)\s*", re.IGNORECASE)


def _side_of(verb: str) -> str:
    if _ABSTAINING.search(verb):
        return "abstained"
    return "against" if _OPPOSING.search(verb) else "for"


@dataclass
class _Vote:
    side: str
    value: dict
    about: str | None
    majority: bool = False  # "Et flertal …": the outcome is read from its sentence
    minority: bool = False


def _group_vote(sentence: str, about: str | None) -> _Vote | None:
    """"Et flertal (A, V) anbefaler …", "3 medlemmer (C og O) kunne ikke anbefale …"."""
    match = _GROUP.match(sentence)
    if not match or not _VOTING_VERB.match(match["verb"]):
        return None
    kind = (match["kind"] or match["kind2"] or "").casefold()
    who = split_who(match["who"] or match["listed"] or "")
    count = _count(match["count"] or match["size"])
    if not who and count is None:
        return None
    side_name = _side_of(match["verb"])
    majority = kind.startswith("flertal") or (not kind and side_name == "for")
    return _Vote(side_name, {"count": count, "who": who}, about, majority, kind.startswith("mindretal"))


def _sentence_votes(sentence: str) -> tuple[list[_Vote], str]:
    """The votes a sentence states, and what is left of it for reading the outcome."""
    if not _VOTE_HINT.search(sentence):
        return [], sentence
    about = None
    prefix = _SUB_POINT.match(sentence)
    if prefix:
        about = prefix["about"].rstrip(":. )")
    body = sentence[prefix.end():] if prefix else sentence
    group = _group_vote(body, about)
    if group:
        return [group], sentence if group.majority else ""
    inverted = _INVERTED_VOTE.match(body)
    if inverted and _are_people(split_who(inverted["who"])):
        vote = _Vote(_side_of(inverted["side"]), {"count": None, "who": split_who(inverted["who"])}, about)
        return [vote], body[: inverted.start()] + body[inverted.end():]
    found, left = [], body
    for match in _SUBJECT_VOTE.finditer(body):
        who = split_who(match["who"] or match["abstainers"] or match["opponents"])
        if not _are_people(who):
            continue
        side_name = _side_of(match["side"]) if match["who"] else "abstained" if match["abstainers"] else "against"
        found.append(_Vote(side_name, {"count": None, "who": who}, about))
        left = left.replace(match.group(), " ")
    if found:
        return found, left
    tally = _TALLY.search(body)
    if tally:  # "Godkendt med 20 stemmer mod 6": the sentence says the outcome too
        found = [_Vote(name, {"count": _count(tally[name]), "who": []}, about) for name in SIDES if tally[name]]
        return found, sentence
    return [], sentence


def _oppose_minorities(votes: list[_Vote]) -> None:
    """"Et flertal (A, V) anbefaler … Et mindretal (C) anbefaler i stedet …": the minority stands
    against what the majority favours, unless it abstained."""
    majority = next((v for v in votes if v.majority and not v.minority), None)
    for vote in votes:
        if vote.minority and vote.side != "abstained" and majority is not None:
            vote.side = "against" if majority.side == "for" else "for"


def _rounds(votes: list[_Vote]) -> list[dict]:
    """Votes in order → rounds: a side given again, or another sub-point ("Ad. 2"), starts a new one."""
    rounds: list[dict] = []
    for vote in votes:
        current = rounds[-1] if rounds else None
        if current is None or current[vote.side] is not None or vote.about not in (None, current["about"]):
            current = {"about": vote.about, "for": None, "against": None, "abstained": None}
            rounds.append(current)
        current[vote.side] = vote.value
    return rounds


# --- Remarks -------------------------------------------------------------------------------
_REMARK = re.compile(
    r"\bt(?:og|ager|age)\s+(?:\w+\s+){0,3}forbehold\b|(?P<given>(?:med\s+)?forbehold\s+(?:fra|af)\b)|^forbehold\b"
    r"|\b(?:ført|tilført|optaget|indført)\s+(?:\w+\s+){0,2}protokol(?:len)?\b|\bprotokol(?:len)?\s+tilført\b"
    r"|\bprotokol(?:bemærkning|tilførsel|tilføjelse|lat)|\bmindretalsudtalelse|\bsærudtalelse|\bmindretalsbemærkning"
    r"|\b(?:begær|ønske)\w*\s+sagen\s+(?:indbragt|forelagt|sendt)\s+(?:for|til)\b",
    re.IGNORECASE,
)
_REMARK_HINT = re.compile(r"forbehold|protokol|udtalelse|sagen\s+(?:indbragt|forelagt|sendt)", re.IGNORECASE)
_REMARK_LABEL = re.compile(
    r"^(?:Protokol(?:bemærkning|tilførsel|tilføjelse)|Mindretalsudtalelse|Særudtalelse|Bemærkning til protokollen)"
    r"\b[^:]*:",
    re.IGNORECASE,
)


def _remark_start(sentence: str) -> int | None:
    """Where a reservation or protocol remark starts in a sentence (its subject included), or None."""
    if _REMARK_LABEL.match(sentence):
        return 0
    match = _REMARK.search(sentence)
    if not match:
        return None
    if match["given"]:  # "Godkendt med forbehold fra Ø": the decision, then the reservation
        return match.start()
    clause = max(sentence.rfind(",", 0, match.start()), sentence.rfind(" idet ", 0, match.start()))
    return clause + 1 if clause >= 0 else 0


# --- Attendance ----------------------------------------------------------------------------
_NUMBER = r"\d{1,4}(?:\.\d{1,3})?"
_RANGE_WORD = r"\s*(?:-|–|—|til\s+og\s+med|t\.o\.m\.|til)\s*"
_NUMBERS = rf"{_NUMBER}(?:{_RANGE_WORD}{_NUMBER})?(?:(?:\s*,\s*|\s+og\s+){_NUMBER}(?:{_RANGE_WORD}{_NUMBER})?)*"
_REF = (
    r"(?:behandlingen\s+af\s+)?(?:dagsordenens\s+)?"
    rf"(?i:dagsordens)?(?i:punkt(?:erne)?|pkt\.?|sag(?:erne)?|sag\s+nr\.?)\s*(?:nr\.?\s*)?(?P<nums>{_NUMBERS})(?!\d)"
)
_THIS = (
    r"(?:(?:\w+s\s+)?behandling(?:en)?(?:\s+af\s+(?:punktet|sagen|dette\s+punkt|denne\s+sag))?"
    r"|punktets\s+behandling|sagens\s+behandling|punktet|sagen|beslutningen|mødet)"
)
_WHO = rf"(?<!\w)(?P<names>{NAMES})"
# Most specific first: a later pattern does not read what an earlier one has read. Names are
# capitalised; the words around them are matched in any case only where a sentence may begin.
_ATTENDANCE = [
    # someone leaving: absent from then on
    ("left", rf"{_WHO}\s+deltog\s+ikke\s+i\s+mødet\s+(?P<when>fra)\s+(?:og\s+med\s+)?{_REF}"),
    ("left", rf"{_WHO}\s+deltog\s+(?:i\s+mødet\s+)?(?P<when>til\s+og\s+med|indtil|til)\s+{_REF}"),
    ("left", rf"{_WHO}\s+forlod\s+mødet(?:\s+kl\.?\s*[\d.:]+)?(?:\s+(?P<when>under|efter|før|inden)\s+"
             rf"(?:{_REF}|{_THIS}))?"),
    ("left", rf"^(?P<when>(?i:under|efter|før|inden))\s+{_REF},?\s+forlod\s+(?P<names>{NAMES})\s+mødet"),
    # someone arriving: absent until then
    ("arrived", rf"{_WHO}\s+deltog\s+(?:i\s+mødet\s+)?(?P<when>fra)\s+(?:og\s+med\s+)?{_REF}"),
    ("arrived", rf"{_WHO}\s+(?:ankom|kom|mødte)(?:\s+(?:op|frem|til\s+mødet))?(?:\s+kl\.?\s*[\d.:]+)?"
                rf"\s+(?P<when>under|efter|før|inden)\s+{_REF}"),
    ("arrived", rf"^(?P<when>(?i:under|efter|før|inden|fra))\s+{_REF},?\s+(?:ankom|kom|mødte|deltog)\s+"
                rf"(?P<names>{NAMES})"),
    # who did not take part: in this item, the items named, or the whole meeting
    ("absent", rf"{_WHO}\s+(?:var|blev\s+(?:erklæret|fundet)|erklærede\s+sig)\s+inhabil"
               rf"(?:\s+(?:i|under|ved)\s+(?:{_REF}|{_THIS}))?"),
    ("absent", rf"{_WHO}\s+(?:(?:deltog|deltager)\s+ikke|ikke\s+(?:deltog|deltager))"
               rf"(?:\s+(?:i|under|ved)\s+(?:mødet\s+(?:under|ved)\s+)?(?:{_REF}|{_THIS}))?"),
    ("absent", rf"{_WHO}\s+var\s+(?:forhindret\s+i\s+at\s+deltage|fraværende|ikke\s+til\s+stede)"
               rf"(?:\s+(?:i|under|ved)\s+(?:{_REF}|{_THIS}))?"),
    ("absent", rf"^(?i:afbud\s+fra)\s+(?P<names>{NAMES})"),
    # who met instead
    ("substitute", rf"^(?i:i\s*stedet)\s+(?:for\s+(?P<instead>{NAMES})\s+)?mødte\s+(?P<names>{NAMES})"),
    ("substitute", rf"{_WHO}\s+(?:mødte|deltog)\s+(?:som\s+(?:stedfortræder|suppleant)\s+)?(?:i\s+stedet\s+)?"
                   rf"for\s+(?P<instead>{NAMES})"),
    ("substitute", rf"^(?i:stedfortræder|suppleant)(?:e|er)?\s*:\s*(?P<names>{NAMES})"),
]
_ATTENDANCE_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in _ATTENDANCE]
# Words one of the patterns needs: most sentences have none and are passed over at once.
_ATTENDANCE_HINT = re.compile(
    r"deltog|deltage|fraværende|stede|inhabil|afbud|forlod|ankom|\bkom\b|mødte|stedfortræder|suppleant",
    re.IGNORECASE,
)


@dataclass
class Scope:
    """The items a statement concerns, by number: ranges of whole numbers (sub-items such as 10.1
    belong to 10), exact numbers, or the item it stands in (`this`), from there on (`onwards`)."""

    ranges: list[tuple[int | None, int | None]] = field(default_factory=list)
    exact: set[str] = field(default_factory=set)
    this: bool = False
    onwards: bool = False

    def holds(self, number: str | None, here: str | None = None) -> bool:
        major = _major(number)
        if number is None or major is None:
            return False
        if number in self.exact or (self.this and number == here):
            return True
        if self.onwards and _major(here) is not None:
            return major >= _major(here)
        return any((lo is None or major >= lo) and (hi is None or major <= hi) for lo, hi in self.ranges)


@dataclass
class Statement:
    kind: str  # absent / left / arrived / substitute
    names: list[str]
    scope: Scope | None  # None: the whole meeting
    span: tuple[int, int] = (0, 0)
    instead_of: list[str] = field(default_factory=list)  # a substitute's absent member, when named


def _major(number: str | None) -> int | None:
    head = (number or "").split(".")[0]
    return int(head) if head.isdigit() else None


def _numbers(text: str) -> Scope:
    scope = Scope()
    for part in re.split(r"\s*,\s*|(?<!til)\s+og\s+(?!med\b)", text):
        bounds = re.split(_RANGE_WORD, part, maxsplit=1)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            scope.ranges.append((int(bounds[0]), int(bounds[1])))
        elif part.strip().isdigit():
            scope.ranges.append((int(part), int(part)))
        elif part.strip():
            scope.exact.add(part.strip())
    return scope


def _shift(scope: Scope, kind: str, when: str) -> Scope:
    """"forlod mødet efter punkt 5" → items from 6 on; "deltog fra punkt 3" → the items before 3."""
    if not scope.ranges or scope.ranges[0][0] is None:
        return scope
    number = scope.ranges[0][0]
    when = " ".join(when.casefold().split())
    if kind == "left":
        return Scope(ranges=[(number + 1 if when in ("efter", "til og med") else number, None)])
    return Scope(ranges=[(None, number if when == "efter" else number - 1)])


def attendance(sentence: str) -> list[Statement]:
    """Who was absent, left, arrived or met instead, by one sentence, and for which items."""
    found: list[Statement] = []
    if not _ATTENDANCE_HINT.search(sentence):
        return found
    for kind, pattern in _ATTENDANCE_PATTERNS:
        for match in pattern.finditer(sentence):
            names = split_who(match["names"])
            if not _are_people(names) or any(s.span[0] <= match.start() < s.span[1] for s in found):
                continue
            groups = match.groupdict()
            if groups.get("nums"):
                scope = _numbers(match["nums"])
                if kind in ("left", "arrived") and groups.get("when"):
                    scope = _shift(scope, kind, match["when"])
            elif re.search(r"\bmødet$", match.group()) and kind == "absent":
                scope = None  # "X deltog ikke i mødet"
            else:
                scope = Scope(this=True, onwards=kind == "left")
            instead = split_who(groups["instead"]) if groups.get("instead") else []
            found.append(Statement(kind, names, scope, match.span(), instead))
    return found


# --- Sentences ------------------------------------------------------------------------------
_ABBREVIATIONS = {"ad", "at", "pkt", "punkt", "nr", "jf", "ca", "kl", "stk", "evt", "inkl", "ekskl", "vedr", "hhv",
                  "bl.a", "dvs", "mv", "m.v", "f.eks", "mht", "tlf", "kr", "mio", "mia", "mill", "chr", "th", "sr",
                  "jr", "dir"}


def sentences(line: str) -> list[str]:
    """The sentences of one line: a break after . ! ? before a capital, but not after an
    abbreviation ("Ad. 2", "pkt. 5") or an initial inside a name ("Lars C. Nielsen")."""
    found, start = [], 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9\"“»(])", line):
        words = line[start:match.start()].rstrip(".!?").split()
        last = words[-1].casefold() if words else ""
        initial = len(words) >= 2 and len(words[-1]) == 1 and words[-2][:1].isupper() and words[-2][1:2].islower()
        if last in _ABBREVIATIONS or initial:
            continue
        found.append(line[start:match.start()])
        start = match.end()
    found.append(line[start:])
    return [s.strip() for s in found if s.strip()]


def _logical_lines(lines: list[str]) -> list[str]:
    """Lines with a sentence wrapped onto the next line joined; a remark label ("Protokolbemærkning
    fra Ø:") takes the paragraph under it."""
    joined: list[str] = []
    in_remark = False
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            in_remark = False
            joined.append("")
            continue
        previous = joined[-1] if joined else ""
        if previous and (in_remark or (line[:1].islower() and not previous.endswith((".", ":", "!", "?")))):
            joined[-1] = f"{previous} {line}"
            continue
        joined.append(line)
        in_remark = bool(_REMARK_LABEL.match(line))
    return [line for line in joined if line]


# --- One decision ---------------------------------------------------------------------------
@dataclass
class DecisionFacts:
    lines: list[str]  # the decision's text; "Afbud:"/"Fraværende:" label lines are fields, not text
    outcome_text: str  # the text the outcome is read from: no votes against, remarks or attendance
    votes: dict | None = None
    vote_rounds: list[dict] | None = None  # every vote, when the decision records more than one
    remarks: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    substitutes: list[str] = field(default_factory=list)


_ABSENCE_HINT = re.compile(r"afbud|fravær|ikke til stede", re.IGNORECASE)


def _absence_fields(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the lines without "Afbud:"/"Fraværende:" labels, the names they give). What follows the
    names on such a line ("Afbud: Torben Wind. Gitte Sørup Møller deltog ikke …") stays text."""
    kept, absent = [], []
    for line in lines:
        if not _ABSENCE_HINT.search(line):
            kept.append(line)
            continue
        parts = sentences(line)
        first = parts[0] if parts else ""
        names = None if re.match(r"Afbud\s+fra\b", first, re.IGNORECASE) else blocks.absence_label(first)
        if names is None:
            absent += blocks.absence_sentence(line) or []
            kept.append(line)
            continue
        absent += names
        if parts[1:]:
            kept.append(" ".join(parts[1:]))
    return kept, absent


def read_decision(lines: list[str]) -> DecisionFacts:
    """What one decision's lines record besides its wording (see the module's docstring)."""
    kept, absent = _absence_fields(lines)
    text = "\n".join(kept)
    if not (_VOTE_HINT.search(text) or _ATTENDANCE_HINT.search(text) or _REMARK_HINT.search(text)
            or _LABEL.search(text)):
        return DecisionFacts(lines=kept, outcome_text=text, absent=list(dict.fromkeys(absent)))
    facts = DecisionFacts(lines=kept, outcome_text="")
    votes: list[_Vote] = []
    statements: list[Statement] = []
    outcome_lines = []
    previous = ""
    for line in _logical_lines(kept):
        if _REMARK_LABEL.match(line):  # "Protokolbemærkning fra Ø: …", the whole paragraph
            facts.remarks.append(line)
            previous = line
            continue
        labels = list(_LABEL.finditer(line))
        prose = [line[: labels[0].start()]] if labels else [line]
        about = None
        if labels:
            prefix = line[: labels[0].start()].strip()
            if prefix.endswith(":") or _SUB_POINT.fullmatch(prefix):
                about, prose = prefix.rstrip(":. ") or None, []
            elif previous.endswith(":") and not _LABEL.search(previous):
                about = previous.rstrip(": ")
        for n, label in enumerate(labels):
            end = labels[n + 1].start() if n + 1 < len(labels) else len(line)
            who, rest = _cut_side(line[label.end():end])
            value = side(who)
            if value is None:
                prose.append(line[label.start():end])
                continue
            votes.append(_Vote(label.lastgroup, value, about))
            prose.append(rest)
        for part in prose:
            for sentence in sentences(part):
                outcome_lines.append(_read_sentence(sentence, facts, votes, statements))
        previous = line

    _oppose_minorities(votes)
    rounds = _rounds(votes)
    if rounds:
        facts.votes = {name: rounds[-1][name] for name in SIDES}
        facts.vote_rounds = rounds if len(rounds) > 1 else None
    for statement in statements:
        if statement.scope is None or statement.scope.this:  # items named by number: apply_attendance
            if statement.kind == "substitute":
                facts.substitutes += statement.names
                absent += statement.instead_of
            elif statement.kind in ("absent", "left"):
                absent += statement.names
    facts.absent = list(dict.fromkeys(absent))
    facts.substitutes = list(dict.fromkeys(facts.substitutes))
    facts.outcome_text = "\n".join(line for line in outcome_lines if line.strip())
    return facts


def _read_sentence(sentence: str, facts: DecisionFacts, votes: list[_Vote], statements: list[Statement]) -> str:
    """Collect a sentence's remark, attendance and votes; return what is left of it for the outcome."""
    left = sentence
    start = _remark_start(sentence)
    if start is not None:
        facts.remarks.append(sentence)
        left = sentence[:start]
    found = attendance(left)
    if found:
        statements += found
        for statement in sorted(found, key=lambda s: s.span, reverse=True):
            left = left[: statement.span[0]] + left[statement.span[1]:]
    elif blocks.absence_sentence(left):
        left = ""
    sentence_votes, left = _sentence_votes(left)
    votes += sentence_votes
    return left


# --- The whole meeting ----------------------------------------------------------------------
def _numbered(statements: list[Statement]) -> list[Statement]:
    """The statements that reach beyond the item they stand in: items named, or "from here on"."""
    return [s for s in statements if s.scope is not None and (not s.scope.this or s.scope.onwards)]


def _statements_in(texts: list[str]) -> list[Statement]:
    found: list[Statement] = []
    texts = [text for text in texts if _ATTENDANCE_HINT.search(text)]
    for line in _logical_lines([line for text in texts for line in text.splitlines()]):
        # "Karin Madsen (V) (deltog fra punkt 3)" in a list is the sentence it abbreviates
        line = re.sub(rf"^({NAME})\s*\((.+)\)$", r"\1 \2", line)
        for sentence in sentences(line):
            found += attendance(sentence)
    return found


def apply_attendance(meeting):
    """Absences that name items on the decisions of the items concerned taken at this meeting (an
    earlier body's decision is not this meeting's: its "punkt 5" is on another agenda)."""
    header = [s for s in _statements_in([*meeting.header.values(), *meeting.absent, *meeting.participants])
              if s.scope is not None and not s.scope.this]
    placed: list[tuple[Statement, str | None]] = [(s, None) for s in header]
    for item in meeting.items:
        texts = [d.text for d in item.decisions if d.date == meeting.date]
        placed += [(s, item.number) for s in _numbered(_statements_in(texts))]
    for item in meeting.items:
        here = [d for d in item.decisions if d.date == meeting.date]
        if not here:
            continue
        names = [name for statement, where in placed if statement.kind != "substitute"
                 and statement.scope.holds(item.number, where) for name in statement.names]
        for decision in here:
            decision.absent = list(dict.fromkeys([*decision.absent, *names]))
    return meeting
