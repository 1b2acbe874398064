"""Dates and times as Danish referater print them.

"15. januar 2024", "24-03-2021", "Onsdag, 24 marts, 2021 - 15:00",
"02-11-2023 15:00:00", "tirsdag den 10. maj 2022 kl. 08:30", "10.08.20",
"2024-01-15", "March 24, 2021", and a day and month whose year comes later
("den 30. september til 1. oktober 2019").
"""

import datetime
import re

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
    "oct": 10,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_PATTERNS = [
    # 2024-01-15
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)\b"),
    # 24-03-2021, 24.03.2021, 24/03/2021, 10.08.20
    re.compile(r"\b(?P<d>\d\d?)[-./](?P<m>\d\d?)[-./](?P<y>(?:19|20)?\d\d)\b"),
    # 15. januar 2024, 24 marts, 2021, 1.januar 2020
    re.compile(rf"\b(?P<d>\d\d?)\.?\s*(?P<mn>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE),
    # March 24, 2021
    re.compile(rf"\b(?P<mn>{_MONTH})\.?\s+(?P<d>\d\d?)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE),
]
# A day and month without a year: "30. september" (the year comes later in the sentence).
_DAY_MONTH = re.compile(rf"\b(?P<d>\d\d?)\.\s*(?P<mn>{_MONTH})\b(?!\.?,?\s+(?:19|20)\d\d)", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "kl. 8.30" may use a dot; elsewhere only a colon marks a time (a dot would be a date).
_TIME = re.compile(r"\bkl\.?\s*(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)\b|\b(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)\b",
                   re.IGNORECASE)


def _make(d: str, m: int, y: str) -> datetime.date | None:
    year = int(y)
    if year < 100:
        year += 2000
    try:
        return datetime.date(year, int(m), int(d))
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, datetime.date]]:
    """Every date in `text` with its position, in order."""
    found: dict[int, datetime.date] = {}
    taken: list[range] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            month = MONTHS[match["mn"].lower()] if "mn" in match.groupdict() and match["mn"] else match["m"]
            date = _make(match["d"], month, match["y"])
            if date:
                found[match.start()] = date
                taken.append(range(match.start(), match.end()))
    for match in _DAY_MONTH.finditer(text):
        if any(match.start() in span for span in taken):
            continue
        year = _YEAR.search(text, match.end(), match.end() + 60)
        if year:
            date = _make(match["d"], MONTHS[match["mn"].lower()], year.group())
            if date:
                found[match.start()] = date
    return sorted(found.items())


def first_date(text: str) -> datetime.date | None:
    dates = find_dates(text)
    return dates[0][1] if dates else None


def parse_date(text: str) -> datetime.date | None:
    """The date a short field holds ("Onsdag, 24 marts, 2021 - 15:00"), or None."""
    return first_date(text)


def find_time(text: str) -> datetime.time | None:
    """A clock time in a date or time field ("kl. 08:30", "- 15:00", "15:00:00")."""
    match = _TIME.search(text)
    if match is None:
        return None
    return datetime.time(int(match["h"] or match["h2"]), int(match["mi"] or match["mi2"]))
