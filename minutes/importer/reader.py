"""Read a decoded referat into a ParsedMeeting, from the shared blocks.

One reader serves every layout. Layouts differ in how they arrange the same
blocks, so the reader works in passes that each rely on blocks only:

1. find the item headings (numbered lines confirmed by what follows them:
   a case line, a section heading, a decision, a type or closed marker, an
   entry in a table of contents), dropping the table of contents itself;
2. read the header (everything before the first item): "Udvalg – Referat –
   dato" lines, label/value pairs on one line or two, date lines;
3. read each item: case line, open/closed line, sections, decisions with
   their absences, the type line;
4. without items, read the document as a note (Markdown-like headings);
5. attach organisations, amounts and promised follow-ups to each item.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field

from minutes.importer import blocks, votes
from minutes.importer.checks import close_doubtful_items, misread_signs
from minutes.importer.dates import find_dates, find_time, first_date, parse_date
from minutes.importer.decode import reading_lines
from minutes.importer.extract import Sentences, classify_outcome, find_amounts, find_follow_ups
from minutes.importer.organisations import OrganisationMatcher
from minutes.importer.pages import absorb
from minutes.importer.parsed import (
    ParsedAmount,
    ParsedDecision,
    ParsedFollowUp,
    ParsedItem,
    ParsedMeeting,
    ParsedMention,
)
from search.lookalikes import fold_lookalikes


class ReadError(ValueError):
    """The document cannot be read; the message tells the admin what is wrong and what to do."""


@dataclass
class Context:
    """What the reader needs to know about the world, as plain data."""

    municipalities: dict[str, set[str]]  # short name -> lower-case name forms
    matcher: OrganisationMatcher
    municipality: str | None = None  # given with --municipality
    organisation_names: dict[str, list[str]] = field(default_factory=dict)  # canonical -> all its names
    _pattern: re.Pattern | None = field(default=None, repr=False)

    def municipality_pattern(self) -> re.Pattern:
        if self._pattern is None:
            forms = sorted({f for fs in self.municipalities.values() for f in fs}, key=len, reverse=True)
            alternation = "|".join(re.escape(f) for f in forms)
            self._pattern = re.compile(
                rf"(?<![\wæøå])(?P<name>{alternation})\s+(?:regions)?kommunes?(?![\wæøå])", re.IGNORECASE
            )
        return self._pattern

    def municipality_for_form(self, form: str) -> str | None:
        form = form.casefold()
        for short, forms in self.municipalities.items():
            if form in forms:
                return short
        return None


KIND_WORDS = {
    "referat": "referat", "beslutningsreferat": "referat", "beslutningsprotokol": "referat",
    "dagsorden": "dagsorden", "notat": "notat", "opsamling": "notat",
}
TOC_LABELS = {"punkter", "indholdsfortegnelse", "indhold", "dagsordenspunkter", "oversigt", "sager"}
HEADER_LABELS = {
    "udvalg": "committee", "forum": "committee", "mødeforum": "committee", "organ": "committee",
    "møde": "kind", "type": "kind",
    "dato": "date", "mødedato": "date", "starttidspunkt": "start", "sluttidspunkt": "end",
    "tidspunkt": "time", "mødetidspunkt": "time", "tid": "time",
    "sted": "location", "mødested": "location", "lokale": "location", "mødelokale": "location",
    "deltagere": "participants", "mødedeltagere": "participants", "medlemmer": "participants",
    "fraværende": "absent", "afbud": "absent",
    "bemærkninger": "other", "dagsorden publiceret": "other", "referat publiceret": "other",
    "publiceret": "other", "hent som fil": "navigation",
}
_LABEL_LINE = re.compile(
    r"^(?P<label>" + "|".join(sorted((re.escape(k) for k in HEADER_LABELS), key=len, reverse=True))
    + r")(?:\s*:\s*(?P<colon_value>.*)|\s+(?P<value>\S.*))?$",
    re.IGNORECASE,
)
_COMMITTEE_WORD = re.compile(
    r"udvalg|byråd|kommunalbestyrelse|borgerrepræsentation|regionsråd|bestyrelse|forum|råd(?:et)?\b|"
    r"task ?force|styregruppe", re.IGNORECASE,
)
_COMMITTEE_IN_TEXT = re.compile(
    r"(?P<name>(?:[A-ZÆØÅ][\wæøå]*-,?\s+)*(?:og\s+)?[A-ZÆØÅ][\wæøå]*udvalget"
    r"|Udvalget for [A-ZÆØÅ][\wæøå]+(?:,? (?:og )?[A-ZÆØÅ][\wæøå]+)*"
    r"|Byrådet|Kommunalbestyrelsen|Borgerrepræsentationen)(?:s)?(?![\wæøå])"
)
_TIME_ALONE = re.compile(r"^(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?::\d{2})?$", re.IGNORECASE)
_HEADER_SPLIT = re.compile(r"\s+[–—-]\s+|\s+\|\s+")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*$")


def _clean_heading(text: str) -> str:
    return re.sub(r"^[*_]+|[*_]+$", "", text.strip()).strip()


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- 1. Item headings -----------------------------------------------------------
def _next_content(lines: list[str], start: int, count: int = 2) -> list[str]:
    found = []
    for line in lines[start:]:
        if line.strip():
            found.append(line.strip())
            if len(found) == count:
                break
    return found


def _item_block(line: str) -> bool:
    """A line that only stands in an item's heading block or body: it confirms a heading above it."""
    return bool(
        blocks.case_line(line)
        or blocks.bare_case_id(line)
        or blocks.kle_access_line(line)
        or blocks.status_line(line) is not None
        or blocks.section_heading(line)
        or blocks.decision_heading(line)
        or blocks.item_type_line(line)
        or blocks.names_line(line)
    )


