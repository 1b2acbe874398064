"""`make bench`: import and search measured, against the naive way and against tantivy.

    python -m bench.run [--import-meetings 2000] [--search-rows 200000] [--skip-import]

Import: N generated meetings through `import_referater` into a fresh database: items/s
and peak memory of the importer's process tree (RSS summed, and PSS).
Search at R items: our `GET /api/search` end to end through gunicorn (top 20, count, six
facets, snippets) for a fixed mix of 40 queries, single client (p50/p95/p99) and 8
concurrent clients (requests/s); beside it, on the same rows and queries, the naive
Django-documentation design (one 'danish' tsvector, ts_rank over every match, exact
COUNT and GROUP BY facets) and the tantivy engine (top 20, count, facet aggregations).
Results go to bench/results/*.json and a table on stdout.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

from bench.reliability import free_port
from minutes import embedded_db

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", ROOT / "bench" / ".data"))
RESULTS = ROOT / "bench" / "results"
# The importer and the search server run with production settings (no DEBUG query log), on loopback only.
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
              "DJANGO_SECURE_SSL_REDIRECT": "0",
              "SEARCH_RATE_LIMIT": "", "EXPORT_RATE_LIMIT": ""}
BASE_QUERIES = [
    # rare
    "Zendoo", "hjørnestenen", "Powerjobsøgerne", "Sundinvest", "ressourceforløb",
    # medium
    "fleksjob", "Code of Care", "sygedagpenge", "handicap", "KLAPjob", "integration", "Arne-pensionen",
    # very common
    "beskæftigelse", "indsats", "borgere", "virksomhederne",
    # two terms, phrases, compounds
    "fleksjob kontanthjælp", '"social investering"', '"lønnede timer"', "kontanthjælp",
]


def percentile(values, p):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def summary(latencies):
    return {"p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99), "mean_ms": round(statistics.fmean(latencies), 1),
            "samples": len(latencies)}


def database(name: str) -> tuple[str, dict]:
    """The URL of database `name` (created when missing) on the bench server."""
    connection = embedded_db.ensure_running(DATA_DIR, dbname=name)
    return database_url(connection, name), connection


def database_url(connection: dict, name: str) -> str:
    return f"postgres://{connection['USER']}@/{name}?host={connection['HOST']}"


def server():
    """A connection to the bench server's maintenance database (to create, copy, drop and list)."""
    import psycopg

    connection = embedded_db.ensure_running(DATA_DIR)
    return psycopg.connect(host=connection["HOST"], user="postgres", dbname="postgres", autocommit=True)


def drop_database(name: str) -> None:
    with server() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(url, *args, **kwargs):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    return subprocess.run([sys.executable, "manage.py", *map(str, args)], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, **kwargs)


def machine(url) -> dict:
    import psycopg

    settings = {}
    with psycopg.connect(url) as conn:
        for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers",
                     "random_page_cost", "synchronous_commit"):
            settings[name] = conn.execute(f"SHOW {name}").fetchone()[0]
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "cpu": platform.processor() or platform.machine(), "platform": platform.platform(),
            "python": platform.python_version(), "postgresql": settings, "date": datetime.date.today().isoformat()}


# --- Import ----------------------------------------------------------------------------------------
def bench_import(meetings: int) -> dict:
    from bench.corpus import write_files

    name = "bench_import"
    drop_database(name)
    url, _ = database(name)
    manage(url, "migrate", "--noinput")
    corpus = Path(tempfile.mkdtemp(prefix="rs-bench-"))
    items = write_files(corpus, meetings, seed=1)
    env = {**os.environ, "DATABASE_URL": url, **PRODUCTION}  # as an admin runs it: no DEBUG query log
    log = corpus / "import.log"  # a file, not a pipe: a full pipe would stall the importer
    started = time.monotonic()
    with open(log, "w") as output:
        process = psutil.Popen([sys.executable, "manage.py", "import_referater", str(corpus)], cwd=ROOT, env=env,
                               stdout=output, stderr=subprocess.STDOUT)
    # RSS summed over the tree counts the pages the workers share with the main process after
    # the fork once per process; PSS divides each shared page among its sharers (the memory used).
    peak = peak_pss = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            memory = [p.memory_full_info() for p in tree if p.is_running()]
            peak = max(peak, sum(m.rss for m in memory))
            peak_pss = max(peak_pss, sum(m.pss for m in memory))
        except psutil.Error:
            pass
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    err = log.read_text()
    stored = count_items(url)
    return {"meetings": meetings, "items_generated": items, "items_stored": stored, "exit_code": process.returncode,
            "seconds": round(elapsed, 1), "items_per_second": round(stored / elapsed, 1),
            "peak_rss_mb": round(peak / 2**20), "peak_pss_mb": round(peak_pss / 2**20),
            "errors": err.count("fejl:")}


