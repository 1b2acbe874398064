"""Signs that a layout was misread, and items held back when in doubt.

The reader never guesses an item open: an item that says nothing but its heading
and case block in a referat, or whose text carries a closed marker (a heading the
reader did not recognise), is stored closed with a warning, until an admin has
looked. The other signs are warnings an admin sees in the summary, the dry-run
JSON and the import run; `import_referater --strict` fails such a document.
"""

import re

from minutes.importer import blocks

HELD_BACK_KEY = "Lukket markering i teksten"
_SHARE = 0.6  # one item holding more than this share of a meeting's text, with at least …
_SHARE_ITEMS, _SHARE_CHARS = 3, 4000


def _name(item) -> str:
    return f"punkt {item.number} «{item.title[:80]}»"


def close_doubtful_items(items, kind: str) -> list[str]:
    """Close what may be closed; one warning per item closed this way."""
    warnings = []
    for item in items:
        if item.number is None or item.closed:
            continue
        if HELD_BACK_KEY in item.metadata:
            item.closed = True
            warnings.append(
                f"{_name(item)} holdes tilbage fra offentligheden: teksten rummer en markering af et lukket punkt "
                f"(«{item.metadata[HELD_BACK_KEY][:80]}»), så opsætningen er sandsynligvis læst forkert; "
                "en administrator kan åbne punktet i administrationen"
            )
        elif kind == "referat" and not item.sections and not item.decisions:
            item.closed = True
            warnings.append(
                f"{_name(item)} har ingen tekst ud over overskriften og sagsnummeret og er gemt som lukket; "
                "en administrator kan åbne punktet i administrationen"
            )
    return warnings


def _looks_structural(text: str) -> bool:
    return bool(
        blocks.case_line(text)
        or re.search(r"\b(?:Sagsnr|Sagsid|Sagsnummer|J\.\s?nr)\.?\s*:?\s*\S*\d", text, re.IGNORECASE)
        or blocks.decision_heading(text)
        or any(blocks.section_heading(word) for word in re.split(r"\s{2,}|:\s*", text) if word)
    )


def misread_signs(meeting, outline) -> list[str]:
    """Warnings for the signs of a misread layout."""
    warnings = []
    items = [item for item in meeting.items if item.number is not None]
    if _looks_structural(meeting.committee) or len(meeting.committee) > 120:
        warnings.append(f"udvalgets navn ligner ikke et navn: «{meeting.committee[:120]}»")
    for item in items:
        if _looks_structural(item.title):
            warnings.append(f"titlen på {_name(item)} rummer et sagsnummer, en afsnits- eller beslutningsoverskrift")
    sizes = [len(item.full_text()) for item in items]
    total = sum(sizes)
    if len(items) >= _SHARE_ITEMS and total >= _SHARE_CHARS and max(sizes) > _SHARE * total:
        biggest = items[sizes.index(max(sizes))]
        warnings.append(f"{_name(biggest)} rummer {round(100 * max(sizes) / total)} % af mødets tekst; "
                        "måske er flere punkter læst som ét")
    for item in items:
        own = [d for d in item.decisions
               if " ".join(d.body.split()).casefold() == meeting.committee.casefold() and d.date == meeting.date]
        if len(own) >= 2:
            warnings.append(f"{_name(item)} har {len(own)} beslutninger fra {meeting.committee} samme dag; "
                            "måske er flere punkter læst som ét")
    for previous, current in zip(outline.headings, outline.headings[1:], strict=False):
        if (blocks.number_key(current[1].number) <= blocks.number_key(previous[1].number)
                and current[0] not in outline.regrouped):
            warnings.append(f"punkternes numre stiger ikke: punkt {current[1].number} efter punkt "
                            f"{previous[1].number}")
    for number in outline.dropped:
        warnings.append(f"en overskrift som punkt {number} står uden for rækkefølgen og er læst som tekst")
    if meeting.kind == "referat" and items and not any(item.decisions for item in items):
        warnings.append("referatet har ingen beslutninger")
    for item in items:
        if not item.sections and not item.decisions and not item.closed:
            warnings.append(f"{_name(item)} har ingen tekst")
    return warnings