def _same_title(line: str, title: str) -> bool:
    return _fold(line) == _fold(title) or _fold(blocks.strip_status(line)[0]) == _fold(title)


def _confirmed(lines: list[str], i: int, heading: blocks.Heading, candidate_lines: set[int]) -> bool:
    """The blocks around a numbered line say it is an item heading: what follows it (a case
    line, status, section or decision heading, an earlier body's decision, the title again, a
    group heading) or what
    stands right above it (a case line, a navigation line such as "• Udskriv")."""
    seen = 0
    for j in range(i + 1, min(len(lines), i + 8)):
        text = lines[j].strip()
        if not text:
            continue
        if j in candidate_lines:
            break
        if _item_block(text) or _same_title(text, heading.title) or blocks.group_heading(text):
            return True
        if blocks.earlier_body(text) and blocks.earlier_decision(lines[j:j + 8]):
            return True  # an earlier body's decision ("Udvalg: …" / "Dato: …") opens the item
        seen += 1
        if seen >= 2:
            break
    for j in range(i - 1, max(-1, i - 7), -1):  # the nearest line with text, past page furniture's gap
        text = lines[j].strip()
        if not text:
            continue
        return bool(blocks.is_navigation(text) or _case_block_line(text) or blocks.group_heading(text))
    return False


def _reads_as_prose(title: str) -> bool:
    """A numbered line that goes on as sentences is a list entry, not an item title."""
    return len(title) > 150 or bool(re.search(r"[a-zæøå]{4,}[.!?]\s+[A-ZÆØÅ]", title))


def _content_follows(lines: list[str], i: int, candidate_lines: set[int]) -> bool:
    """Item blocks follow the numbered line before the next one: its own case line, status, section
    or decision. A case block that stands right above the next heading is that heading's."""
    seen = 0
    for j in range(i + 1, min(len(lines), i + 12)):
        text = lines[j].strip()
        if not text:
            continue
        if j in candidate_lines:
            return False
        if blocks.group_heading(text):
            continue
        if _item_block(text):
            if _case_block_line(text):
                following = next((k for k in range(j + 1, min(len(lines), j + 6)) if lines[k].strip()), None)
                if following in candidate_lines:
                    return False
            return True
        seen += 1
        if seen >= 2:
            return False
    return False


def _entry_key(heading: blocks.Heading) -> tuple[str, str]:
    """A contents entry's number and title, its page number and a status before it taken off."""
    return _title_key(heading.number, heading.title)


@functools.lru_cache(maxsize=4096)
def _title_key(number: str, title: str) -> tuple[str, str]:
    return number, _fold(blocks.clean_title(blocks.toc_title(title))[0])


def _heading_keys(lines: list[str], i: int, heading: blocks.Heading) -> list[tuple[str, str]]:
    """The entry keys a heading answers to: its title as a contents entry would be read, as
    printed (a title may end in a year), and wrapped onto the line below."""
    keys = [_entry_key(heading), (heading.number, _fold(heading.title))]
    if wrapped := _wrapped_key(lines, i, heading):
        keys.append(wrapped)
    return keys


def _as_entry(heading: blocks.Heading) -> blocks.Heading:
    """A contents entry, with the status and type printed before its page number."""
    _title, item_type, status = blocks.clean_title(blocks.toc_title(heading.title))
    heading.closed = heading.closed or bool(status)
    heading.item_type = heading.item_type or item_type
    return heading


@dataclass
class Outline:
    """Where the items are: headings with their line index, the table of contents, the
    status each heading's group gives it, and where the meeting's closing blocks begin."""

    headings: list[tuple[int, blocks.Heading]]
    toc_start: int | None
    toc: dict
    group_status: dict[int, bool | None] = field(default_factory=dict)
    trailer: int | None = None
    dropped: list[str] = field(default_factory=list)  # numbers of heading-shaped lines out of order
    regrouped: set[int] = field(default_factory=set)  # headings whose number went down under a new group


def _wrapped_key(lines: list[str], i: int, heading: blocks.Heading) -> tuple[str, str] | None:
    """The entry key of a heading whose title may go on on the line right below it."""
    text = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if not text or len(text) > 100 or _item_block(text) or blocks.group_heading(text):
        return None
    return _joined_key(heading, text)


def _joined_key(heading: blocks.Heading, text: str) -> tuple[str, str]:
    """The entry key of a heading's title with the next line's text after it."""
    return _title_key(heading.number, f"{heading.title} {text}")


