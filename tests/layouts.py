"""Layout variants: the ground truth of a golden document printed again in other layouts.

Each golden document (tests/data/importer/NAME/out.json, the dry-run meeting object)
is rendered as a whole referat text in which every block takes a randomly chosen
form: the meeting header, the item headings, case and status lines, the markers of
closed items, group headings, a table of contents, section and decision headings,
dates, page furniture, wrapping, hyphenation, soft hyphens, ligatures, web
navigation lines, line endings and encoding. The forms come from the block table in
../shared/formats/README.md, generalised; FORMS lists them, the first form of each
block being the plain one. The reader must recover the same structure from every
variant (compare()).

Every variant is meant to be read unambiguously by a careful human: a form that
would make a document ambiguous is not applicable there (a body line shaped like
the next item's heading rules that heading form out, a wrapped line never starts
with a number, a block word or a short remainder, closed items are grouped under
"Lukkede punkter" only when they come last, and so on).

Choices are drawn from random generators seeded by (variant seed, block, item), so
restricting one block to one form leaves every other choice as it was; the fuzz
script (tests/fuzz_layouts.py) uses that to find which form makes a variant fail.
"""

import copy
import dataclasses
import datetime
import fnmatch
import json
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN = Path(__file__).parent / "data" / "importer"

# The heading the reader gives text that stands before any section heading; such a
# section is printed without a heading.
UNTITLED_SECTION = "Tekst"

FORMS: dict[str, tuple[str, ...]] = {
    # meeting header: "Udvalg – Referat – 15. januar 2024" and the other forms of the table
    "header": ("dash_line", "committee_date_kind", "kind_date_labels", "label_blocks", "committee_kind_dato",
               "kind_committee_d", "til_moedet", "protokol", "one_run", "web_members"),
    "header_date": ("long", "numeric", "numeric_time", "long_time", "weekday", "weekday_comma"),
    "kind_word": ("plain", "upper", "beslutningsreferat", "beslutningsprotokol"),
    # table of contents before the items
    "toc": ("none", "same_form", "label_list", "dot_leaders", "dot_leaders_numbered", "pkt_tekst_side",
            "grouped_no_period"),
    # group headings that are not items; closed items last under a "Lukkede punkter" heading
    "group": ("none", "abc", "abc_repeated", "open_label"),
    "closed_group": ("none", "with_marks", "alone"),
    # item headings
    "heading": ("number_dot", "punkt", "punkt_colon", "pkt", "nr_dash", "bullet", "sag_nr"),
    "title_wrap": ("none", "wrapped"),
    "title_number": ("none", "numbered"),
    "type_marker": ("suffix", "line"),
    # case line and where it stands
    "case": ("sagsnr", "sagsid", "sagsnr_committee", "doknr_sagsid", "sagsinitialer", "doknr_after", "access_dash",
             "bare"),
    "case_position": ("below", "above"),
    # closed and open items
    "closed": ("paren_suffix", "paren_lower", "prefix_punkt", "prefix_lukket", "prefix_sag", "line", "line_punkt",
               "line_sag", "fortroligt", "case_end", "case_embedded"),
    "open": ("nothing", "line", "case_end"),
    # sections
    "section_case": ("as_printed", "upper", "colon", "upper_colon", "capitalised"),
    "spacing": ("blank", "compact", "web_nbsp"),
    # decisions
    "decision_place": ("after_sections", "before_sections", "after_indstilling"),
    "decision": ("i_den", "i_d", "no_i", "genitive", "comma_pkt", "bare", "upper", "plural", "colon", "inline"),
    "decision_earlier": ("i_den", "i_d", "no_i", "genitive", "comma_pkt", "udvalg_block", "i_no_date"),
    "decision_date": ("long", "numeric", "dotted", "slash_dash", "short_year"),
    "absence": ("fravaerende", "afbud", "afbud_always"),
    # what PDF and web pages leave in the text
    "nav": ("none", "til_toppen", "udskriv_bullet", "web_chrome"),
    "pages": ("none", "formfeed", "footer_of", "footer_number", "running_header", "header_footer",
              "footer_no_formfeed"),
    "wrap": ("none", "hard"),
    "hyphenate": ("none", "at_wrap"),
    "soft_hyphen": ("none", "inside_words"),
    "ligature": ("none", "fi_fl"),
    "nbsp": ("none", "some"),
    "encoding": ("utf8", "utf8_bom", "cp1252"),
    "newline": ("lf", "crlf"),
}

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MEMBERS = ("Anne Holm (A)", "Bent Vang (V)", "Camilla Dam (C)", "Erik Skov (F)", "Lise Kirk (Ø)")
PLACES = ("Mødelokale 2, Rådhuset", "Byrådssalen", "Udvalgsværelset", "Lokale 318, Rådhuset")
TYPE_LINES = {"B": "Beslutningssag", "O": "Orienteringssag", "D": "Drøftelsessag"}
GROUPS = ("A. Sager til afgørelse i byrådet", "B. Sager til afgørelse i udvalget", "C. Orientering")
OPEN_GROUPS = ("Åbne dagsordenspunkter", "Åben dagsorden")
CLOSED_GROUPS = ("Lukkede punkter", "Til behandling - for lukkede døre", "Lukket dagsorden")
TITLE_NUMBERS = ("2. behandling: ", "1. behandling: ", "4. kvartal: ")
EMBEDDED_STATUS = {"sagsnr_committee", "doknr_sagsid", "access_dash"}  # case forms that print open/closed
BARE_DECISIONS = {"bare", "upper", "plural", "colon", "inline"}  # only for the meeting's own decision

