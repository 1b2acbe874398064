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

import re
from dataclasses import dataclass, field

from minutes.importer import blocks
from minutes.importer.dates import find_dates, find_time, first_date, parse_date
from minutes.importer.decode import reading_lines
from minutes.importer.extract import Sentences, classify_outcome, find_amounts, find_follow_ups
from minutes.importer.organisations import OrganisationMatcher
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


def _confirms_heading(line: str, title: str) -> bool:
    return bool(
        blocks.case_line(line)
        or blocks.access_line(line) is not None
        or blocks.section_heading(line)
        or blocks.decision_heading(line)
        or blocks.item_type_line(line)
        or blocks.is_navigation(line)
        or _fold(line) == _fold(title)
        or _fold(blocks._CLOSED_PREFIX.sub("", line)) == _fold(title)
    )


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def find_headings(lines: list[str]) -> tuple[list[tuple[int, blocks.Heading]], int | None, dict]:
    """(accepted headings with line index, index where a table of contents starts, its entries)."""
    candidates = [(i, h) for i, line in enumerate(lines) if (h := blocks.item_heading(line))]
    candidates = [(i, h) for i, h in candidates if blocks.looks_like_title(h)]

    # A table of contents: a run of headings with nothing but blank lines between
    # them, whose entries come back later as headings.
    toc_start, toc_entries, toc_lines = None, {}, set()
    run: list[tuple[int, blocks.Heading]] = []

    def close_run():
        nonlocal toc_start
        if len(run) >= 2 and toc_start is None:
            later = {(h.number, _fold(h.title)) for i, h in candidates if i > run[-1][0]}
            entries = [(h.number, _fold(h.title)) for _, h in run]
            if sum(e in later for e in entries) * 2 >= len(entries):
                toc_start = run[0][0]
                toc_lines.update(i for i, _ in run)
                for _, h in run:
                    toc_entries[(h.number, _fold(h.title))] = h

    previous = None
    for i, h in candidates:
        if (
            previous is not None
            and all(not line.strip() for line in lines[previous + 1:i])
            and _number_key(h.number) > _number_key(run[-1][1].number)
        ):
            run.append((i, h))
        else:
            close_run()
            run = [(i, h)]
        previous = i
    close_run()

    accepted = []
    for i, h in candidates:
        if i in toc_lines:
            continue
        toc_entry = toc_entries.get((h.number, _fold(h.title)))
        strong = h.prefixed or h.item_type or h.closed or toc_entry is not None
        confirmed = strong or any(_confirms_heading(line, h.title) for line in _next_content(lines, i + 1))
        if h.indented and not strong:
            continue
        if confirmed:
            if toc_entry is not None:
                h.closed = h.closed or toc_entry.closed
                h.item_type = h.item_type or toc_entry.item_type
            accepted.append((i, h))

    if not accepted and not toc_entries:
        # No heading is confirmed by structure: a plain agenda of titles and prose.
        accepted = [(i, h) for i, h in candidates if not h.indented and not h.title.endswith((".", ":", ","))]
        if len(accepted) < 2:
            accepted = []

    if any(h.prefixed for _, h in accepted):
        accepted = [(i, h) for i, h in accepted if h.prefixed]
    kept, last = [], None
    for i, h in accepted:
        key = _number_key(h.number)
        if last is None or key > last:
            kept.append((i, h))
            last = key
    return kept, toc_start, toc_entries


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


def read_header(lines: list[str]) -> Header:
    header = Header()
    content = [line.strip() for line in lines if line.strip() and not blocks.is_rule(line)]
    i = 0
    while i < len(content):
        line = content[i]
        i += 1
        folded = line.casefold().rstrip(":")
        if folded in KIND_WORDS and not header.kind:
            header.kind = KIND_WORDS[folded]
            continue
        if folded in TOC_LABELS:
            continue
        label = _label(line)
        if label:
            printed, kind, value = label
            if value is None:
                # The value sits on the next line, unless that line is a label too.
                next_line = content[i] if i < len(content) else ""
                if next_line and not _label(next_line) and next_line.casefold() not in {*KIND_WORDS, *TOC_LABELS}:
                    value = content[i]
                    i += 1
                elif i < len(content) and kind == "kind" and content[i].casefold() in KIND_WORDS:
                    value = content[i]
                    i += 1
                else:
                    value = ""
            _header_field(header, printed, kind, value)
            continue
        parts = _HEADER_SPLIT.split(line)
        if len(parts) > 1 and any(p.casefold() in KIND_WORDS or find_dates(p) for p in parts):
            for part in parts:
                if part.casefold() in KIND_WORDS:
                    header.kind = header.kind or KIND_WORDS[part.casefold()]
                elif find_dates(part) and not header.date_text:
                    header.date_text = part
                    header.start_time = header.start_time or find_time(part)
                elif not header.committee:
                    header.committee = part
                else:
                    header.text.append(part)
            continue
        if find_dates(line) and len(line) <= 80 and not header.date_text:
            header.date_text = line
            header.start_time = header.start_time or find_time(line)
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
        header.absent = blocks.split_names(value)
    elif kind == "other" and value:
        header.other[printed] = value


