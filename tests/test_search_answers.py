"""The search's answers to a fixed set of requests stay the same: API, feed and CSV.

A named dataset (four municipalities, their committees, four years of meetings, open and closed
items with decisions, votes and organisations) is searched with the requests stored in
tests/data/search_answers/requests.json, as an anonymous visitor and as a caseworker who may see
closed items, along the exact path and the estimated one (a small exact limit). Each answer is
compared whole with the one stored beside it. `ANSWERS_WRITE=1` writes the answers again: only
when a change of answer is intended, and the diff says which.

Item and committee ids are fixed, so that the sample buckets (hashint8 of the id) and every URL
are the same on every run; some items lie in the first 32 buckets, the largest sample tier.
"""

import datetime
import json
import os
import random
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection

from committees.models import Committee, Municipality, Organisation
from minutes.models import AgendaItem, Decision, Meeting, OrganisationMention, SourceDocument
from search.index import reindex
from search.models import Word
from search.vocabulary import rebuild

ANSWERS = Path(__file__).parent / "data" / "search_answers"
REQUESTS = json.loads((ANSWERS / "requests.json").read_text())
WRITE = os.environ.get("ANSWERS_WRITE") == "1"

FIRST_ITEM_ID = 24_000_000
FIRST_COMMITTEE_ID = 24_000
COMMITTEES = {
    "Slagelse": ["Beskæftigelsesudvalget", "Økonomiudvalget"],
    "Fredericia": ["Social- og Beskæftigelsesudvalget"],
    "Viborg": ["Arbejdsmarkedsudvalget", "Socialudvalget"],
    "Holbæk": ["Job- og Borgerserviceudvalget"],
}
MEETING_DATES = [datetime.date(2021, 3, 9), datetime.date(2022, 6, 14), datetime.date(2023, 9, 19),
                 datetime.date(2024, 11, 26)]
VOTES = {"for": {"count": 7, "who": ["A", "V"]}, "against": {"count": 2, "who": ["Ø"]}, "abstained": None}
# Subjects: title, body, decision, outcome, item type, organisations (registry names), closed.
SUBJECTS = [
    ("Godkendelse af dagsorden", "", "Godkendt.", "approved", "B", [], False),
    ("Fleksjob og ressourceforløb", "Beskæftigelsesindsatsen for borgere i fleksjob og ressourceforløb. "
     "Flere borgere på kontanthjælp kommer i job.", "Indstillingen blev godkendt.", "approved", "B", [], False),
    ("Samarbejde med Code of Care om nytteindsats", "Kommunen har aftalt med Code of Care, at nytteindsatsen "
     "for ledige borgere fortsætter. Beskæftigelse er målet.", "Anbefales over for Økonomiudvalget.",
     "recommended", "B", ["Code of Care"], False),
    ("Social investering i unge ledige", "En social investering med Den Sociale Investeringsfond skal få unge "
     "borgere i beskæftigelse.", "Godkendt.", "approved", "B", ["Den Sociale Investeringsfond"], False),
    ("Sygedagpenge: status på opfølgningen", "Status på sygedagpengeindsatsen. Borgere på sygedagpenge "
     "følges op hver fjerde uge.", "Taget til efterretning.", "noted", "O", [], False),
    ("Budget for beskæftigelsesområdet", "Drøftelse af budgettet for beskæftigelse og kontanthjælp.",
     "Drøftet.", "discussed", "D", [], False),
    ("Ansøgning om tilskud til KLAPjob", "KLAPjob søger tilskud til job for borgere med handicap.",
     "Ansøgningen blev afvist. For stemte A og V, imod stemte Ø.", "rejected", "B", ["KLAPjob"], False),
    ("Personalesag om Gravsteinvej", "Sagen om Gravsteinvej og en medarbejders beskæftigelse.",
     "Godkendt.", "approved", "B", [], True),
    ("Integration af flygtninge på arbejdsmarkedet", "Røde Kors hjælper borgere med integration og "
     "beskæftigelse.", "Udsat til næste møde.", "postponed", "B", ["Røde Kors"], False),
    ("Handicappolitik", "Dansk Handicapforbund har kommenteret handicappolitikken; borgere med handicap "
     "skal i beskæftigelse.", "Sendt videre.", "other", None, ["Dansk Handicapforbund"], False),
    ("Orientering om virksomhedernes rekruttering", "Virksomhederne mangler arbejdskraft; ledige borgere "
     "opkvalificeres.", "Taget til efterretning.", "noted", "O", [], False),
    ("Lukket punkt: Salg af Hvidkløvergrunden", "Salget af Hvidkløvergrunden til en virksomhed.",
     "Godkendt.", "approved", "B", [], True),
]