def _table_of_contents(lines, candidates, content_confirmed, confirmed, heading_keys) -> tuple[set[int], dict]:
    """Runs of headings close together (nothing but blank lines, group headings or short
    lines between them), numbers increasing, not followed by item blocks, whose entries
    come back later as headings (their titles perhaps wrapped there)."""
    runs, run = [], []
    previous = None
    for i, h in candidates:
        between = [line.strip() for line in lines[previous + 1:i] if line.strip()] if previous is not None else []
        joins = (
            run
            and len(between) <= 3
            and all((len(text) <= 80 or blocks.toc_title(text) != text) and not _item_block(text) for text in between)
            and blocks.number_key(h.number) > blocks.number_key(run[-1][1].number)
            and not content_confirmed.get(run[-1][0])
        )
        if not joins:
            if run:
                runs.append(run)
            run = []
        run.append((i, h))
        previous = i
    if run:
        runs.append(run)
    toc_lines, toc = set(), {}
    # A contents entry alone: not followed by item blocks, and the same heading comes back with them.
    confirmed_later: dict[tuple[str, str], int] = {}
    for i, h in candidates:  # the last heading-like occurrence of each entry
        if confirmed.get(i) or h.prefixed or h.item_type or h.status is not None:
            confirmed_later.update(dict.fromkeys(heading_keys[i], i))
    for i, h in candidates:
        entry_keys = heading_keys[i]
        later = max((confirmed_later[key] for key in entry_keys if key in confirmed_later), default=None)
        if later is not None and later > i and not content_confirmed.get(i):
            toc_lines.add(i)
            toc.update(dict.fromkeys(entry_keys, _as_entry(h)))
    for run in runs:
        if len(run) < 2:
            continue
        later = {key for i, _h in candidates if i > run[-1][0] for key in heading_keys[i]}
        entries = [heading_keys[i] for i, _h in run]
        if sum(any(key in later for key in entry) for entry in entries) * 2 >= len(entries):
            toc_lines.update(i for i, _ in run)
            for (_i, h), entry in zip(run, entries, strict=True):
                toc.update(dict.fromkeys(entry, _as_entry(h)))
    return toc_lines, toc


def find_headings(lines: list[str]) -> Outline:
    candidates = [(i, h) for i, line in enumerate(lines) if (h := blocks.item_heading(line))]
    candidates = [(i, h) for i, h in candidates if blocks.looks_like_title(h)]
    candidate_lines = {i for i, _ in candidates}
    confirmed = {i: _confirmed(lines, i, h, candidate_lines) for i, h in candidates}
    content_confirmed = {i: _content_follows(lines, i, candidate_lines) for i, _ in candidates}
    keys = {i: _entry_key(h) for i, h in candidates}
    heading_keys = {i: _heading_keys(lines, i, h) for i, h in candidates}
    toc_lines, toc = _table_of_contents(lines, candidates, content_confirmed, confirmed, heading_keys)

    accepted = []
    for i, h in candidates:
        if i in toc_lines:
            continue
        toc_entry = next((toc[key] for key in heading_keys[i] if key in toc), None)
        strong = h.prefixed or h.item_type or h.status is not None or toc_entry is not None
        if not strong and (h.indented or _reads_as_prose(h.title)):
            continue
        if strong or confirmed[i]:
            if toc_entry is not None:
                h.closed = h.closed or toc_entry.closed
                h.item_type = h.item_type or toc_entry.item_type
            accepted.append((i, h))

    if not accepted and not toc:
        # No heading is confirmed by structure: a plain agenda of titles and prose.
        accepted = [(i, h) for i, h in candidates if not h.indented and not h.title.endswith((".", ":", ","))]
        if len(accepted) < 2:
            accepted = []

    if any(h.prefixed for _, h in accepted):
        accepted = [(i, h) for i, h in accepted if h.prefixed]

    # Group headings ("A. Sager til afgørelse i byrådet", "Lukkede punkter") and the status they give.
    groups = [(i, g) for i, line in enumerate(lines) if 0 < len(line) <= 90 and (g := blocks.group_heading(line))]

    def group_before(index: int, after: int) -> bool:
        return any(after < gi < index for gi, _ in groups)

    kept, last, seen, numbers, dropped, regrouped = [], None, set(), set(), [], set()
    for i, h in accepted:
        key = blocks.number_key(h.number)
        if keys[i] in seen or h.number in numbers:
            continue  # a heading repeated (a list of attachments at the end)
        if last is None or key > last:
            kept.append((i, h))
        elif (group_before(i, kept[-1][0]) and confirmed[i]) or content_confirmed[i]:
            kept.append((i, h))  # items grouped by kind, or a heading its own case line or sections confirm
            regrouped.add(i)
        else:
            if h.prefixed or h.status is not None or h.item_type:
                dropped.append(h.number)
            continue
        seen.add(keys[i])
        numbers.add(h.number)
        last = key
    toc_start = min(toc_lines) if toc_lines and kept and min(toc_lines) < kept[0][0] else None

    status, group_status = None, {}
    heading_lines = {i for i, _ in kept}
    group_at = dict(groups)
    if kept:  # the group headings of a table of contents (before its last entry) give no status
        contents_end = max((i for i, _ in candidates if i < kept[0][0]), default=-1)
        group_at = {i: g for i, g in group_at.items() if i > contents_end}
    for i in sorted(heading_lines | set(group_at)):
        if i in heading_lines:
            group_status[i] = status
        else:
            status = group_at[i][1]
    return Outline(kept, toc_start, toc, group_status, _trailer(lines, kept), dropped, regrouped)