# --- 3. Items ---------------------------------------------------------------------------
def _paragraphs(lines: list[str]) -> str:
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class _OpenDecision:
    body: str
    date_text: str | None
    lines: list[str]


def read_item(heading: blocks.Heading, lines: list[str], meeting_committee: str, meeting_date) -> ParsedItem:
    item = ParsedItem(number=heading.number, title=heading.title, item_type=heading.item_type,
                      closed=heading.closed)
    section: str | None = None
    decision: _OpenDecision | None = None
    buffer: list[str] = []
    seen_content = False

    def flush():
        nonlocal buffer
        if decision is not None:
            item.decisions.append(_finish_decision(decision, buffer, meeting_committee, meeting_date))
        else:
            text = _paragraphs(buffer)
            if text:
                item.sections.append((section or "Tekst", text))
        buffer = []

    for line in lines:
        stripped = line.strip()
        if not stripped:
            buffer.append("")
            continue
        if blocks.is_navigation(stripped) or blocks.is_rule(stripped):
            continue
        if not seen_content:
            seen_content = True
            if _fold(stripped) == _fold(heading.title) or _fold(blocks._CLOSED_PREFIX.sub("", stripped)) == _fold(
                heading.title
            ):
                continue  # the title printed again under the heading
        if section is None and decision is None:
            case = blocks.case_line(stripped)
            if case and not item.case_number:
                item.case_number, rest = case
                if rest:
                    item.metadata["Sagsnr. (resten af linjen)"] = rest
                continue
            access = blocks.access_line(stripped)
            if access is not None:
                item.closed = item.closed or access
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
            continue
        section_heading = blocks.section_heading(stripped)
        if section_heading:
            flush()
            decision = None
            section = section_heading
            continue
        item_type = blocks.item_type_line(stripped)
        if item_type and not item.item_type:
            item.item_type = item_type
        buffer.append(line)
    flush()
    return item


def _finish_decision(open_decision: _OpenDecision, lines: list[str], committee: str, meeting_date) -> ParsedDecision:
    absent: list[str] = []
    kept = []
    for line in lines:
        names = blocks.absence_label(line)
        if names is not None:
            absent.extend(names)
            continue  # "Fraværende: …" is a field, not decision text
        sentence_names = blocks.absence_sentence(line)
        if sentence_names:
            absent.extend(sentence_names)
        kept.append(line)
    text = _paragraphs(kept)
    date = parse_date(open_decision.date_text) if open_decision.date_text else meeting_date
    without_absence = "\n".join(
        line for line in kept if not blocks.absence_sentence(line)
    )
    return ParsedDecision(
        body=" ".join(open_decision.body.split()) or committee,
        date=date,
        text=text,
        outcome=classify_outcome(without_absence),
        absent=list(dict.fromkeys(absent)),
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


def read(text: str, context: Context) -> tuple[ParsedMeeting, list[str]]:
    """Parse one decoded document; raise ReadError with a plain message when it cannot be read."""
    lines = reading_lines(text)
    warnings: list[str] = []
    headings, toc_start, _toc = find_headings(lines)
    first_item = headings[0][0] if headings else _note_body_start(lines)
    header_end = min(first_item, toc_start) if toc_start is not None else first_item
    header = read_header(lines[:header_end])

    if headings:
        items_lines = [
            (h, lines[i + 1:(headings[n + 1][0] if n + 1 < len(headings) else len(lines))])
            for n, (i, h) in enumerate(headings)
        ]
    else:
        items_lines = []

    committee = " ".join(header.committee.split())
    meeting_date = parse_date(header.date_text) if header.date_text else None

    items = [read_item(h, body, committee, meeting_date) for h, body in items_lines]
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

    for item in items:
        attach_facts(item, context, meeting_date)
    if header.text:
        header.other["Tekst"] = "\n".join(header.text)
    absent = header.absent or list(dict.fromkeys(
        name for d in decisions if _fold(d.body) == _fold(committee) for name in d.absent
    ))
    if kind == "referat" and items and not decisions and items[0].number is not None:
        warnings.append("referatet har ingen beslutninger")
    return (
        ParsedMeeting(
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
        ),
        warnings,
    )
