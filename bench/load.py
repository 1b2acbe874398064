"""Load generated agenda items straight into the database (COPY), for search benchmarks.

Going through text files would take hours at a million items; this builds the same
rows the importer would store (items with their search document, meetings,
decisions, organisation mentions, the suggestion vocabulary) and copies them in.
The GIN index is dropped during the load and built once afterwards.
"""

import datetime
import json
import multiprocessing
import os

CHUNK_MEETINGS = 400


def _prepare_chunk(args):
    """Rows for CHUNK_MEETINGS generated meetings (runs in a worker process)."""
    seed, chunk, organisation_names = args
    from bench.corpus import Generator
    from search.index import document_for
    from search.vocabulary import merge, vocabulary

    generator = Generator(seed * 100_003 + chunk)
    meetings, items, decisions, mentions, words = [], [], [], [], {}
    for _ in range(CHUNK_MEETINGS):
        meeting = generator.meeting()
        meetings.append((meeting.municipality["code"], meeting.committee, meeting.date.isoformat(),
                         meeting.location, meeting.absent))
        for order, item in enumerate(meeting.items, start=1):
            sections = [{"heading": h, "text": t} for h, t in item.sections]
            names = [n for o in item.organisations for n in organisation_names.get(o, [o])]
            document = document_for(
                title=item.title, sections=sections, decisions=[text for _, text, _ in item.decisions],
                organisation_names=names, committee=meeting.committee,
                municipality=meeting.municipality["name"], case_number=item.case_number,
            )
            items.append((len(meetings) - 1, item.number, order, item.title, item.item_type, item.case_number,
                          item.closed, json.dumps(sections, ensure_ascii=False), meeting.municipality["code"],
                          meeting.committee, meeting.date.isoformat(), item.decisions[-1][2], document))
            decisions.append([(body, text, outcome) for body, text, outcome in item.decisions])
            mentions.append(item.organisations)
            if not item.closed:  # the importer's rule: closed items never feed suggestions
                merge(words, vocabulary([item.title + "\n" + "\n".join(t for _, t in item.sections)]))
    return meetings, items, decisions, mentions, words


def load_rows(rows: int, seed: int = 1, workers: int | None = None) -> int:
    """Generate meetings until `rows` more items are loaded; return how many items were loaded.

    Rows already in the database stay; give a seed of their own to the rows added to them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minutes.settings")
    import django

    django.setup()
    from django.db import connection, connections

    from committees.models import Committee, Municipality, Organisation
    from minutes.models import Meeting, SourceDocument
    from search.danish import warm_up
    from search.vocabulary import count_words, merge

    organisation_names = {o.name: o.all_names() for o in Organisation.objects.all()}
    organisation_ids = dict(Organisation.objects.values_list("name", "id"))
    municipalities = {m.code: m for m in Municipality.objects.all()}
    source, _ = SourceDocument.objects.get_or_create(
        sha256="0" * 64, defaults={"file_name": "bench.corpus", "text": "generated", "encoding": "utf-8"})
    # Appending to rows already loaded (a larger size grown from a smaller one): their
    # committees and meeting dates are taken, so new meetings never collide with them.
    committees = {(code, name): pk for pk, code, name in
                  Committee.objects.values_list("id", "municipality_id", "name")}
    _TAKEN.update((committee, day.isoformat()) for committee, day in
                  Meeting.objects.values_list("committee_id", "date"))

    with connection.cursor() as cursor:  # the search index is built once at the end: much faster than row by row
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'minutes_agendaitem' "
                       "AND indexdef LIKE '%USING gin%'")
        search_indexes = cursor.fetchall()
        for name, _definition in search_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    warm_up()
    connections.close_all()
    loaded, chunk, vocabulary = 0, 0, {}
    workers = workers or os.cpu_count() or 1
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        while loaded < rows:
            batch = [(seed, chunk + n, organisation_names) for n in range(workers * 2)]
            chunk += len(batch)
            for meetings, items, decisions, mentions, words in pool.map(_prepare_chunk, batch):
                if loaded >= rows:
                    break
                keep = min(len(items), rows - loaded)
                loaded += _copy(connection, meetings, items[:keep], decisions[:keep], mentions[:keep],
                                committees, municipalities, organisation_ids, source.pk)
                merge(vocabulary, words)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in search_indexes:
            cursor.execute(definition)
        cursor.execute("ANALYZE")
    count_words(vocabulary)
    return loaded


_TAKEN: set[tuple[int, str]] = set()  # (committee id, date) already loaded: chunks are generated independently


def _free_date(committee: int, date: str) -> str:
    day = datetime.date.fromisoformat(date)
    while (committee, day.isoformat()) in _TAKEN:
        day += datetime.timedelta(days=1)
    _TAKEN.add((committee, day.isoformat()))
    return day.isoformat()


def _copy(connection, meetings, items, decisions, mentions, committees, municipalities, organisation_ids, source):
    from committees.models import Committee
    from minutes.importer.store import reserve_ids

    with connection.cursor() as cursor:
        for code, name, *_ in meetings:
            if (code, name) not in committees:
                committee, _ = Committee.objects.get_or_create(municipality=municipalities[code], name=name)
                committees[(code, name)] = committee.pk
        meeting_ids = reserve_ids(cursor, "minutes_meeting", len(meetings))
        dates = [_free_date(committees[(code, name)], date) for code, name, date, *_ in meetings]
        with cursor.copy("COPY minutes_meeting (id, committee_id, date, location, kind, title, participants, "
                         "absent, header, source_id, updated_at) FROM STDIN") as copy:
            for n, (code, name, _date, location, absent) in enumerate(meetings):
                copy.write_row((meeting_ids[n], committees[(code, name)], dates[n], location, "referat", "", [],
                                absent, "{}", source, "now"))
        item_ids = reserve_ids(cursor, "minutes_agendaitem", len(items))
        with cursor.copy('COPY minutes_agendaitem (id, meeting_id, number, "order", title, item_type, case_number, '
                         "closed, sections, metadata, municipality_id, committee_id, date, outcome, "
                         "search_document) FROM STDIN") as copy:
            for n, (meeting, number, order, title, item_type, case, closed, sections, code, name, _date, outcome,
                    document) in enumerate(items):
                copy.write_row((item_ids[n], meeting_ids[meeting], number, order, title, item_type, case,
                                closed, sections, "{}", code, committees[(code, name)], dates[meeting], outcome,
                                document))
        with cursor.copy('COPY minutes_decision (item_id, "order", body, date, text, outcome, absent) '
                         "FROM STDIN") as copy:
            for n, item_decisions in enumerate(decisions):
                date = dates[items[n][0]]
                for order, (body, text, outcome) in enumerate(item_decisions):
                    copy.write_row((item_ids[n], order, body, date, text, outcome, []))
        with cursor.copy("COPY minutes_organisationmention (item_id, organisation_id, sentence) FROM STDIN") as copy:
            for n, names in enumerate(mentions):
                for name in dict.fromkeys(names):
                    copy.write_row((item_ids[n], organisation_ids[name], f"{name} nævnes i punktet."))
    return len(items)