# Words a wrapped line must not start with: they begin blocks (headings, case and status
# lines, furniture, votes, "At 1)" lines) or navigation.
_BLOCK_WORDS = {
    "punkt", "pkt", "sag", "nr", "beslutning", "beslutninger", "sagsnr", "sagsid", "side", "lukket", "åbent",
    "åben", "fortroligt", "fraværende", "afbud", "udvalg", "dato", "punktnummer", "til", "udskriv", "dok",
    "at", "ad", "for", "imod", "undlod", "mødet", "bilag", "indstilling",
}
# A hyphen before these words is a suspended compound ("Social- og"), not a word broken at a wrap.
_CONJUNCTIONS = {"og", "eller", "samt", "som", "til", "men", "end", "hhv", "mv"}
_NUMBER = r"(?P<n>\d{1,4}(?:\.\d{1,3})*)"
# Body lines that would read as an item heading of the form.
_HEADING_SHAPES = {
    "number_dot": rf"{_NUMBER}\.\s+(?P<rest>.*)",
    "punkt": rf"Punkt\s+{_NUMBER}\s+(?P<rest>.*)",
    "punkt_colon": rf"Punkt\s+{_NUMBER}\s*:\s*(?P<rest>.*)",
    "pkt": rf"Pkt\.\s*{_NUMBER}\s+(?P<rest>.*)",
    "nr_dash": rf"Nr\.\s*{_NUMBER}\s*-\s*(?P<rest>.*)",
    "bullet": rf"[•·]\s*{_NUMBER}\s+(?P<rest>.*)",
    "sag_nr": rf"Sag\s+nr\.\s*{_NUMBER}\s*:\s*(?P<rest>.*)",
}
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"}


# --- Choosing forms -----------------------------------------------------------------------------
def parse_forms(spec: str) -> dict[str, set[str]]:
    """"heading.punkt_colon,closed.*,pages.footer_*" → the forms each named block may take.

    A block not named takes any of its forms. Patterns use shell wildcards.
    """
    wanted: dict[str, set[str]] = {}
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        block, _, pattern = entry.partition(".")
        if block not in FORMS:
            raise ValueError(f"unknown block {block!r} in {spec!r}; blocks: {', '.join(FORMS)}")
        matched = {form for form in FORMS[block] if fnmatch.fnmatchcase(form, pattern or "*")}
        if not matched:
            raise ValueError(f"no form of {block} matches {pattern!r}; forms: {', '.join(FORMS[block])}")
        wanted.setdefault(block, set()).update(matched)
    return wanted


def forms_from_env() -> dict[str, set[str]]:
    """The VARIANT_FORMS environment variable (see tests/test_layout_variants.py)."""
    return parse_forms(os.environ.get("VARIANT_FORMS", ""))


# Forms that apply only together with a form of another block; tried alone, they take it along.
FORM_NEEDS = {
    ("hyphenate", "at_wrap"): ("wrap", "hard"),
    ("toc", "grouped_no_period"): ("group", "abc"),
    ("closed", "case_embedded"): ("case", "sagsnr_committee"),
    ("header_date", "weekday"): ("header", "kind_date_labels"),
    ("header_date", "weekday_comma"): ("header", "committee_kind_dato"),
}


def plain_except(block: str, forms) -> dict[str, set[str]]:
    """Every block in its plain form but `block`, which takes `forms`: forms tried alone."""
    wanted = {name: {choices[0]} for name, choices in FORMS.items()}
    wanted[block] = set(forms)
    for form in forms:
        if (block, form) in FORM_NEEDS:
            other, needed = FORM_NEEDS[(block, form)]
            wanted[other] = {needed}
    return wanted


class Picker:
    """Draws each choice from a generator of its own, seeded by (seed, block, key)."""

    def __init__(self, seed: str, wanted: dict[str, set[str]]):
        self.seed = seed
        self.wanted = wanted
        self.used: dict[tuple[str, str], str] = {}  # (block, key) -> form; key "" for the document

    def rng(self, block: str, key: str = "") -> random.Random:
        return random.Random(f"{self.seed}/{block}/{key}")

    def pick(self, block: str, key: str = "", applicable=None) -> str:
        options = [form for form in FORMS[block] if applicable is None or form in applicable]
        if not options:
            raise ValueError(f"no form of {block} applies")
        allowed = [form for form in options if form in self.wanted.get(block, options)]
        form = self.rng(block, key).choice(allowed) if allowed else options[0]
        self.used[(block, key)] = form
        return form

    def note(self, block: str, key: str, form: str) -> None:
        self.used[(block, key)] = form


# --- Dates ----------------------------------------------------------------------------------------
def _long(date: datetime.date) -> str:
    return f"{date.day}. {MONTHS[date.month - 1]} {date.year}"


def _numeric(date: datetime.date) -> str:
    return date.strftime("%d-%m-%Y")


def decision_date(date: datetime.date, form: str) -> str:
    return {
        "long": _long(date),
        "numeric": _numeric(date),
        "dotted": date.strftime("%d.%m.%Y"),
        "slash_dash": f"{date.day}/{date.month}-{date.year}",
        "short_year": date.strftime("%d.%m.%y"),
    }[form]


def header_date(date: datetime.date, form: str) -> str:
    weekday = WEEKDAYS[date.weekday()]
    return {
        "long": _long(date),
        "numeric": _numeric(date),
        "numeric_time": f"{_numeric(date)} 15:00:00",
        "long_time": f"{_long(date)} kl. 08:30",
        "weekday": f"{weekday} den {_long(date)} kl. 16:00",
        "weekday_comma": f"{weekday.capitalize()}, {date.day} {MONTHS[date.month - 1]}, {date.year} - 15:00",
    }[form]