def _trailer(lines: list[str], headings) -> int | None:
    """Where the meeting's closing blocks begin (a list of attachments repeating the items, a
    signature page, "Mødet hævet"), after the last item: they belong to no item."""
    if not headings:
        return None
    titles = {_fold(h.title) for _, h in headings}
    for i in range(headings[-1][0] + 1, len(lines)):
        text = lines[i].strip()
        folded = text.casefold().rstrip(":")
        if blocks.meeting_end(text) or folded in {"underskriftsblad", "underskrifter"}:
            return i
        if folded == "bilagsliste":
            following = _next_content(lines, i + 1, 1)
            heading = blocks.item_heading(following[0]) if following else None
            if heading and _fold(heading.title) in titles:
                return i
    return None


# --- 2. Header ------------------------------------------------------------------------
@dataclass
class Header:
    committee: str = ""
    kind: str = ""
    date_text: str = ""
    start_time: object = None
    end_time: object = None
    location: str = ""
    title: str = ""
    participants: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    absent_given: bool = False  # the header has an absence line, even "Afbud: Ingen"
    other: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


def _label(line: str) -> tuple[str, str, str | None] | None:
    """(label as printed, field, value on the same line or None)."""
    match = _LABEL_LINE.match(line)
    if not match:
        return None
    label = match["label"]
    value = match["colon_value"] or match["value"]  # "Dato:" alone: the value is on the next line
    if match["value"] is not None and not label[0].isupper():
        return None  # "tid til …" is prose; "Mødested Lokale 2" is a label
    if value is None and ":" not in line and not (line.isupper() or line == label):
        return None
    return label, HEADER_LABELS[label.casefold()], (value.strip() if value is not None else None)


_RUN_LABEL = re.compile(
    r"(?:^|\s)(?=(?:" + "|".join(sorted((re.escape(k) for k in HEADER_LABELS if " " not in k), key=len, reverse=True))
    + r")\s*:)", re.IGNORECASE,
)
_DOT_LEADER = re.compile(r"\.{4,}\s*\d*$|^\d{1,4}$")


def _header_lines(lines: list[str]) -> list[tuple[str, bool]]:
    """(line, a blank line follows) for the header's content lines; labels run together on one
    line ("Mødedato: … Mødetidspunkt: … Mødested: …") become a line each."""
    content = []
    for n, raw in enumerate(lines):
        line = raw.strip()
        if not line or blocks.is_rule(line) or blocks.is_navigation(line) or blocks.group_heading(line):
            continue
        blank_after = n + 1 >= len(lines) or not lines[n + 1].strip()
        starts = [m.end() for m in _RUN_LABEL.finditer(line)]
        if len(starts) >= 2 and _label(line[starts[0]:].split("  ")[0]) is not None and starts[0] == 0:
            pieces = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]
            content.extend((piece, False) for piece in pieces[:-1])
            content.append((pieces[-1], blank_after))
        else:
            content.append((line, blank_after))
    return content


def _looks_like_name(line: str) -> bool:
    return bool(
        blocks.names_line(line)
        or (len(line) <= 60 and line[:1].isupper() and ":" not in line and not find_dates(line)
            and not _label(line) and line.casefold() not in KIND_WORDS and len(line.split()) <= 6)
    )


_LOCATION = re.compile(r"^(?:i\s+)?(?P<place>\S.*(?:sal|salen|lokale|lokalet|rådhus|rådhuset|værelse|værelset|"
                       r"huset|centret|center|kontor|kontoret)\b.*)$", re.IGNORECASE)


def _contents_line(line: str, titles: set[str]) -> bool:
    """A line of a table of contents: an item's title with its number or page number around it."""
    text = re.sub(r"^(?:[•·]\s*)?(?:Punkt\s+|Pkt\.?\s*)?\d{1,4}[.:)]?\s+", "", line)
    text = blocks.toc_title(blocks.strip_status(text)[0])
    return _fold(text) in titles


