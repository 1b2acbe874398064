"""Readable test data: a few municipalities' committees, meetings and items."""

import datetime
import hashlib
import io
from html.parser import HTMLParser

from django.core.management import call_command

from committees.models import Committee, Municipality
from minutes.models import AgendaItem, Meeting, SourceDocument


def committee(municipality="Slagelse", name="Erhvervs-, Beskæftigelses- og Uddannelsesudvalget"):
    return Committee.objects.get_or_create(municipality=Municipality.objects.get(name=municipality), name=name)[0]


def source(text="Referat", file_name="referat.txt"):
    digest = hashlib.sha256(f"{file_name}:{text}".encode()).hexdigest()
    return SourceDocument.objects.create(file_name=file_name, sha256=digest, text=text, encoding="utf-8")


def meeting(committee_=None, date=datetime.date(2024, 1, 15), **fields):
    committee_ = committee_ or committee()
    doc = source(file_name=f"{committee_.pk}-{date}.txt")
    return Meeting.objects.create(committee=committee_, date=date, source=doc, **fields)


def item(meeting_=None, number="1", title="Godkendelse af dagsorden", order=None, **fields):
    meeting_ = meeting_ or meeting()
    if order is None:
        order = meeting_.items.count() + 1
    return AgendaItem.objects.create(meeting=meeting_, number=number, order=order, title=title, **fields)


def import_referater(directory, documents: dict[str, str], **options) -> None:
    """Write referater (file name → text) into `directory` and import them in the order given."""
    paths = []
    for name, text in documents.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    call_command("import_referater", *paths, stdout=io.StringIO(), stderr=io.StringIO(), **options)


# A corpus of Slagelse referater whose closed items carry marker words, each in one place; the
# test of every URL (tests/test_closed_marker_walk.py) looks for them where closed items must not be.
MARKERS = {
    # Økonomiudvalget 12 February 2024, item 3: closed in the referat, with everything a closed item can hold
    "title": "Quibblefjord", "body": "Vorpalgrund", "candidate": "Snarkefabrik", "decision": "Bandersnatch",
    "absent": "Borogove", "case": "314159", "initials": "QZWK",
    # item 4: closed, only its heading and case line
    "bare title": "Tumtumtrae", "bare case": "271828", "bare initials": "XQJV",
    # Arbejdsmarkedsudvalget 5 March 2024, item 2: open in the dagsorden, closed in the referat replacing it
    "agenda title": "Galumph", "agenda body": "Frabjous", "agenda absent": "Jubjub", "agenda case": "161803",
    # Socialudvalget 9 April 2024, item 2: open when imported, closed in the admin afterwards
    "later title": "Chortle", "later body": "Beamish", "later decision": "Uffish", "later absent": "Manxome",
    "later case": "141421",
}
MARKED_REFERATER = {
    "oekonomiudvalget-2024-02-12.txt": """Økonomiudvalget – Referat – 12. februar 2024

1. Godkendelse af dagsorden (B)

Sagsnr.: 24-000101

Åbent

Beslutning

Godkendt.

Fraværende: Anne Hansen (A)

2. Samarbejde med Code of Care om nytteindsats (B)

Sagsnr.: 24-000102

Åbent

Sagens indhold

Slagelse Kommune har aftalt med Code of Care, at nytteindsatsen fortsætter i 2024.

Beslutning

Godkendt.

Fraværende: Anne Hansen (A)

3. Personalesag om Quibblefjord (Lukket)

Sagsid.: 27/314159, Sagsinitialer: QZWK

Lukket

Sagens indhold

Sagen handler om Vorpalgrund. Slagelse Kommune har aftalt med Code of Care, at Vorpalgrund koster 99.000 kr.

Leverandøren er Snarkefabrik ApS.

Beslutning

Godkendt. Bandersnatchaftalen indgås. Udvalget ser frem til at modtage en status på Vorpalgrund i foråret 2027.

Fraværende: Borogove Mimsy (V)

4. Salg af Tumtumtraegrunden (Lukket)

Sagsid.: 27/271828, Sagsinitialer: XQJV

Lukket
""",
    "arbejdsmarkedsudvalget-2024-03-05-dagsorden.txt": """Arbejdsmarkedsudvalget – Dagsorden – 5. marts 2024

1. Godkendelse af dagsorden (B)

Sagsnr.: 24-000201

Åbent

Indstilling

At dagsordenen godkendes.

2. Ansøgning om Galumphbevilling (B)

Sagsnr.: 24-161803

Åbent

Sagens indhold

Slagelse Kommune har modtaget en ansøgning om tilskud til Frabjousvej.

Indstilling

At ansøgningen imødekommes.
""",
    "arbejdsmarkedsudvalget-2024-03-05-referat.txt": """Arbejdsmarkedsudvalget – Referat – 5. marts 2024

1. Godkendelse af dagsorden (B)

Sagsnr.: 24-000201

Åbent

Beslutning

Godkendt.

2. Ansøgning om Galumphbevilling (Lukket)

Sagsnr.: 24-161803

Lukket

Beslutning

Godkendt.

Fraværende: Jubjub Kalloo (C)
""",
    "socialudvalget-2024-04-09.txt": """Socialudvalget – Referat – 9. april 2024

1. Godkendelse af dagsorden (B)

Sagsnr.: 24-000301

Åbent

Beslutning

Godkendt.

2. Tilskud til Chortlepladsen (B)

Sagsnr.: 24-141421

Åbent

Sagens indhold

Slagelse Kommune har aftalt med Code of Care, at Beamishparken drives videre.

Beslutning

Godkendt. Uffishtanken bevares.

Fraværende: Manxome Tulgey (C)
""",
}


# An open item in another municipality on the subject of the closed item 3: "Lignende punkter".
SIMILAR_ELSEWHERE = {"fredericia-2024-03-20.txt": """Social- og Beskæftigelsesudvalget – Referat – 20. marts 2024

1. Personalesag og nytteindsats med Code of Care (B)

Sagsnr.: 24-000601

Åbent

Sagens indhold

Fredericia Kommune har aftalt med Code of Care, at nytteindsatsen udvides.

Beslutning

Godkendt.
"""}


def import_marked_corpus(directory) -> None:
    """The marked referater, imported; the Socialudvalget's item 2 is still open (a test closes it)."""
    import_referater(directory, MARKED_REFERATER, municipality="Slagelse")
    import_referater(directory, SIMILAR_ELSEWHERE)


class _FormFields(HTMLParser):
    """The values a browser would send for the admin's change form, as rendered."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def admin_form(client, url) -> dict:
    """The data a browser would post back from the admin form at `url`, unchanged."""
    form = _FormFields()
    form.feed(client.get(url).content.decode())
    return form.data