# --- Search ---------------------------------------------------------------------------------------------
def ensure_search_database(rows: int) -> str:
    """The database with `rows` generated items, loaded once and then reused.

    A larger size is grown from the largest smaller one (copied, then the rest loaded with
    another seed), so 2,000,000 items cost the loading of one more million, not two."""
    name = f"bench_search_{rows}"
    if name not in search_databases():
        smaller = [n for n in complete_search_databases() if n < rows]
        if smaller:
            clone_database(f"bench_search_{max(smaller)}", name)
    url, _ = database(name)
    manage(url, "migrate", "--noinput")
    have = count_items(url)
    if have < rows and not has_search_index(url):  # a load that was interrupted: start again
        drop_database(name)
        url, _ = database(name)
        manage(url, "migrate", "--noinput")
        have = 0
    if have < rows:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
        seed = 1 + have  # rows added to a copy get a seed (and so rows) of their own
        subprocess.run([sys.executable, "-m", "bench.corpus", "--rows", str(rows - have), "--seed", str(seed)],
                       cwd=ROOT, env=env, check=True)
    return url


def count_items(url) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM minutes_agendaitem").fetchone()[0]


def has_search_index(url) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'item_search'").fetchone() is not None


def search_databases() -> list[str]:
    """Names of the bench server's search databases, complete or not."""
    with server() as conn:
        return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench_search_%'")]


def complete_search_databases() -> list[int]:
    """Sizes of the complete search databases (item count equal to the size in the name, index built)."""
    connection = embedded_db.ensure_running(DATA_DIR)
    sizes = []
    for name in search_databases():
        size = name.removeprefix("bench_search_")
        if size.isdigit():
            url = database_url(connection, name)
            if has_search_index(url) and count_items(url) == int(size):
                sizes.append(int(size))
    return sizes


def clone_database(source: str, target: str) -> None:
    with server() as conn:
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def room_for(rows: int) -> dict:
    """Whether a search database of `rows` items fits on the disk, judged from the largest one there is."""
    known = complete_search_databases()
    free = shutil.disk_usage(DATA_DIR).free
    if rows in known:
        return {"fits": True, "needed_gb": 0.0, "free_gb": round(free / 2**30, 1)}
    largest = max(known, default=0)
    per_row = 7_000  # bytes per item, table and indexes, when nothing has been measured yet
    if largest:
        with server() as conn:
            per_row = conn.execute("SELECT pg_database_size(%s)", [f"bench_search_{largest}"]).fetchone()[0] / largest
    needed = per_row * rows * 1.2  # the copy, the rows added and the index build's room
    return {"fits": needed < free, "needed_gb": round(needed / 2**30, 1), "free_gb": round(free / 2**30, 1)}


def sizes(url) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        q = conn.execute
        text_bytes = q("SELECT sum(octet_length(title) + octet_length(sections::text)) FROM minutes_agendaitem")
        return {
            "items": q("SELECT count(*) FROM minutes_agendaitem").fetchone()[0],
            "raw_text_mb": round(text_bytes.fetchone()[0] / 2**20, 1),
            "table_mb": round(q("SELECT pg_table_size('minutes_agendaitem')").fetchone()[0] / 2**20, 1),
            # The search indexes: the whole one and the sample tiers' (minutes/0006).
            "search_index_mb": round(q("SELECT sum(pg_relation_size(oid))::bigint FROM pg_class WHERE relkind = 'i' "
                                       "AND (relname = 'item_search' OR relname LIKE 'item\\_sample\\_%')")
                                     .fetchone()[0] / 2**20, 1),
            "search_vectors_mb": round(q("SELECT sum(pg_column_size(search_vector)) FROM minutes_agendaitem")
                                       .fetchone()[0] / 2**20, 1),
        }