def read_header(lines: list[str], titles: set[str] = frozenset()) -> Header:
    """The meeting's header; `titles` are the items' titles (folded), to know a table of contents."""
    header = Header()
    content = _header_lines(lines)
    in_contents = False
    i = 0
    while i < len(content):
        line, blank_after = content[i]
        i += 1
        folded = line.casefold().rstrip(":")
        if folded in KIND_WORDS and not header.kind:
            header.kind = KIND_WORDS[folded]
            continue
        if folded in TOC_LABELS or folded.split(" ")[0] in TOC_LABELS:
            in_contents = True  # a table of contents: its titles come again with the items
            continue
        if folded in {"til", "fra"} or (titles and _contents_line(line, titles)):
            continue  # "Referat" / "til" / "mødet i Udvalget"; an entry of the contents
        label = _label(line)
        if in_contents and not label:
            continue
        in_contents = in_contents and not label
        if label:
            printed, kind, value = label
            if value is None and kind in ("participants", "absent") and not blank_after:
                names = []
                while i < len(content) and _looks_like_name(content[i][0]):
                    names.append(content[i][0])
                    i += 1
                    if content[i - 1][1]:
                        break
                value = ", ".join(names)
            elif value is None:
                # The value sits on the next line, unless that line is a label too.
                next_line = content[i][0] if i < len(content) else ""
                if next_line and not _label(next_line) and next_line.casefold() not in KIND_WORDS and (
                        next_line.casefold().split(" ")[0] not in TOC_LABELS):
                    value = next_line
                    i += 1
                elif i < len(content) and kind == "kind" and next_line.casefold() in KIND_WORDS:
                    value = next_line
                    i += 1
                else:
                    value = ""
            _header_field(header, printed, kind, value)
            continue
        absent = blocks.absence_sentence(line)
        if absent is not None:
            header.absent.extend(absent)
            header.absent_given = True
            header.other["Fravær"] = line
            continue
        parts = _HEADER_SPLIT.split(line)
        if len(parts) > 1 and any(p.casefold() in KIND_WORDS or find_dates(p) for p in parts):
            for part in parts:
                if part.casefold() in KIND_WORDS:
                    header.kind = header.kind or KIND_WORDS[part.casefold()]
                elif _TIME_ALONE.match(part):
                    header.start_time = header.start_time or find_time(part)
                elif find_dates(part) and not header.date_text:
                    header.date_text = part
                    header.start_time = header.start_time or find_time(part)
                elif not header.committee:
                    header.committee = part
                else:
                    header.text.append(part)
            continue
        dates = find_dates(line)
        if dates and len(line) <= 100 and not header.date_text:
            before = line[: dates[0][0]].strip()
            words = before.split(" ", 1)
            if words[0].casefold() in KIND_WORDS and len(words) > 1:
                header.kind = header.kind or KIND_WORDS[words[0].casefold()]
                before = words[1]
            before = re.sub(r"\s+(?:d\.|den|[-–—])$", "", before).strip()
            if not header.committee and before and _COMMITTEE_WORD.search(before):
                header.committee = before  # "REFERAT Beskæftigelsesudvalget d. 10-09-2025"
            header.date_text = line
            header.start_time = header.start_time or find_time(line)
            continue
        place = _LOCATION.match(line) if header.date_text and not header.location and len(line) <= 60 else None
        if place and not _label(line):
            header.location = place["place"]
            continue
        heading = _MARKDOWN_HEADING.match(line)
        if heading and not header.title:
            header.title = _clean_heading(heading["text"])
            continue
        if not header.committee and _COMMITTEE_WORD.search(line) and len(line) <= 120:
            header.committee = line
            continue
        header.text.append(line)
    return header


def _header_field(header: Header, printed: str, kind: str, value: str) -> None:
    if kind == "committee":
        header.committee = header.committee or value
    elif kind == "kind":
        header.kind = header.kind or KIND_WORDS.get(value.casefold(), "")
        if value.casefold() not in KIND_WORDS and value:
            header.other[printed] = value
    elif kind == "date":
        header.date_text = header.date_text or value
        header.start_time = header.start_time or find_time(value)
    elif kind == "start":
        header.date_text = header.date_text or value
        header.start_time = find_time(value) or header.start_time
    elif kind == "end":
        header.end_time = find_time(value)
        if not find_time(value):
            header.other[printed] = value
    elif kind == "time":
        header.start_time = header.start_time or find_time(value)
        if not find_time(value):
            header.other[printed] = value
    elif kind == "location":
        header.location = header.location or value
    elif kind == "participants":
        header.participants = blocks.split_names(value)
    elif kind == "absent":
        header.absent_given = True
        sentence = blocks.absence_sentence(f"{printed} {value}")
        header.absent.extend(sentence if sentence is not None else blocks.split_names(
            re.split(r"\.\s+(?=[A-ZÆØÅ])", value, maxsplit=1)[0]))
        if value and (sentence is not None or len(value.split(". ")) > 1):
            header.other[printed] = value
    elif kind == "other" and value:
        header.other[printed] = value
        sentence = blocks.absence_sentence(value)
        if sentence:
            header.absent.extend(sentence)
            header.absent_given = True


# --- 3. Items ---------------------------------------------------------------------------
def _paragraphs(lines: list[str]) -> str:
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class _OpenDecision:
    body: str
    date_text: str | None
    lines: list[str]
    item_number: str | None = None  # the item's number at the earlier body's meeting


def _continues_title(line: str, following: list[str], heading: blocks.Heading, toc: dict) -> bool:
    """A heading wrapped onto a second line: the next line goes on with the title."""
    text = line.strip()
    if _item_block(text) or blocks.group_heading(text) or blocks.is_navigation(text) or len(text) > 100:
        return False
    if _joined_key(heading, text) in toc:
        return True
    if text.endswith((".", ":", ";")) or _label(text):
        return False
    if text[:1].islower():
        return True
    return len(heading.title) >= 40 and bool(following) and _item_block(following[0])


_BLOCK_LENGTH = 200  # no heading, label or status line is longer