def _item_ids(count: int) -> list[int]:
    """Item ids from FIRST_ITEM_ID on, every other one in the first 32 sample buckets."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT g, (hashint8(g) & 1023) < 32 FROM generate_series(%s::bigint, %s::bigint) g",
                       [FIRST_ITEM_ID, FIRST_ITEM_ID + 200_000])
        sampled, other = [], []
        for pk, in_sample in cursor.fetchall():
            (sampled if in_sample else other).append(pk)
    return [(sampled if n % 2 == 0 else other)[n // 2] for n in range(count)]


def build_dataset() -> None:
    rng = random.Random(24)
    organisations = {o.name: o for o in Organisation.objects.filter(name__in={
        name for subject in SUBJECTS for name in subject[5]})}
    plans = []  # (meeting, subject, number, closed)
    committee_id = FIRST_COMMITTEE_ID
    for municipality_name, names in COMMITTEES.items():
        municipality = Municipality.objects.get(name=municipality_name)
        for name in names:
            committee = Committee.objects.create(pk=committee_id, municipality=municipality, name=name)
            committee_id += 1
            for n, date in enumerate(MEETING_DATES):
                day = date + datetime.timedelta(days=committee_id % 7 + n)
                source = SourceDocument.objects.create(
                    file_name=f"{committee.slug}-{day}.txt", sha256=f"{committee.pk:032d}{day:%Y%m%d}".ljust(64, "0"),
                    text="Referat", encoding="utf-8")
                meeting = Meeting.objects.create(committee=committee, date=day, source=source)
                chosen = [SUBJECTS[0], *rng.sample(SUBJECTS[1:], 4)]
                for number, subject in enumerate(chosen, 1):
                    closed = subject[6] or rng.random() < 0.1
                    plans.append((meeting, subject, number, closed))
    for pk, (meeting, subject, number, closed) in zip(_item_ids(len(plans)), plans, strict=True):
        title, body, decision, outcome, item_type, names, _closed = subject
        item = AgendaItem.objects.create(
            pk=pk, meeting=meeting, number=str(number), order=number, title=title, item_type=item_type,
            closed=closed, case_number=f"24-{pk % 100000:06d}",
            sections=[{"heading": "Sagens indhold", "text": body}] if body else [])
        Decision.objects.create(item=item, order=0, body=meeting.committee.name, date=meeting.date, text=decision,
                                outcome=outcome, votes=VOTES if outcome == "rejected" else None)
        for name in names:
            OrganisationMention.objects.create(item=item, organisation=organisations[name], sentence=body)
    reindex(AgendaItem.objects.filter(pk__gte=FIRST_ITEM_ID))
    rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE minutes_agendaitem")


def remove_dataset() -> None:
    Meeting.objects.all().delete()
    SourceDocument.objects.all().delete()
    Committee.objects.filter(pk__gte=FIRST_COMMITTEE_ID).delete()
    Word.objects.all().delete()


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            build_dataset()
        except BaseException:
            remove_dataset()
            raise
    yield
    with django_db_blocker.unblock():
        remove_dataset()


def caseworker() -> User:
    user = User.objects.create(username="sagsbehandler")  # no password: logged in by force_login
    user.user_permissions.add(Permission.objects.get(codename="view_closed_item"))
    return user


def answer(client, settings, request: dict):
    """What the surface answers to the request: the API's JSON, the feed's or the CSV's text."""
    settings.SEARCH_EXACT_LIMIT = request["exact_limit"]
    settings.SEARCH_RANK_CANDIDATES = request["rank_candidates"]
    settings.SEARCH_SAMPLE_MATCHES = 10**6  # always the largest sample tier: the planner's guess does not matter
    if request["user"] == "caseworker":
        client.force_login(caseworker())
    path = {"api": "/api/search", "feed": "/soeg/feed.atom", "csv": "/soeg/eksport.csv"}[request["surface"]]
    response = client.get(f"{path}?{urlencode(request['params'], doseq=True)}")
    assert response.status_code == 200
    return response.json() if request["surface"] == "api" else response.content.decode()


def _name(request: dict) -> str:
    return request["name"]


@pytest.mark.django_db
@pytest.mark.usefixtures("dataset")
@pytest.mark.parametrize("request_", REQUESTS, ids=_name)
def test_the_answer_is_the_stored_one(client, settings, request_):
    got = answer(client, settings, request_)
    stored = ANSWERS / "answers" / f"{request_['name']}.json"
    if WRITE:
        stored.parent.mkdir(exist_ok=True)
        stored.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n")
    assert got == json.loads(stored.read_text())


def test_the_request_set_covers_what_the_search_offers():
    params = [r["params"] for r in REQUESTS]
    used = {name for p in params for name in p}
    assert used >= {"q", "sort", "page", "page_size", "date_from", "date_to", "municipality", "committee", "year",
                    "item_type", "outcome", "organisation"}
    assert {p.get("sort") for p in params} >= {"relevance", "newest", "oldest"}
    assert {r["user"] for r in REQUESTS} == {"anonymous", "caseworker"}
    assert {r["surface"] for r in REQUESTS} == {"api", "feed", "csv"}
    assert len({r["name"] for r in REQUESTS}) == len(REQUESTS) >= 120


@pytest.mark.django_db
@pytest.mark.usefixtures("dataset")
def test_the_stored_answers_hold_estimated_and_exact_counts_and_closed_items_only_for_the_caseworker():
    answers = {r["name"]: json.loads((ANSWERS / "answers" / f"{r['name']}.json").read_text())
               for r in REQUESTS if r["surface"] == "api"}
    assert {a["count_is_estimate"] for a in answers.values()} == {True, False}
    closed = {f"/punkt/{pk}/" for pk in AgendaItem.objects.filter(closed=True).values_list("pk", flat=True)}
    shown = {r["name"]: {x["url"] for x in answers[r["name"]]["results"]} for r in REQUESTS if r["name"] in answers}
    anonymous = [name for name in shown if name.startswith("anonymous")]
    assert closed and not any(shown[name] & closed for name in anonymous)
    assert any(urls & closed for name, urls in shown.items() if name.startswith("caseworker"))