def query_mix(url) -> list[dict]:
    import psycopg

    with psycopg.connect(url) as conn:
        biggest = conn.execute(
            "SELECT m.name FROM minutes_agendaitem i JOIN committees_municipality m ON m.code = i.municipality_id "
            "GROUP BY m.name ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return [{"q": q} for q in BASE_QUERIES] + [{"q": q, "municipality": biggest} for q in BASE_QUERIES]


def ours(url, mix, clients: int, seconds: float) -> dict:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, **PRODUCTION}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "minutes.wsgi", "--bind",
                               f"127.0.0.1:{port}", "--workers", "3", "--threads", "4"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/search?"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "q=", timeout=5)
                break
            except OSError:
                time.sleep(0.2)

        def call(params):
            started = time.perf_counter()
            with urllib.request.urlopen(base + urllib.parse.urlencode(params), timeout=60) as response:
                data = json.loads(response.read())
            assert set(data["facets"]) == {"municipality", "committee", "year", "item_type", "outcome", "organisation"}
            return (time.perf_counter() - started) * 1000

        for params in mix:  # warm up
            call(params)
        single = [call(params) for _ in range(3) for params in mix]
        done, errors, stop = [], [], time.monotonic() + seconds

        def client(n):
            i = n
            while time.monotonic() < stop:
                try:
                    done.append(call(mix[i % len(mix)]))
                except Exception as exc:  # counted, not fatal
                    errors.append(repr(exc))
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = round(len(done) / (time.monotonic() - started), 1)
        return {"single_client": summary(single),
                "concurrent": {"clients": clients, "requests_per_second": rate, **summary(done or [0]),
                               "errors": len(errors)}}
    finally:
        server.terminate()
        server.wait(10)


NAIVE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_naive AS
SELECT i.id, i.municipality_id, i.committee_id, i.date, i.item_type, i.outcome,
       setweight(to_tsvector('danish', i.title), 'A')
       || setweight(to_tsvector('danish', coalesce((SELECT string_agg(d.text, ' ') FROM minutes_decision d
                                                    WHERE d.item_id = i.id), '')), 'B')
       || setweight(to_tsvector('danish', coalesce((SELECT string_agg(s->>'text', ' ')
                                                    FROM jsonb_array_elements(i.sections) s), '')), 'D') AS vector
FROM minutes_agendaitem i WHERE NOT i.closed;
CREATE INDEX IF NOT EXISTS bench_naive_vector ON bench_naive USING gin (vector);
ANALYZE bench_naive;
"""


def naive(url, mix) -> dict:
    """What the Django documentation gives: SearchVector stored, SearchRank over every match, COUNT, GROUP BY."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(NAIVE_TABLE)
        names = dict(conn.execute("SELECT name, code FROM committees_municipality").fetchall())

        def call(params):
            where = "vector @@ q" + (" AND municipality_id = %(m)s" if "municipality" in params else "")
            args = {"q": params["q"], "m": names.get(params.get("municipality"))}
            started = time.perf_counter()
            source = f"FROM bench_naive, websearch_to_tsquery('danish', %(q)s) q WHERE {where}"
            conn.execute(f"SELECT id, ts_rank(vector, q) AS r {source} ORDER BY r DESC LIMIT 20", args).fetchall()
            conn.execute(f"SELECT count(*) {source}", args).fetchone()
            for column in ("municipality_id", "committee_id", "extract(year FROM date)", "item_type", "outcome"):
                conn.execute(f"SELECT {column}, count(*) {source} GROUP BY 1", args).fetchall()
            conn.execute(f"SELECT m.organisation_id, count(*) FROM minutes_organisationmention m WHERE m.item_id IN "
                         f"(SELECT id {source}) GROUP BY 1", args).fetchall()
            return (time.perf_counter() - started) * 1000

        for params in mix:
            call(params)
        return {"single_client": summary([call(params) for _ in range(2) for params in mix])}


def limit_tantivy(url, mix) -> dict:
    """The same rows in tantivy: top 20, count and facet aggregations."""
    import psycopg
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    builder.add_text_field("body")
    for name in ("municipality", "committee", "year", "item_type", "outcome"):
        builder.add_text_field(name, stored=False, fast=True, tokenizer_name="raw")
    schema = builder.build()
    folder = Path(tempfile.mkdtemp(prefix="rs-tantivy-"))
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=500_000_000)
    started = time.monotonic()
    with psycopg.connect(url) as conn:
        names = dict(conn.execute("SELECT code, name FROM committees_municipality").fetchall())
        with conn.cursor(name="all_items") as cursor:
            cursor.execute("SELECT title, sections::text, municipality_id, committee_id, date, "
                           "coalesce(item_type, ''), outcome FROM minutes_agendaitem WHERE NOT closed")
            for title, sections, municipality, committee, date, item_type, outcome in cursor:
                writer.add_document(tantivy.Document(
                    title=title, body=sections, municipality=names[municipality], committee=str(committee),
                    year=str(date.year), item_type=item_type or "-", outcome=outcome or "-"))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build_seconds = time.monotonic() - started
    searcher = index.searcher()
    aggregations = {name: {"terms": {"field": name, "size": 50}}
                    for name in ("municipality", "committee", "year", "item_type", "outcome")}

    def call(params):
        text = params["q"] + (f' municipality:"{params["municipality"]}"' if "municipality" in params else "")
        started = time.perf_counter()
        query, _errors = index.parse_query_lenient(text, ["title", "body"])
        if "municipality" in params:
            query = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, index.parse_query_lenient(params["q"], ["title", "body"])[0]),
                (tantivy.Occur.Must, tantivy.Query.term_query(schema, "municipality", params["municipality"])),
            ])
        result = searcher.search(query, 20, count=True)
        searcher.aggregate(query, aggregations)
        assert result.count is not None
        return (time.perf_counter() - started) * 1000

    for params in mix:
        call(params)
    return {"index_seconds": round(build_seconds, 1),
            "single_client": summary([call(params) for _ in range(3) for params in mix])}