def read_item(heading: blocks.Heading, lines: list[str], meeting_committee: str, meeting_date,
              toc: dict | None = None, above: list[str] = ()) -> ParsedItem:
    if above:
        # The case block printed above the heading is read after the title's second line, if any.
        first = next((k for k, line in enumerate(lines) if line.strip()), None)
        if first is not None and _continues_title(lines[first].strip(), _next_content(lines, first + 1, 1),
                                                  heading, toc or {}):
            lines = [*lines[:first + 1], *above, *lines[first + 1:]]
        else:
            lines = [*above, *lines]
    item = ParsedItem(number=heading.number, title=heading.title, item_type=heading.item_type,
                      closed=heading.closed)
    section: str | None = None
    decision: _OpenDecision | None = None
    buffer: list[str] = []
    in_heading_block = True
    first_line = True
    absent: list[str] = []

    def flush():
        nonlocal buffer
        if decision is not None:
            item.decisions.append(_finish_decision(decision, buffer, meeting_committee, meeting_date))
        else:
            text = _paragraphs(buffer)
            if text:
                item.sections.append((section or "Tekst", text))
        buffer = []

    skip = 0
    for n, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        stripped = line.strip()
        if not stripped:
            buffer.append("")
            continue
        # A block is a short line: a paragraph (most lines) is only looked at for a closed marker.
        short = len(stripped) <= _BLOCK_LENGTH
        if short and (blocks.is_navigation(stripped) or blocks.is_rule(stripped)):
            continue
        group = blocks.group_heading(stripped) if short else None
        if group:
            if in_heading_block and not group[0][:1].islower():
                item.metadata["Gruppe"] = group[0]
            if group[1] and in_heading_block:
                item.closed = True  # "Lukkede punkter" under the heading: the item's own status
            continue  # a group heading later on opens the next group (find_headings gives its status)
        if first_line:
            first_line = False
            if _same_title(stripped, heading.title):
                continue  # the title printed again under the heading
            if _continues_title(stripped, _next_content(lines, n + 1, 1), heading, toc or {}):
                title, item_type, status = blocks.clean_title(f"{item.title} {stripped}")
                item.title = title
                item.item_type = item.item_type or item_type
                item.closed = item.closed or bool(status)
                continue
        if in_heading_block and short:
            case = blocks.case_line(stripped)
            if case and not item.case_number:
                item.case_number, rest = case
                rest = rest.lstrip(",; ")
                if rest:
                    item.metadata["Sagsnr. (resten af linjen)"] = rest
                if blocks.status_at_end(stripped):
                    item.closed = True
                continue
            case_id = blocks.bare_case_id(stripped)
            if case_id and not item.case_number:
                item.case_number = case_id
                continue
            kle = blocks.kle_access_line(stripped)
            if kle:
                item.closed = item.closed or kle[0]
                if blocks.is_kle(kle[1]):
                    item.metadata["KLE"] = kle[1]
                if not item.case_number:
                    item.case_number = kle[1]
                continue
            status = blocks.status_line(stripped)
            if status is not None:
                item.closed = item.closed or status
                continue
            item_type = blocks.item_type_line(stripped)
            if item_type:  # "Orienteringssag" under the heading: the item's type, no text
                item.item_type = item.item_type or item_type
                continue
            names = blocks.names_line(stripped)
            if names:
                absent.extend(names)
                item.metadata["Fraværende"] = stripped
                continue
        elif short and decision is None and section is None and blocks.status_line(stripped):
            item.closed = True
            continue
        if not item.closed and blocks.closed_marker(stripped) and not in_heading_block:
            item.metadata["Lukket markering i teksten"] = stripped
        if not short:
            in_heading_block = False
            buffer.append(line)
            continue
        earlier = blocks.earlier_decision(lines[n:n + 6]) if blocks.earlier_body(stripped) else None
        if earlier:
            flush()
            section = None
            decision = _OpenDecision(earlier[0], earlier[1], [], earlier[3])
            skip = earlier[2] - 1
            in_heading_block = False
            continue
        decision_heading = blocks.decision_heading(stripped)
        if decision_heading:
            flush()
            section = None
            decision = _OpenDecision(
                decision_heading.body or meeting_committee, decision_heading.date_text, []
            )
            if decision_heading.inline_text:
                buffer.append(decision_heading.inline_text)
            in_heading_block = False
            continue
        section_heading = blocks.section_heading(stripped)
        if section_heading:
            flush()
            decision = None
            section = section_heading
            in_heading_block = False
            continue
        item_type = blocks.item_type_line(stripped)
        if item_type and not item.item_type:
            item.item_type = item_type
        in_heading_block = False
        buffer.append(line)
    flush()
    if absent:  # names under the heading: absent from this meeting's treatment, not from earlier bodies'
        for decision_ in item.decisions:
            if decision_.date not in (None, meeting_date):
                continue
            decision_.absent = list(dict.fromkeys([*absent, *decision_.absent]))
    # Decisions in the order they were taken: an earlier body's recommendation first, the deciding body last.
    item.decisions.sort(key=lambda d: d.date or meeting_date or datetime.date.min)
    return item


def _finish_decision(open_decision: _OpenDecision, lines: list[str], committee: str, meeting_date) -> ParsedDecision:
    facts = votes.read_decision(lines)
    date = parse_date(open_decision.date_text) if open_decision.date_text else meeting_date
    return ParsedDecision(
        body=" ".join(open_decision.body.split()) or committee,
        date=date,
        text=_paragraphs(facts.lines),
        outcome=classify_outcome(facts.outcome_text),
        absent=facts.absent,
        votes=facts.votes,
        remarks=facts.remarks,
        vote_rounds=facts.vote_rounds,
        substitutes=facts.substitutes,
        item_number=open_decision.item_number,
    )


# --- 4. Notes ----------------------------------------------------------------------------
def read_note(lines: list[str]) -> ParsedItem:
    """A report without numbered items: one item, its sections under the Markdown headings."""
    title = ""
    sections: list[tuple[str, str]] = []
    heading = None
    buffer: list[str] = []
    for line in lines:
        if blocks.is_rule(line):
            continue
        match = _MARKDOWN_HEADING.match(line)
        if match:
            text = _paragraphs(buffer)
            if text or heading:
                sections.append((heading or title or "Tekst", text))
            heading = _clean_heading(match["text"]).rstrip(":").strip()
            title = title or heading
            buffer = []
            continue
        buffer.append(line)
    text = _paragraphs(buffer)
    if text or heading:
        sections.append((heading or title or "Tekst", text))
    if not title:
        first = next((line.strip() for line in lines if line.strip()), "")
        title = first[:200]
    sections = [(h, t) for h, t in sections if t or h != title]
    return ParsedItem(number=None, title=title, sections=sections)