# --- Text helpers -----------------------------------------------------------------------------------
def fold(text: str) -> str:
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Text as compared: ligatures spelled out, soft hyphens dropped, words broken at a wrap
    joined again ("beskæfti- gelsesindsatsen"), whitespace folded."""
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    text = text.replace("\u00ad", "")
    conjunctions = "|".join(sorted(_CONJUNCTIONS))
    text = re.sub(rf"(?<=[a-zæøå])-\s+(?!(?:{conjunctions})\b)(?=[a-zæøå])", "", text)
    return fold(text)


def _first_word(text: str) -> str:
    words = text.split()
    return re.sub(r"[^\wæøå]", "", words[0].casefold()) if words else ""


def _safe_continuation(rest: str) -> bool:
    """A wrapped line must read as the rest of a paragraph, never as a block of its own."""
    words = rest.split()
    if len(words) < 3 or len(rest) < 20:
        return False
    first = words[0]
    if first[0].isdigit() or first[0] in "•·-–—o*" and len(first) == 1:
        return False
    return _first_word(rest) not in _BLOCK_WORDS


def _web_characters(text: str, rng: random.Random, soft_hyphens: bool, nbsp: bool) -> str:
    """Soft hyphens inside long words ("integrations\u00adindsatsen") and no-break spaces, now and then."""

    def soft_hyphen(match: re.Match) -> str:
        word = match.group()
        if rng.random() < 0.3:
            cut = rng.randint(4, len(word) - 4)
            return word[:cut] + "\u00ad" + word[cut:]
        return word

    if soft_hyphens:
        text = re.sub(r"(?<![\w-])[a-zæøå]{10,}(?![\w-])", soft_hyphen, text)
    if nbsp:
        text = re.sub(r"(?<=\w) (?=\w)", lambda _: "\u00a0" if rng.random() < 0.1 else " ", text)
    return text


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", number))  # "10.1" -> (10, 1); "12a" -> (12,)


def _genitive(body: str) -> str | None:
    return None if body[-1:].casefold() in "sxz" else f"{body}s"


# --- The variant ----------------------------------------------------------------------------------------
@dataclass
class Line:
    text: str
    kind: str  # header toc group heading meta section decision text blank nav
    item: int | None = None  # index of the item the line belongs to
    glue: bool = False  # no page break may fall right before this line


@dataclass
class Variant:
    document: str  # the golden document's folder name
    number: int  # the variant's number for that document
    base_seed: int
    spec: str  # the forms it was restricted to (VARIANT_FORMS), "" for all
    text: str  # the document as printed, before line endings and encoding
    data: bytes  # the file the reader gets
    municipality: str
    expected: dict  # what the reader must recover (see expected_meeting)
    used: dict[tuple[str, str], str]  # (block, key) -> form; key "" for the document, else "item[.decision]"
    item_lines: dict[int, tuple[int, int]] = field(default_factory=dict)  # item index -> range of text lines

    @property
    def name(self) -> str:
        return f"{self.document}#{self.number:02d}"

    def forms(self, item: int | None = None) -> dict[str, str]:
        """The forms of the document's blocks and, given an item, of that item's blocks."""
        chosen: dict[str, set[str]] = {}
        for (block, key), form in self.used.items():
            if key == "" or item is None or key.split(".")[0] == str(item):
                chosen.setdefault(block, set()).add(form)
        return {block: "+".join(sorted(forms)) for block, forms in sorted(chosen.items())}

    def unusual_forms(self, item: int | None = None) -> dict[str, str]:
        """The forms that are not the plain ones."""
        return {block: form for block, form in self.forms(item).items() if form != FORMS[block][0]}

    def command(self) -> str:
        forms = f" --forms '{self.spec}'" if self.spec else ""
        return (f".venv/bin/python -m tests.fuzz_layouts --seed {self.base_seed} --doc {self.document} "
                f"--variant {self.number}{forms} --show")

    def excerpt(self, item: int | None, lines: int = 40) -> str:
        """The printed text of an item (the document's start without one), control characters shown."""
        text_lines = self.text.split("\n")
        start, end = self.item_lines.get(item, (0, 25)) if item is not None else (0, 25)
        shown = text_lines[max(0, start - 2):min(end, start + lines)]
        return "\n".join(f"    | {visible(line)}" for line in shown)


def visible(line: str) -> str:
    return line.replace("\f", "<FF>").replace("\u00ad", "<SHY>").replace("\u00a0", "<NBSP>")


def renderable(meeting: dict) -> bool:
    """Meetings with numbered items in the dry-run shape; a note (no items) has no layout to vary."""
    items = meeting.get("items") or []
    return bool(items) and all(item.get("number") and isinstance(item.get("sections"), dict) for item in items)


def golden_meetings() -> dict[str, dict]:
    """Every golden document whose out.json can be rendered, by folder name."""
    meetings = {}
    for path in sorted(GOLDEN.glob("*/out.json")):
        meeting = json.loads(path.read_text(encoding="utf-8"))
        meeting = meeting.get("meeting", meeting)  # a whole dry-run document or its meeting
        if renderable(meeting):
            meetings[path.parent.name] = meeting
    return meetings


def make_variant(meeting: dict, base_seed: int, document: str, number: int,
                 wanted: dict[str, set[str]] | None = None) -> Variant:
    """Variant `number` of a golden document; the same arguments give the same bytes.

    `wanted` restricts blocks to some of their forms; by default VARIANT_FORMS does.
    """
    spec = os.environ.get("VARIANT_FORMS", "") if wanted is None else ""
    picker = Picker(f"{base_seed}:{document}:{number}", parse_forms(spec) if wanted is None else wanted)
    printer = _Printer(copy.deepcopy(meeting), picker)
    text = printer.document()
    return Variant(document, number, base_seed, spec, text, printer.encode(text), meeting["municipality"],
                   expected_meeting(printer.meeting), picker.used, printer.item_lines)


def render(meeting: dict, rng: random.Random) -> bytes:
    """A full referat of `meeting` with a random form for each block."""
    return make_variant(meeting, rng.getrandbits(64), "render", 0).data


class _Printer:
    def __init__(self, meeting: dict, picker: Picker):
        self.meeting = meeting
        self.pick = picker.pick
        self.picker = picker
        self.committee = fold(meeting["committee"])
        self.date = datetime.date.fromisoformat(meeting["date"])
        self.items = meeting["items"]
        self.item_lines: dict[int, tuple[int, int]] = {}
        self._number_titles()
        self._choose_document_forms()

    # -- choices that hold for the whole document
    def _number_titles(self) -> None:
        if self.pick("title_number") == "numbered":
            rng = self.picker.rng("title_number")
            item = self.items[rng.randrange(len(self.items))]
            item["title"] = rng.choice(TITLE_NUMBERS) + item["title"]

    def _choose_document_forms(self) -> None:
        pick = self.pick
        clear = [form for form in FORMS["heading"] if not self._heading_clash(form)]
        self.heading = pick("heading", applicable=clear or None)  # none clear: the golden text was already so
        self.case = pick("case", applicable=self._case_forms())
        # Above the heading only when the first item shows the habit: a case line between one item's
        # text and the next heading could otherwise close the item before it. Never a bare number.
        above_ok = self.case != "bare" and bool(self.items[0].get("case_number"))
        self.case_position = pick("case_position", applicable=None if above_ok else ["below"])
        self.open = pick("open", applicable=["nothing"] if self.case in EMBEDDED_STATUS else
                         ["nothing", "line"] if self.case == "bare" else None)
        self.open_word = self.picker.rng("open").choice(("Åbent", "Åbent punkt", "Åben sag"))
        self.type_marker = pick("type_marker")
        closed = [i for i, item in enumerate(self.items) if item["closed"]]
        closed_last = bool(closed) and closed == list(range(len(self.items) - len(closed), len(self.items)))
        self.closed_group = pick("closed_group", applicable=None if closed_last else ["none"])
        self.first_closed = closed[0] if self.closed_group != "none" else None
        self.open_count = len(self.items) if self.first_closed is None else self.first_closed
        self.closed_forms = {
            index: self.pick("closed", str(index), applicable=self._closed_forms(self.items[index]))
            for index in closed if not (self.closed_group == "alone")
        }
        self.group = pick("group")
        self.groups = self._group_starts()
        self.toc = pick("toc", applicable=[f for f in FORMS["toc"] if f != "grouped_no_period"
                                           or self.group in ("abc", "abc_repeated")])
        self.section_case = pick("section_case")
        self.spacing = pick("spacing")
        self.decision_place = pick("decision_place")
        self.decision = pick("decision")
        self.decision_earlier = pick("decision_earlier", applicable=[f for f in FORMS["decision_earlier"]
                                                                     if f != "i_no_date"])
        self.decision_date = pick("decision_date")
        self.absence = pick("absence")
        self.nav = pick("nav")
        self.wrap = pick("wrap")
        self.width = self.picker.rng("wrap").randint(70, 90)
        self.hyphenate = pick("hyphenate", applicable=None if self.wrap == "hard" else ["none"])
        self.encoding = pick("encoding", applicable=None if self._cp1252_fits() else ["utf8", "utf8_bom"])
        self.ligature = pick("ligature", applicable=["none"] if self.encoding == "cp1252" else None)

    def _body_lines(self, item: dict) -> list[str]:
        texts = [*item["sections"].values(), *(d.get("text") or "" for d in item["decisions"])]
        return [line.strip() for text in texts for line in text.split("\n") if line.strip()]

    def _heading_clash(self, form: str) -> bool:
        """A body line shaped like a title under a heading of this form, whose number could be a
        coming item ("4. Ny plan" inside item 3, with item 4 or later next), would be read as that
        item. A numbered sentence ("3. Unge skal fastholdes i uddannelse.") reads as a list entry."""
        shape = re.compile(_HEADING_SHAPES[form], re.IGNORECASE)
        for index, item in enumerate(self.items):
            low = _number_key(item["number"])
            high = _number_key(self.items[index + 1]["number"]) if index + 1 < len(self.items) else None
            for line in self._body_lines(item):
                match = shape.fullmatch(line)
                if not match or not match["rest"][:1].isupper() and not match["rest"][:1].isdigit():
                    continue
                if match["rest"].endswith((".", ":", ",", ";")):
                    continue
                number = _number_key(match["n"])
                if number > low and (high is None or number <= high):
                    return True
        return False

    def _case_forms(self) -> list[str]:
        numbers = [item["case_number"] for item in self.items if item.get("case_number")]
        bare_ok = bool(numbers) and all(re.fullmatch(r"[A-ZÆØÅ]{2,}-\S*\d\S*", n) for n in numbers)
        return [form for form in FORMS["case"] if form != "bare" or bare_ok]

    def _cp1252_fits(self) -> bool:
        try:
            json.dumps(self.meeting, ensure_ascii=False).encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    def _group_starts(self) -> dict[int, str]:
        """Item index -> the group heading printed above it."""
        starts: dict[int, str] = {}
        open_count = self.open_count
        rng = self.picker.rng("group")
        if self.group in ("abc", "abc_repeated") and open_count:
            count = min(open_count, rng.choice((2, 3)))
            cuts = sorted(rng.sample(range(1, open_count), count - 1)) if count > 1 else []
            for label, start in zip(GROUPS, [0, *cuts], strict=False):
                starts[start] = label
        elif self.group == "open_label" and open_count:
            starts[0] = rng.choice(OPEN_GROUPS)
        if self.first_closed is not None:
            starts[self.first_closed] = rng.choice(CLOSED_GROUPS)
        return starts

    # -- the document
    def document(self) -> str:
        lines = [*self._header(), *self._contents()]
        for index, item in enumerate(self.items):
            lines += self._item(index, item)
        lines = self._wrapped(lines)
        text_lines = self._paginated(lines)
        text = "\n".join(text_lines) + "\n"
        return self._characters(text)

    def _gap(self, item: int | None = None) -> list[Line]:
        blank = {"blank": [""], "compact": [], "web_nbsp": ["\u00a0"]}[self.spacing]
        return [Line(text, "blank", item) for text in blank]

    def _header(self) -> list[Line]:
        kind = self.meeting["kind"]
        word_form = self.pick("kind_word", applicable=None if kind == "referat" else ["plain", "upper"])
        word = {"plain": kind.capitalize(), "upper": kind.upper(), "beslutningsreferat": "Beslutningsreferat",
                "beslutningsprotokol": "Beslutningsprotokol"}[word_form]
        form = self.pick("header")
        no_weekday = {"til_moedet", "kind_committee_d", "one_run", "committee_date_kind", "dash_line"}
        date_forms = ["long", "numeric"] if form == "one_run" else [
            f for f in FORMS["header_date"] if form not in no_weekday or not f.startswith("weekday")]
        date = header_date(self.date, self.pick("header_date", applicable=date_forms))
        rng = self.picker.rng("header")
        place, members = rng.choice(PLACES), list(MEMBERS)
        c = self.committee
        lines = {
            "dash_line": [f"{c} {rng.choice('–-')} {word} {rng.choice('–-')} {date}"],
            "committee_date_kind": [f"{c} - {date}", "", word],
            "kind_date_labels": [word, "", date, "", f"Mødested {place}", f"Udvalg {c}",
                                 f"Mødedeltagere {', '.join(members)}"],
            "label_blocks": ["UDVALG", "", c, "", "MØDE", "", word, "", "STED", "", place, "", "STARTTIDSPUNKT", "",
                             date],
            "committee_kind_dato": [f"{c} - {word}", "", f"Dato: {date}", f"Lokale: {place}", "Tidspunkt: Kl. 19:00"],
            "kind_committee_d": [f"{word.upper()} {c} d. {date}", "", "Mødedato", date, "Mødested", place],
            "til_moedet": [word, "til", f"mødet i {c}", f"den {date}", f"i {place}"],
            "protokol": [word, date, "", f"Mødested: {place}", f"Udvalg: {c}", f"Medlemmer: {', '.join(members)}",
                         "Bemærkninger:"],
            "one_run": [c, word, f"Mødedato: {date} Mødetidspunkt: 9:30-11:00 Mødested: {place} "
                                 f"Deltagere: {', '.join(members)} Afbud: Fraværende:"],
            "web_members": [f"{c} - {word}", date, place, "", "Medlemmer", *members, "Afbud", "Ingen"],
        }[form]
        if self.nav == "web_chrome":
            lines = ["Tilbage til oversigt", *lines, "Fold alle ud", "Udskriv hele dagsordnen"]
        return [*(Line(text, "header") for text in lines), Line("", "blank"), Line("", "blank")]

    # -- table of contents
    def _contents(self) -> list[Line]:
        if self.toc == "none":
            return []
        rng = self.picker.rng("toc")
        page = rng.randint(2, 240)
        pages = []
        lines: list[str] = []
        if self.toc in ("label_list", "dot_leaders", "dot_leaders_numbered"):
            lines.append(rng.choice(("Indholdsfortegnelse", "PUNKTER", "Dagsordenspunkter")))
        elif self.toc == "pkt_tekst_side":
            lines += rng.choice((["Indholdsfortegnelse Pkt. Tekst Side"], ["Indholdsfortegnelse", "Pkt. Tekst Side"]))
        closed_mark = rng.choice(("prefix", "suffix", "none"))
        for index, item in enumerate(self.items):
            if index in self.groups and self.toc not in ("dot_leaders", "same_form"):
                lines.append(self.groups[index])
            title = item["title"]
            if item["closed"] and self.toc != "same_form":
                title = {"prefix": f"Lukket: {title}", "suffix": f"{title} (lukket)", "none": title}[closed_mark]
            page += rng.randint(0, 3)
            pages.append(str(page))
            number = item["number"]
            if self.toc == "same_form":
                lines.append(self._heading_line(index, item, wrap=False)[0])
            elif self.toc == "dot_leaders":
                lines += self._dotted(title)
            elif self.toc == "dot_leaders_numbered":
                lines += self._dotted(f"{number}. {title}", page=str(page))
            elif self.toc == "pkt_tekst_side":
                lines.append(f"{number}. {title} {page}")
            elif self.toc == "grouped_no_period":
                lines.append(f"{number} {title}")
            else:
                lines.append(f"{number}. {title}")
        if self.toc == "dot_leaders":
            lines += ["", *pages]
        return [*(Line(text, "toc") for text in lines), Line("", "blank"), Line("", "blank")]

    def _dotted(self, title: str, page: str = "") -> list[str]:
        """"Title……… 3", a long title wrapped with the leader on its last line (FirstAgenda)."""
        lines = []
        while len(title) > 70 and " " in title[:70]:
            cut = title.rindex(" ", 0, 70)
            lines.append(title[:cut])
            title = title[cut + 1:]
        lines.append(f"{title}{'.' * max(3, 90 - len(title))}{page}")
        return lines

    # -- items
    def _closed_forms(self, item: dict) -> list[str]:
        forms = [f for f in FORMS["closed"] if f not in ("case_end", "case_embedded")]
        if item.get("case_number") and self.case in EMBEDDED_STATUS:
            forms.append("case_embedded")
        elif item.get("case_number") and self.case != "bare":
            forms.append("case_end")
        return forms

    def _heading_line(self, index: int, item: dict, wrap: bool) -> list[str]:
        """The item heading with its markers, on one line or wrapped over two."""
        key = str(index)
        closed = self.closed_forms.get(index)
        prefix = {"prefix_punkt": "Lukket punkt: ", "prefix_lukket": "Lukket: ", "prefix_sag": "Lukket sag: "}.get(
            closed, "")
        suffixes = []
        if closed in ("paren_suffix", "paren_lower"):
            suffixes.append(" (Lukket)" if closed == "paren_suffix" else " (lukket)")
        if item.get("item_type") and self.type_marker == "suffix":
            suffixes.append(f" ({item['item_type']})")
        self.picker.rng("closed", key).shuffle(suffixes)
        n = item["number"]
        lead = {"number_dot": f"{n}. ", "punkt": f"Punkt {n} ", "punkt_colon": f"Punkt {n}: ", "pkt": f"Pkt. {n} ",
                "nr_dash": f"Nr.{n} - ", "bullet": f"• {n} ", "sag_nr": f"Sag nr. {n}: "}[self.heading] + prefix
        title, tail = item["title"], "".join(suffixes)
        if wrap:
            breaks = [m.start() for m in re.finditer(r" (?=[a-zæøå])", title)
                      if len(lead) + m.start() >= 30 and len(title) - m.start() >= 8
                      and _first_word(title[m.start() + 1:]) not in _BLOCK_WORDS | _CONJUNCTIONS]
            if len(lead + title) >= 50 and breaks:
                self.picker.note("title_wrap", key, "wrapped")
                cut = self.picker.rng("title_wrap", key).choice(breaks)
                return [lead + title[:cut], title[cut + 1:] + tail]
            self.picker.note("title_wrap", key, "none")
        return [lead + title + tail]

    def _case_line(self, index: int, item: dict, closed_form: str | None) -> str | None:
        case = item.get("case_number")
        if not case:
            return None
        rng = self.picker.rng("case", str(index))
        closed = item["closed"]
        document, initials = rng.randint(1000, 99999), rng.choice(("mkj", "anhø", "lhj", "kbm"))
        line = {
            "sagsnr": f"Sagsnr.: {case}",
            "sagsid": f"Sagsid.: {case}",
            "sagsnr_committee": f"Sagsnr. {case} {self.committee} {'Lukket punkt' if closed else 'Åbent punkt'}",
            "doknr_sagsid": f"Dok.nr.: {document} Sagsid.: {case} Initialer: {initials} "
                            f"{'Lukket sag' if closed else 'Åben sag'}",
            "sagsinitialer": f"Sagsid.: {case}, Sagsinitialer: {initials.upper()}",
            "doknr_after": f"Sagsnr.: {case}    Dok.nr.: {document}",
            "access_dash": f"{'Lukket' if closed else 'Åbent'} - {case}",
            "bare": case,
        }[self.case]
        if closed_form == "case_end":
            line += " " * rng.randint(3, 8) + rng.choice(("Lukket", "Lukket sag", "Lukket punkt"))
        elif not closed and self.open == "case_end":
            line += " " * rng.randint(3, 8) + self.open_word
        return line

    def _item(self, index: int, item: dict) -> list[Line]:
        key = str(index)
        closed_form = self.closed_forms.get(index)
        lines: list[Line] = []
        if self.nav == "udskriv_bullet":
            lines.append(Line(self.picker.rng("nav", key).choice(("• Udskriv", "Udskriv")), "nav", index))
        if index in self.groups:
            lines += [Line(self.groups[index], "group", index), *self._gap(index)]
        case_line = self._case_line(index, item, closed_form)
        if case_line and self.case_position == "above":
            lines.append(Line(case_line, "meta", index))
        wrap = self.pick("title_wrap", key) == "wrapped"
        heading = self._heading_line(index, item, wrap)
        glued = bool(case_line and self.case_position == "above")
        lines += [Line(text, "heading", index, glue=glued or n > 0) for n, text in enumerate(heading)]
        meta = []
        if self.group == "abc_repeated" and index < self.open_count:
            meta.append(self.groups[max(i for i in self.groups if i <= index)])
        if case_line and self.case_position == "below":
            meta.append(case_line)
        if closed_form in ("line", "line_punkt", "line_sag", "fortroligt"):
            meta.append({"line": "Lukket", "line_punkt": "Lukket punkt", "line_sag": "Lukket sag",
                         "fortroligt": "Fortroligt"}[closed_form])
        elif not item["closed"] and self.open == "line":
            meta.append(self.open_word)
        if item.get("item_type") and self.type_marker == "line":
            meta.append(TYPE_LINES[item["item_type"]])
        lines += [Line(text, "meta", index, glue=True) for text in meta]
        if len(heading) > 1 and not meta:
            lines.append(Line("", "blank", index, glue=True))  # a wrapped title ends before the text starts
        body = self._body(index, item)
        if body:
            lines += [*self._gap(index), *body]
        if self.nav == "til_toppen":
            lines += [*self._gap(index), Line("Til toppen", "nav", index)]
        lines += [Line("", "blank", index), *self._gap(index)]
        return lines

    def _body(self, index: int, item: dict) -> list[Line]:
        order = list(dict.fromkeys(item.get("section_order") or item["sections"]))
        untitled = [h for h in order if h == UNTITLED_SECTION]
        titled = [h for h in order if h != UNTITLED_SECTION]
        places = ["after_sections"]
        if item["decisions"] and not untitled and titled:
            places.append("before_sections")
        if item["decisions"] and any(h.casefold().startswith("indstilling") for h in titled[:-1]):
            places.append("after_indstilling")
        place = self.decision_place if self.decision_place in places else "after_sections"
        self.picker.note("decision_place", str(index), place)
        decisions = [line for n, d in enumerate(item["decisions"]) for line in self._decision(index, n, item, d)]
        lines: list[Line] = []
        for heading in untitled:
            lines += self._text(index, item["sections"][heading])
        if place == "before_sections":
            lines += decisions
        for heading in titled:
            lines += [Line(self._section_heading(heading), "section", index), *self._gap(index)]
            lines += self._text(index, item["sections"][heading])
            if place == "after_indstilling" and heading.casefold().startswith("indstilling"):
                lines += decisions
                place = "done"
        if place == "after_sections":
            lines += decisions
        return lines

    def _text(self, index: int, text: str) -> list[Line]:
        lines = [Line(line.strip(), "text" if line.strip() else "blank", index) for line in text.split("\n")]
        return [*lines, *self._gap(index)] if lines else []

    def _section_heading(self, heading: str) -> str:
        return {"as_printed": heading, "upper": heading.upper(), "colon": f"{heading}:",
                "upper_colon": f"{heading.upper()}:", "capitalised": heading[:1].upper() + heading[1:].lower(),
                }[self.section_case]

    def _decision(self, index: int, n: int, item: dict, decision: dict) -> list[Line]:
        key = f"{index}.{n}"
        body = fold(decision["body"] or self.committee)
        date = datetime.date.fromisoformat(decision["date"]) if decision.get("date") else None
        text = decision.get("text") or ""
        own = body.casefold() == self.committee.casefold() and date == self.date
        form = self.decision if own else self.decision_earlier
        if date is None:
            form = "i_no_date"
        elif (form == "genitive" and _genitive(body) is None) or (
                form == "inline" and ("\n" in text.strip() or len(text) > 80 or not text)):
            form = "i_den"  # no genitive of a name ending in s; only a short one-line text on the heading line
        self.picker.note("decision" if own else "decision_earlier", key, form)
        printed = decision_date(date, self.decision_date) if date else ""
        pkt = item["number"] if own else (decision.get("item_number")
                                          or str(self.picker.rng("decision", key).randint(1, 120)))
        heading = {
            "i_den": [f"Beslutning i {body} den {printed}"],
            "i_d": [f"Beslutning i {body} d. {printed}"],
            "no_i": [f"Beslutning {body} den {printed}"],
            "genitive": [f"{_genitive(body)} beslutning i mødet den {printed}"],
            "comma_pkt": [f"{body}, {_numeric(date)}, pkt. {pkt}"] if date else [],
            "udvalg_block": [f"Udvalg: {body}", f"Dato: {_numeric(date)}",
                             *([] if text.startswith("Punktnummer") else [f"Punktnummer: {pkt}"])] if date else [],
            "i_no_date": [f"Beslutning i {body}"],
            "bare": ["Beslutning"], "upper": ["BESLUTNING"], "plural": ["Beslutninger"], "colon": ["Beslutning:"],
            "inline": [f"Beslutning: {text.strip()}"],
        }[form]
        lines = [Line(line, "decision", index, glue=k > 0) for k, line in enumerate(heading)]
        if form != "inline":
            lines += [*self._gap(index), *self._text(index, text)]
        absence = self._absence(decision, text)
        if absence:
            lines += [Line(absence, "text", index), *self._gap(index)]
        return lines

    def _absence(self, decision: dict, text: str) -> str | None:
        """"Fraværende: …" when the text does not already say who was absent."""
        missing = [name for name in decision.get("absent") or [] if name not in text]
        label = "Fraværende" if self.absence == "fravaerende" else "Afbud"
        if missing:
            return f"{label}: {', '.join(missing)}"
        if self.absence == "afbud_always" and not decision.get("absent"):
            return "Afbud: Ingen"
        return None

    # -- what print and web pages do to the text
    def _wrapped(self, lines: list[Line]) -> list[Line]:
        """Body lines broken at the page width, soft hyphens and no-break spaces inside them."""
        soft_hyphens = self.pick("soft_hyphen") == "inside_words"
        nbsp = self.pick("nbsp") == "some"
        out: list[Line] = []
        for line in lines:
            if line.kind != "text":
                out.append(line)
                continue
            texts = [line.text]
            if self.wrap == "hard" and len(line.text) > self.width:
                texts = self._wrap_line(line.text, self.picker.rng("hyphenate", line.text))
            for k, text in enumerate(texts):
                text = _web_characters(text, self.picker.rng("soft_hyphen", text), soft_hyphens, nbsp)
                out.append(Line(text, "text", line.item, glue=k > 0))
        return out

    def _wrap_line(self, text: str, rng: random.Random) -> list[str]:
        words = text.split()
        lines: list[str] = []
        current: list[str] = []
        for position, word in enumerate(words):
            if current and len(" ".join([*current, word])) > self.width:
                rest = " ".join(words[position:])
                split = self._hyphen_split(word, " ".join(current), rest, rng)
                if split:
                    lines.append(" ".join([*current, split[0] + "-"]))
                    current = [split[1]]
                    continue
                if _safe_continuation(rest):
                    lines.append(" ".join(current))
                    current = []
            current.append(word)
        lines.append(" ".join(current))
        return lines

    def _hyphen_split(self, word: str, line: str, rest: str, rng: random.Random) -> tuple[str, str] | None:
        """"beskæfti-" / "gelsesindsatsen": a long lower-case word broken at the line's end."""
        if self.hyphenate != "at_wrap" or not re.fullmatch(r"[a-zæøå]{8,}[.,]?", word) or rng.random() < 0.5:
            return None
        cut = min(len(word.rstrip(".,")) - 4, self.width - len(line) - 2)
        if cut < 4:
            return None
        head, tail = word[:cut], word[cut:]
        if not _safe_continuation(tail + rest[len(word):]):
            return None
        return head, tail

    def _paginated(self, lines: list[Line]) -> list[str]:
        """Page breaks with their footers, running headers and form feeds; records where items stand."""
        form = self.pick("pages")
        rng = self.picker.rng("pages")
        pages: list[list[Line]] = [[]]
        limit = rng.randint(25, 50)
        for line in lines:
            if form != "none" and len(pages[-1]) >= limit and not line.glue:
                pages.append([])
                limit = rng.randint(25, 50)
            pages[-1].append(line)
        total, first = len(pages), rng.choice((1, rng.randint(100, 400)))
        running = rng.choice((f"{self.committee} {_numeric(self.date)}",
                              f"{self.committee} - {self.meeting['kind'].capitalize()} - {_long(self.date)}"))
        out: list[str] = []
        for number, page in enumerate(pages, start=1):
            before = [running] if number > 1 and form in ("running_header", "header_footer") else []
            of, numbered = f"Side {number} af {total}", f"Side {first + number - 1}"
            after = {"footer_of": [of], "footer_no_formfeed": ["", of, ""], "footer_number": [numbered],
                     "header_footer": [numbered]}.get(form, [])
            entries = [*((text, None) for text in before), *((line.text, line) for line in page),
                       *((text, None) for text in after)]
            if number > 1 and form not in ("none", "footer_no_formfeed"):
                entries[0] = ("\f" + entries[0][0], entries[0][1])
            for text, line in entries:
                if line is not None and line.item is not None:
                    start = self.item_lines.get(line.item, (len(out), 0))[0]
                    self.item_lines[line.item] = (start, len(out) + 1)
                out.append(text)
        return out

    def _characters(self, text: str) -> str:
        if self.ligature == "fi_fl":
            text = text.replace("fi", "ﬁ").replace("fl", "ﬂ")
        return text

    def encode(self, text: str) -> bytes:
        if self.pick("newline") == "crlf":
            text = text.replace("\n", "\r\n")
        if self.encoding == "cp1252":
            return text.encode("cp1252")
        return (("\ufeff" if self.encoding == "utf8_bom" else "") + text).encode("utf-8")


# --- What the reader must recover -------------------------------------------------------------------------
def expected_meeting(meeting: dict) -> dict:
    return {
        "committee": fold(meeting["committee"]),
        "date": meeting["date"],
        "kind": meeting["kind"],
        "items": [
            {
                "number": item["number"],
                "title": item["title"],
                "item_type": item.get("item_type"),
                "case_number": item.get("case_number"),
                "closed": item["closed"],
                "sections": _sections(item),
                "decisions": [
                    {"body": d["body"], "date": d.get("date"), "outcome": d.get("outcome"), "text": d.get("text")}
                    for d in item["decisions"]
                ],
            }
            for item in meeting["items"]
        ],
    }


def _sections(item: dict) -> list[tuple[str, str]]:
    order = list(dict.fromkeys(item.get("section_order") or item.get("sections") or {}))
    texts = item.get("sections") or {}
    return [(heading, texts.get(heading, "")) for heading in order if texts.get(heading, "").strip()]


@dataclass
class Mismatch:
    field: str  # "meeting.date", "items", "item.title", "item.sections", "decision.text", "status", "exception"
    item: str | None  # the item number
    index: int | None  # the item's position in the expected meeting
    expected: object
    got: object

    def describe(self, width: int = 160) -> str:
        where = f"item {self.item}: " if self.item is not None else ""
        expected, got = self.expected, self.got
        if isinstance(expected, str) and isinstance(got, str) and min(len(expected), len(got)) > width // 4:
            expected, got = _around_difference(expected, got, width // 2)  # two texts: where they part
        return f"{where}{self.field}: expected {_short(expected, width)}, got {_short(got, width)}"


def _around_difference(a: str, b: str, size: int) -> tuple[str, str]:
    """Both texts cut to `size` characters around where they first differ."""
    at = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, at - size // 3)

    def cut(text: str) -> str:
        return ("…" if start else "") + text[start:start + size] + ("…" if len(text) > start + size else "")

    return cut(a), cut(b)


def _short(value, width: int) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 5] + "…" + text[-4:]


def compare(expected: dict, got: dict, strict: bool = False) -> list[Mismatch]:
    """What differs between the expected meeting and the reader's dry-run meeting.

    Titles, bodies and texts are compared with whitespace folded; texts also with ligatures,
    soft hyphens and words broken at a wrap normalised (strict: only whitespace folded on the
    reader's side, so the reader must take those artefacts out itself).
    """
    clean_got = fold if strict else normalise
    found = []
    if normalise(expected["committee"]) != clean_got(got.get("committee") or ""):
        found.append(Mismatch("meeting.committee", None, None, expected["committee"], got.get("committee")))
    for key in ("date", "kind"):
        if expected[key] != got.get(key):
            found.append(Mismatch(f"meeting.{key}", None, None, expected[key], got.get(key)))
    want_numbers = [item["number"] for item in expected["items"]]
    got_items = got.get("items") or []
    got_numbers = [item.get("number") for item in got_items]
    if want_numbers != got_numbers:
        found.append(Mismatch("items", None, None, want_numbers, got_numbers))
    by_number = {}
    for item in got_items:
        by_number.setdefault(item.get("number"), item)
    for index, want in enumerate(expected["items"]):
        item = by_number.get(want["number"])
        if item is None:
            continue
        found += _compare_item(index, want, item, clean_got)
    return found


def _compare_item(index: int, want: dict, got: dict, clean_got) -> list[Mismatch]:
    number = want["number"]
    found = []

    def differ(name, a, b):
        if a != b:
            found.append(Mismatch(name, number, index, a, b))

    differ("item.title", normalise(want["title"]), clean_got(got.get("title") or ""))
    differ("item.item_type", want["item_type"], got.get("item_type"))
    differ("item.case_number", want["case_number"], got.get("case_number"))
    differ("item.closed", want["closed"], got.get("closed"))
    want_sections = [(h.casefold(), normalise(t)) for h, t in want["sections"]]
    got_sections = [(h.rstrip(":").strip().casefold(), clean_got(t)) for h, t in _sections(got)]
    if [h for h, _ in want_sections] != [h for h, _ in got_sections]:
        differ("item.sections", [h for h, _ in want_sections], [h for h, _ in got_sections])
    else:
        for (heading, text), (_, got_text) in zip(want_sections, got_sections, strict=True):
            differ("item.sections", f"{heading}: {text}", f"{heading}: {got_text}")
    decisions = got.get("decisions") or []
    if len(decisions) != len(want["decisions"]):
        differ("item.decisions", [(d["body"], d["date"]) for d in want["decisions"]],
               [(d.get("body"), d.get("date")) for d in decisions])
        return found
    for want_decision, decision in zip(want["decisions"], decisions, strict=True):
        differ("decision.body", normalise(want_decision["body"]), clean_got(decision.get("body") or ""))
        differ("decision.date", want_decision["date"], decision.get("date"))
        if want_decision["text"] is not None:
            differ("decision.outcome", want_decision["outcome"], decision.get("outcome"))
            differ("decision.text", normalise(want_decision["text"]), clean_got(decision.get("text") or ""))
    return found


# --- Reading a variant --------------------------------------------------------------------------------
def read_variant(variant: Variant, context, strict: bool = False) -> list[Mismatch]:
    """The reader's parse of the variant against what it must recover; a reader that raises fails too."""
    from minutes.importer import parse_bytes

    context = dataclasses.replace(context, municipality=variant.municipality)
    try:
        document = parse_bytes(f"{variant.name}.txt", variant.data, context)
    except Exception as exc:  # any exception is a finding, reported with the variant
        return [Mismatch("exception", None, None, "a parse", f"{type(exc).__name__}: {exc}")]
    if document.status != "ok":
        return [Mismatch("status", None, None, "ok", document.error)]
    return compare(variant.expected, document.meeting.to_json(), strict)


def report(variant: Variant, mismatches: list[Mismatch], shown: int = 8) -> str:
    """A failure message: what differs, the forms involved, how to reproduce, the text itself."""
    first = mismatches[0]
    lines = [f"layout variant {variant.name} (seed {variant.base_seed}): {len(mismatches)} mismatch(es)"]
    lines += [f"  {m.describe()}" for m in mismatches[:shown]]
    if len(mismatches) > shown:
        lines.append(f"  … and {len(mismatches) - shown} more")
    where = f"item {first.item}" if first.index is not None else "the document"
    forms = " ".join(f"{block}={form}" for block, form in variant.unusual_forms(first.index).items())
    lines += [f"  forms of {where} (others plain): {forms or '(all plain)'}",
              f"  reproduce: {variant.command()}",
              f"  text of {where}:", variant.excerpt(first.index)]
    return "\n".join(lines)