SEARCHED_TABLES = ("minutes_agendaitem", "minutes_organisationmention")


def prewarm(url) -> None:
    """Load the searched tables and their indexes into the server's buffers, as a server that has
    answered searches for a while holds them: the state measured, not the first minutes after a
    restart (the stored vectors, read for ranking, are left to the operating system's cache)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for table in SEARCHED_TABLES:
            conn.execute("SELECT pg_prewarm(%s::regclass)", [table])
            conn.execute("SELECT pg_prewarm(indexrelid) FROM pg_index WHERE indrelid = %s::regclass", [table])


def bench_search(rows: int, clients: int, seconds: float) -> dict:
    url = ensure_search_database(rows)
    mix = query_mix(url)
    prewarm(url)
    result = {"rows": rows, "queries": len(mix), "sizes": sizes(url), "machine": machine(url)}
    result["ours"] = ours(url, mix, clients, seconds)
    result["naive"] = naive(url, mix)
    result["limit_tantivy"] = limit_tantivy(url, mix)
    result["p95_ratio_naive_to_ours"] = round(
        result["naive"]["single_client"]["p95_ms"] / max(result["ours"]["single_client"]["p95_ms"], 0.1), 1)
    return result


def table(results: dict) -> str:
    lines = []
    if "import" in results:
        r = results["import"]
        lines.append(f"import   {r['meetings']} meetings, {r['items_stored']} items: {r['seconds']} s, "
                     f"{r['items_per_second']} items/s, peak RSS {r['peak_rss_mb']} MB "
                     f"(PSS {r.get('peak_pss_mb')} MB), exit {r['exit_code']}")
    for key in ("search", "larger"):
        r = results.get(key)
        if r is None:
            continue
        if "skipped" in r:
            lines.append(f"search at {r['rows']} items: not run ({r['skipped']})")
            continue
        lines.append(f"search at {r['rows']} items, {r['queries']} queries ({r['sizes']})")
        for name in ("ours", "naive", "limit_tantivy"):
            s = r[name]["single_client"]
            lines.append(f"  {name:<14} p50 {s['p50_ms']:>8} ms  p95 {s['p95_ms']:>8} ms  p99 {s['p99_ms']:>8} ms")
        c = r["ours"]["concurrent"]
        lines.append(f"  ours, {c['clients']} clients: {c['requests_per_second']} requests/s, p95 {c['p95_ms']} ms, "
                     f"{c['errors']} errors")
        lines.append(f"  naive p95 / ours p95 = {r['p95_ratio_naive_to_ours']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-meetings", type=int, default=2000)
    parser.add_argument("--search-rows", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--larger-rows", type=int, default=0,
                        help="then the search part at this many items too, if it fits on the disk")
    args = parser.parse_args(argv)
    results = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    rows = args.larger_rows if args.skip_search and args.larger_rows else args.search_rows
    path = RESULTS / f"bench-{rows}-{stamp}.json"

    def save():  # after each part: a long run interrupted later keeps what it measured
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))

    if not args.skip_import:
        results["import"] = bench_import(args.import_meetings)
        save()
    if not args.skip_search:
        results["search"] = bench_search(args.search_rows, args.clients, args.seconds)
        save()
    if args.larger_rows:
        room = room_for(args.larger_rows)
        if room["fits"]:
            results["larger"] = bench_search(args.larger_rows, args.clients, args.seconds)
        else:
            results["larger"] = {"rows": args.larger_rows, "skipped": f"needs about {room['needed_gb']} GB of "
                                                                      f"disk, {room['free_gb']} GB free"}
        save()
    print(table(results))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
