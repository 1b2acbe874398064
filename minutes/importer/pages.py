"""What text taken from PDF and web pages carries along, absorbed before reading.

The stored source stays exactly as received; the readers get lines without page
furniture (page numbers, running headers), with words hyphenated across a line
break joined, ligatures spelled out, and form feeds as plain line breaks.
"""

import re
from collections import Counter

from minutes.importer import blocks
from minutes.importer.dates import find_dates

PAGE_BREAK = "\x0c"
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
# A word broken at the line end: "arbejds-" / "markedet". A suspended hyphen
# ("Beskæftigelses- og Socialudvalget") is followed by a conjunction and stays.
_BROKEN_WORD = re.compile(r"(?<=[a-zæøåé])-$")
_CONTINUATION = re.compile(r"^(?P<rest>[a-zæøåé][\wæøåÆØÅ]*)(?P<after>.*)$")
_CONJUNCTIONS = {"og", "eller", "samt", "til", "som", "men", "end", "&"}


_LIGATURE = re.compile("[\ufb00-\ufb06]")


def spell_out(text: str) -> str:
    """Ligatures as their letters (ﬁ → fi)."""
    return text.translate(_LIGATURES) if _LIGATURE.search(text) else text


def _is_running_header(text: str) -> bool:
    return (
        0 < len(text) <= 100 and not text.endswith(".") and bool(_COMMITTEE.search(text))
        and bool(find_dates(text)) and not blocks.decision_heading(text)
    )


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
    # The first occurrence of a running header is the document's own header when it opens the text.
    first_content = next((i for i, text in enumerate(stripped) if text), None)
    furniture.discard(first_content)
    kept = [line for i, line in enumerate(lines) if i not in furniture] if furniture else lines
    return join_broken_words(kept)


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
        if not match or match["rest"].casefold() in _CONJUNCTIONS:
            continue
        lines[i] = line[:-1] + match["rest"]
        lines[j] = match["after"].lstrip()
    return lines
