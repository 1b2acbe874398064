"""What text taken from PDF and web pages carries along, absorbed before reading.

The stored source stays exactly as received; the readers get lines without page
furniture (page numbers, running headers), with words hyphenated across a line
break joined, ligatures spelled out, and form feeds as plain line breaks.
"""

import re
from collections import Counter

from minutes.importer import blocks
from minutes.importer.dates import MONTHS, find_dates

PAGE_BREAK = "\x0c"
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
# A word broken at the line end: "arbejds-" / "markedet". A suspended hyphen
# ("Beskæftigelses- og Socialudvalget") is followed by a conjunction and stays.
_BROKEN_WORD = re.compile(r"(?<=[a-zæøåé])-$")
_CONTINUATION = re.compile(r"^(?P<rest>(?P<word>[a-zæøåé][\wæøåÆØÅ]*)[.,;:!?)»”\"]*)\s*(?P<after>.*)$")
_CONJUNCTIONS = {"og", "eller", "samt", "til", "som", "men", "end", "&"}


_LIGATURE = re.compile("[\ufb00-\ufb06]")


def spell_out(text: str) -> str:
    """Ligatures as their letters (ﬁ → fi)."""
    return text.translate(_LIGATURES) if _LIGATURE.search(text) else text


_WEEKDAYS = {"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"}
_HEADER_WORDS = {"referat", "dagsorden", "beslutningsreferat", "beslutningsprotokol", "d.", "den", "og", "for",
                 "i", "-", "–", "—", "|", "kl.", "side"}


def _is_running_header(text: str) -> bool:
    """The committee and the date, maybe a kind word ("Byrådet - Referat - 24. marts 2021"),
    and nothing else: what stands on top of every page."""
    if not (0 < len(text) <= 100) or text.endswith(".") or not _COMMITTEE.search(text):
        return False
    if not find_dates(text) or blocks.decision_heading(text):
        return False
    words = [w.strip(",") for w in text.split()]
    words = [w for w in words if w and not any(c.isdigit() for c in w)
             and w.casefold().rstrip(".") not in MONTHS and w.casefold().rstrip(",") not in _WEEKDAYS]
    return len(words) <= 8 and all(w.casefold() in _HEADER_WORDS or w[:1].isupper() for w in words)


def absorb(lines: list[str]) -> list[str]:
    """The reading lines without page furniture; a line that began a page starts with PAGE_BREAK."""
    page_tops = {i for i, line in enumerate(lines) if line.startswith(PAGE_BREAK)}
    if page_tops:
        lines = [line.replace(PAGE_BREAK, "") for line in lines]
    if _LIGATURE.search("".join(lines)):
        lines = [spell_out(line) for line in lines]

    # Running headers: a short line with a date that stands again and again at the top of a
    # page or beside a page number (the committee and date on every page).
    stripped = [line.strip() for line in lines]
    counts = Counter(stripped)
    running = {text for text, count in counts.items() if count >= 2 and text and _is_running_header(text)}
    furniture = set()
    for i, text in enumerate(stripped):
        if not text:
            continue
        if text[:1] in _PAGE_STARTS and blocks.page_number(text):
            furniture.add(i)
            continue
        if text in running:
            near_page = i in page_tops or any(
                blocks.page_number(lines[j]) for j in range(max(0, i - 2), min(len(lines), i + 3)) if j != i
            )
            if near_page or counts[text] >= 3:
                furniture.add(i)
    # A line that opens page after page (the committee's name, a title) is a running header there.
    tops: dict[str, list[int]] = {}
    for i, text in enumerate(stripped):
        if text and _opens_page(stripped, i, page_tops) and len(text) <= 100 and not blocks.item_heading(text):
            tops.setdefault(text, []).append(i)
            if _is_running_header(text):
                furniture.add(i)  # the committee and date on top of a page, even once
    # Opening two thirds of the pages or more, and no sentence or block of an item: "Ingen." may
    # open two pages of fifteen by chance, the committee's name (a paragraph of its own) two of
    # four, "… indstiller," "Beslutningssag" or "Udvalg: Byrådet" each page an item starts on.
    pages = max(len(page_tops), sum(1 for text in stripped if text[:1] in _PAGE_STARTS and blocks.page_number(text)))
    for text, places in tops.items():
        if (len(places) >= 2 and len(places) * 3 >= pages * 2 and not text.endswith((".", ",", ";", ":"))
                and not _item_block(text)):
            furniture.update(places)
    # The first occurrence of a running header is the document's own header when it opens the text
    # (after web navigation such as "Tilbage til oversigt").
    first_content = next((i for i, text in enumerate(stripped) if text and not blocks.is_navigation(text)), None)
    furniture.discard(first_content)
    kept = [line for i, line in enumerate(lines) if i not in furniture] if furniture else lines
    return join_broken_words(kept)


def _item_block(text: str) -> bool:
    """A block of an item's own ("Beslutningssag", "Lukket punkt", "Udvalg: Byrådet"), which
    may open page after page where items start."""
    return bool(blocks.section_heading(text) or blocks.decision_heading(text) or blocks.earlier_body(text)
                or blocks.item_type_line(text) or blocks.status_line(text) is not None or blocks.case_line(text))


def _opens_page(stripped: list[str], i: int, page_tops: set[int]) -> bool:
    """The first line with text on a page: after a form feed or a page number."""
    j = i
    while j > 0 and not stripped[j - 1] and j not in page_tops:
        j -= 1
    return j in page_tops or (j > 0 and blocks.page_number(stripped[j - 1]))


_PAGE_STARTS = set("SPsp0123456789")
_COMMITTEE = re.compile(r"udvalg|byråd|kommunalbestyrelse|borgerrepræsentation|regionsråd|bestyrelse|råd\b",
                        re.IGNORECASE)


def join_broken_words(lines: list[str]) -> list[str]:
    """"… på arbejds-" / "markedet eller …" → "… på arbejdsmarkedet" / "eller …": the word
    moves up whole, so every line keeps its place."""
    lines = list(lines)
    for i in range(len(lines) - 1):
        line = lines[i]
        if not line.endswith("-") or not _BROKEN_WORD.search(line):
            continue
        j = i + 1
        following = lines[j].lstrip()
        match = _CONTINUATION.match(following)
        if not match or match["word"].casefold() in _CONJUNCTIONS:
            continue
        lines[i] = line[:-1] + match["rest"]
        lines[j] = match["after"]
    return lines