_MONEY_HINT = re.compile(r"\d\s*(?:\S+\s*)?(?:kr\b|kroner|dkk)", re.IGNORECASE)


# --- 5. Facts -----------------------------------------------------------------------------
def attach_facts(item: ParsedItem, context: Context, meeting_date) -> None:
    text = item.full_text()
    organisations, candidates = context.matcher.find(text)
    item.mentions = [ParsedMention(o.name, o.sentence) for o in organisations]
    item.candidates = [ParsedMention(c.name, c.sentence) for c in candidates]
    body = "\n\n".join([*(t for _, t in item.sections), *(d.text for d in item.decisions)])
    sentences = Sentences(body)  # split once, for amounts and follow-ups, and only if either needs it
    if _MONEY_HINT.search(body) is not None:
        item.amounts = [ParsedAmount(amount.text, amount.kroner, sentences.at(amount.start))
                        for amount in find_amounts(body)]
    item.follow_ups = [
        ParsedFollowUp(f.sentence, f.period, f.due_start, f.due_end)
        for f in find_follow_ups(body, meeting_date, sentences)
    ]


# --- The whole document -------------------------------------------------------------------
def infer_municipality(text: str, header_text: str, context: Context) -> str | None:
    """The municipality named first, preferring one named in the header."""
    pattern = context.municipality_pattern()
    for source in (header_text, text):
        match = pattern.search(fold_lookalikes(source))
        if match:
            return context.municipality_for_form(match["name"])
    return None


def _note_body_start(lines: list[str]) -> int:
    """Where a note's body begins: its first Markdown heading or first long paragraph."""
    for i, line in enumerate(lines):
        if _MARKDOWN_HEADING.match(line) or len(line.strip()) > 120:
            return i
    return len(lines)


def find_committee_in_text(text: str) -> str | None:
    match = _COMMITTEE_IN_TEXT.search(text)
    return " ".join(match["name"].split()) if match else None


def _case_id_line(line: str) -> bool:
    """A line that gives the item's case number: a case line, a bare id, "Åbent - <id>"."""
    return bool(blocks.case_line(line) or blocks.bare_case_id(line) or blocks.kle_access_line(line))


def _case_block_line(line: str) -> bool:
    return _case_id_line(line) or blocks.status_line(line) is not None


def _case_below(lines: list[str], index: int) -> bool:
    """The heading's own case block follows it (after a wrapped title's second line and a group
    heading, perhaps)."""
    group_seen = False
    for line in _next_content(lines, index + 1, 5):
        if (blocks.section_heading(line) or blocks.decision_heading(line) or blocks.item_heading(line)
                or blocks.is_navigation(line)):
            return False
        if blocks.group_heading(line):
            if group_seen:
                return False
            group_seen = True
            continue
        if _case_id_line(line):
            return True
    return False


def _heading_block_end(lines: list[str], index: int, end: int, with_case: bool) -> int:
    """The last line of the block printed right under a heading: a wrapped title's second line,
    a group heading, status lines, and its case lines where the document prints them below."""
    j = index
    while j + 1 < end and (text := lines[j + 1].strip()):
        if blocks.status_line(text) is not None or blocks.group_heading(text) or (with_case and _case_id_line(text)):
            j += 1
        elif j == index and len(text) <= 100 and not _item_block(text):
            j += 1  # the title's second line
        else:
            break
    return j


def _case_above(lines: list[str], index: int, previous_heading: int, cases_below: bool = False) -> int | None:
    """Where a case block printed right above the heading starts, if there is one. The block right
    under the previous heading is that heading's."""
    floor = _heading_block_end(lines, previous_heading, index, cases_below) if previous_heading >= 0 else -1
    start, j, taken = index, index - 1, 0
    while j > floor and taken < 3:
        if not lines[j].strip():
            j -= 1
            continue
        if not _case_block_line(lines[j]):
            break
        start, taken, j = j, taken + 1, j - 1
    return start if any(_case_id_line(line) for line in lines[start:index]) else None


def _case_line_above(lines: list[str], index: int, previous_heading: int, above_first: bool = False) -> int:
    """A case block (case line, status line) printed above its item's heading belongs to that item:
    where the item starts. Where a document prints its case blocks above the headings, a case line
    below a heading with no text of its own is the next item's."""
    if not above_first and _case_below(lines, index):
        return index
    start = _case_above(lines, index, previous_heading, cases_below=not above_first)
    return index if start is None else start


def _cases_above(lines: list[str], headings: list) -> bool:
    """The document prints its case blocks above the headings more often than below."""
    above = sum(_case_above(lines, i, headings[n - 1][0] if n else -1) is not None
                for n, (i, _h) in enumerate(headings))
    return above > sum(_case_below(lines, i) for i, _h in headings)


def _split_items(lines: list[str], outline: Outline) -> list[tuple[int, blocks.Heading, list[str], list[str]]]:
    """(heading's line, heading, its lines, the case block printed above it) per item."""
    headings = outline.headings
    above_first = _cases_above(lines, headings)
    starts = []
    for n, (i, _h) in enumerate(headings):
        previous = headings[n - 1][0] if n else -1
        starts.append(_case_line_above(lines, i, previous, above_first))
    end_of_items = outline.trailer if outline.trailer is not None else len(lines)
    items = []
    for n, (i, h) in enumerate(headings):
        end = starts[n + 1] if n + 1 < len(headings) else end_of_items
        above = [line for line in lines[starts[n]:i] if line.strip()]
        items.append((i, h, lines[i + 1:end], above))
    return items


def read(text: str, context: Context) -> tuple[ParsedMeeting, list[str]]:
    """Parse one decoded document; raise ReadError with a plain message when it cannot be read."""
    lines = absorb(reading_lines(text))
    warnings: list[str] = []
    outline = find_headings(lines)
    headings = outline.headings
    first_item = headings[0][0] if headings else _note_body_start(lines)
    if headings:
        first_item = _case_line_above(lines, first_item, -1)
    toc_start = outline.toc_start
    header_end = min(first_item, toc_start) if toc_start is not None else first_item
    header = read_header(lines[:header_end], {_fold(h.title) for _, h in headings})

    committee = _committee_name(header.committee)
    meeting_date = parse_date(header.date_text) if header.date_text else None

    items = []
    for i, h, body, above in _split_items(lines, outline):
        item = read_item(h, body, committee, meeting_date, outline.toc, above)
        if outline.group_status.get(i):
            item.closed = True
        items.append(item)
    decisions = [d for item in items for d in item.decisions]
    if not committee:
        committee = next((d.body for d in decisions if d.body), "")
    if meeting_date is None:
        meeting_date = next((d.date for d in decisions if d.date), None)

    kind = header.kind
    title = header.title
    if not items:
        note = read_note(lines[header_end:])
        if not note.sections and not header.date_text:
            raise ReadError("ingen mødestruktur fundet (ingen punkter, beslutninger eller dato); er det et referat?")
        items = [note]
        title = title or note.title
        kind = kind or "notat"
        committee = committee or find_committee_in_text(title) or find_committee_in_text(text) or ""
        meeting_date = meeting_date or first_date(fold_lookalikes(text))
    if not committee:
        committee = find_committee_in_text("\n".join(lines[:header_end])) or ""
    for decision in decisions:
        if not decision.body:
            decision.body = committee
        if decision.date is None:
            decision.date = meeting_date
    if not committee:
        raise ReadError("kan ikke afgøre udvalget; referatet nævner intet udvalg i toppen eller i en beslutning")
    if meeting_date is None:
        raise ReadError("kan ikke finde mødets dato i toppen eller i en beslutning")
    kind = kind or ("referat" if decisions else "dagsorden")

    municipality = context.municipality or infer_municipality(text, "\n".join(lines[:header_end]), context)
    if municipality is None:
        raise ReadError("kan ikke afgøre kommunen; angiv --municipality")

    warnings.extend(close_doubtful_items(items, kind))
    for item in items:
        attach_facts(item, context, meeting_date)
    if header.text:
        header.other["Tekst"] = "\n".join(header.text)
    if outline.trailer is not None:
        _read_trailer(lines[outline.trailer:], header)
    absent = list(dict.fromkeys(header.absent)) if header.absent_given else _absent_from_meeting(items, committee)
    meeting = ParsedMeeting(
        municipality=municipality,
        committee=committee,
        date=meeting_date,
        kind=kind,
        start_time=header.start_time,
        end_time=header.end_time,
        location=header.location,
        title=title,
        participants=header.participants,
        absent=absent,
        header=header.other,
        items=items,
    )
    votes.apply_attendance(meeting)
    warnings.extend(misread_signs(meeting, outline))
    return meeting, warnings


def _absent_from_meeting(items: list[ParsedItem], committee: str) -> list[str]:
    """Without an absence line in the header: those absent from at least half of the committee's
    decisions at this meeting. Absences in closed items are not counted: they may name the person
    a closed case is about."""
    own = [d for item in items if not item.closed for d in item.decisions if _fold(d.body) == _fold(committee)]
    counts: dict[str, int] = {}
    for decision in own:
        for name in dict.fromkeys(decision.absent):
            counts[name] = counts.get(name, 0) + 1
    return [name for name, count in counts.items() if count * 2 >= len(own)]


def _read_trailer(lines: list[str], header: Header) -> None:
    """The meeting's closing blocks ("Bilagsliste", "Underskriftsblad", "Mødet hævet kl. …") as header fields."""
    label, buffer = "Efter sidste punkt", []

    def keep():
        text = _paragraphs(buffer)
        if text:
            header.other[label] = f"{header.other[label]}\n\n{text}" if label in header.other else text

    for line in lines:
        text = line.strip()
        if blocks.meeting_end(text):
            keep()
            header.other["Mødet hævet"] = text
            label, buffer = "Efter sidste punkt", []
        elif text.casefold().rstrip(":") in blocks.END_OF_MEETING:
            keep()
            label, buffer = text.rstrip(":"), []
        else:
            buffer.append(line)
    keep()


def _committee_name(text: str) -> str:
    """"mødet i Beskæftigelsesudvalget" → "Beskæftigelsesudvalget"."""
    name = " ".join(text.split())
    return re.sub(r"^(?:til\s+)?(?:mødet|møde)\s+i\s+", "", name, flags=re.IGNORECASE)
