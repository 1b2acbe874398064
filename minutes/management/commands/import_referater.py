"""python manage.py import_referater PATH... [--municipality NAME] [--dry-run] [--json] [--force] [--strict]"""

import getpass
import hashlib
import json
import multiprocessing
import os
import sys
import time
import traceback
import zlib
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone

from committees.models import Municipality
from minutes.importer import prepare
from minutes.importer.parsed import ParsedDocument
from minutes.importer.store import CREATED, UNCHANGED, UPDATED, Registry, build_context, store
from minutes.models import ImportRun, SourceDocument
from search.danish import warm_up
from search.vocabulary import count_words, merge

STDIN = "-"
BATCH = 64  # files read, de-duplicated and parsed together; bounds memory whatever the import's size
PARALLEL_FROM = 8  # fewer files are parsed in this process: starting workers would cost more
# Documents are stored by this many threads, each with its own database connection, so this
# process prepares one document while the database writes another. A municipality's documents
# always go to the same thread, in order: versions of a meeting replace each other in the order
# given, and two threads never create the same committee.
STORE_THREADS = 2
ZERO = {"items": 0, "decisions": 0, "organisations": 0}

_worker_context = None


def _init_worker(context):
    global _worker_context
    _worker_context = context


def _prepare_job(job, context=None):
    """Parse and index one file; a reader bug becomes that file's error, not the run's."""
    label, data = job
    try:
        return prepare(label, data, context or _worker_context)
    except Exception as exc:
        return ParsedDocument(path=label, status="error",
                              error=f"{label}: uventet fejl ved læsning ({exc.__class__.__name__}: {exc}); "
                                    "intet fra filen er gemt; kør med --traceback og rapportér fejlen")


def _first_line(exc: Exception) -> str:
    """The database's own sentence, without the row it was reading (COPY adds the whole row)."""
    return " ".join((str(exc).strip().splitlines() or [exc.__class__.__name__])[0].split())


class Command(BaseCommand):
    help = "Importér referater (tekstfiler) til databasen. Hver fil gemmes helt eller slet ikke."
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="filer eller mapper (*.txt); - læser stdin")
        parser.add_argument("--municipality", help='kommunen, hvis den ikke kan ses af teksten (fx "Slagelse")')
        parser.add_argument("--dry-run", action="store_true", help="læs og vis, men gem intet")
        parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON på stdout")
        parser.add_argument("--force", action="store_true", help="læs filer igen, selv om de er importeret")
        parser.add_argument("--strict", action="store_true",
                            help="gem ikke et dokument, der ser forkert læst ud (advarsler fra læseren)")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="processer der læser filer samtidig (standard: antal kerner)")

    def handle(self, *args, **options):
        started = time.monotonic()
        municipality = None
        if options["municipality"]:
            found = Municipality.objects.resolve(options["municipality"])
            if found is None:
                raise CommandError(
                    f'ukendt kommune "{options["municipality"]}"; brug et af de 98 kommunenavne, fx "Slagelse"',
                    returncode=2,
                )
            municipality = found.name
        sources, problems = self._collect(options["paths"])
        dry_run, as_json = options["dry_run"], options["json"]
        context = build_context(municipality)
        self.registry = None if dry_run else Registry()
        run = None if dry_run else ImportRun.objects.create(
            user=getpass.getuser(), arguments=sys.argv[1:], dry_run=False
        )
        counts = dict.fromkeys(["files_read", "read", CREATED, UPDATED, UNCHANGED, "items", "decisions",
                                "organisations", "warnings", "errors"], 0)
        documents: list[ParsedDocument] = [ParsedDocument(path=p, status="error", error=e) for p, e in problems]
        warnings, errors = [], [d.error for d in documents]

        progress = self._progress(len(sources), quiet=as_json)
        for document, outcome in self._pipeline(sources, context, dry_run, options, run):
            label = document.path
            if as_json:  # kept only for the JSON answer: an import of thousands of files must not hold them all
                documents.append(document)
            counts["files_read"] += 1
            if document.status == "error":
                errors.append(document.error)
            else:
                counts[outcome["status"]] += 1
                for key in ("items", "decisions", "organisations"):
                    counts[key] += outcome[key]
            warnings.extend(f"{document.path}: {w}" for w in document.warnings)
            progress(label, (document.error or "").removeprefix(f"{label}: ") or outcome.get("status", ""))
        counts["warnings"], counts["errors"] = len(warnings), len(errors)
        elapsed = time.monotonic() - started
        counts["seconds"] = round(elapsed, 3)
        counts["items_per_second"] = round(counts["items"] / elapsed, 1) if elapsed else 0.0

        if run is not None:
            run.finished_at = timezone.now()
            run.counts, run.warnings, run.errors = counts, warnings, errors
            run.save()
        if as_json:
            self.stdout.write(json.dumps(
                {"documents": [d.to_json() for d in documents], "summary": counts}, ensure_ascii=False, indent=2
            ))
        else:
            self._summary(counts, warnings, errors, dry_run)
        if errors:
            sys.exit(1)

    # --- reading -----------------------------------------------------------------
    def _collect(self, paths):
        """[(label, function returning bytes)], [(path, error)] for the given paths."""
        sources, problems = [], []
        for raw in paths:
            if raw == STDIN:
                sources.append(("<stdin>", sys.stdin.buffer.read))
                continue
            path = Path(raw)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
                if not files:
                    problems.append((raw, f"{raw}: mappen indeholder ingen .txt-filer"))
                sources.extend((str(p), p.read_bytes) for p in files)
            elif path.is_file():
                sources.append((str(path), path.read_bytes))
            else:
                problems.append((raw, f"{raw}: filen findes ikke; tjek stien"))
        return sources, problems

    def _pipeline(self, sources, context, dry_run, options, run):
        """(document, outcome) per source, in order. Reading and parsing run in worker processes,
        one batch ahead of storing, which happens in this process's store threads (one
        transaction per document)."""
        workers = max(1, options["workers"]) if len(sources) >= PARALLEL_FROM else 1
        pool, lanes = None, []
        if workers > 1:
            warm_up()  # load the Danish dictionaries once, before the workers fork
            connections.close_all()  # a forked worker must not share this process's connection
            # With fork, the executor forks every worker at its first task, before it starts a thread
            # of its own (forking from a threaded process can deadlock); the no-op task does it now,
            # before the store threads start.
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_init_worker, initargs=(context,))
            pool.submit(int).result()
            if not dry_run:
                lanes = [ThreadPoolExecutor(1, thread_name_prefix="store") for _ in range(STORE_THREADS)]
        try:
            batches = [sources[start:start + BATCH] for start in range(0, len(sources), BATCH)]
            pending = None
            for batch in batches:
                submitted = self._submit(batch, context, dry_run, options, pool)
                if pending is not None:
                    yield from self._store_batch(pending, dry_run, options, run, lanes)
                pending = submitted
            if pending is not None:
                yield from self._store_batch(pending, dry_run, options, run, lanes)
        finally:
            for lane in lanes:  # each thread closes its own connection
                lane.submit(connections.close_all).result()
                lane.shutdown()
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def _submit(self, sources, context, dry_run, options, pool):
        """Read a batch, drop what is already imported, and start parsing the rest."""
        read = []
        for label, reader in sources:
            try:
                read.append((label, reader()))
            except OSError as exc:
                read.append((label, ParsedDocument(path=label, status="error",
                                                   error=f"{label}: filen kan ikke læses ({exc.strerror}); "
                                                         "tjek rettighederne")))
        skip = set()
        if not dry_run and not options["force"]:
            hashes = {label: hashlib.sha256(data).hexdigest() for label, data in read if isinstance(data, bytes)}
            known = set(SourceDocument.objects.filter(sha256__in=hashes.values()).values_list("sha256", flat=True))
            skip = {label for label, sha in hashes.items() if sha in known}
        prepared = {}
        for label, data in read:
            if isinstance(data, bytes) and label not in skip:
                prepared[label] = (pool.submit(_prepare_job, (label, data)) if pool is not None
                                   else _prepare_job((label, data), context))
        return read, skip, prepared

    def _store_batch(self, batch, dry_run, options, run, lanes):
        read, skip, prepared = batch
        results = []  # (document, outcome), or a Future of one while a store thread writes it
        for label, data in read:
            if not isinstance(data, bytes):
                results.append((data, {}))
            elif label in skip:  # the same bytes again: nothing to read or write
                results.append((ParsedDocument(path=label, size=len(data)), {"status": UNCHANGED, **ZERO}))
            else:
                document = self._parsed(label, prepared.pop(label))
                if lanes and document.meeting is not None:
                    lane = lanes[zlib.crc32(document.meeting.municipality.encode()) % len(lanes)]
                    results.append(lane.submit(self._finish, document, dry_run, options, run))
                else:
                    results.append(self._finish(document, dry_run, options, run))
        words, replaced = {}, {}
        for result in results:
            document, outcome = result.result() if isinstance(result, Future) else result
            if outcome.get("status") in (CREATED, UPDATED) and document.vocabulary:
                merge(words, document.vocabulary)
            merge(replaced, outcome.pop("replaced_vocabulary", {}))
            yield document, outcome
        # The suggestion vocabulary of the batch's stored documents less that of the items they replaced.
        count_words(words, removed=replaced)

    @staticmethod
    def _parsed(label, job):
        """The parsed document, or the file's error when its worker process died (killed, out of memory)."""
        if not isinstance(job, Future):
            return job
        try:
            return job.result()
        except BrokenProcessPool:
            return ParsedDocument(path=label, status="error",
                                  error=f"{label}: en læseproces stoppede uventet (fx lukket af systemet ved mangel "
                                        "på hukommelse); intet fra filen er gemt; kør importen igen for de "
                                        "filer, der mangler")

    def _finish(self, document, dry_run, options, run):
        if document.status == "error":
            return document, {}
        if options.get("strict") and document.misread:
            return ParsedDocument(
                path=document.path, status="error", warnings=document.warnings,
                error=f"{document.path}: ser forkert læst ud og er ikke gemt (--strict): "
                      f"{'; '.join(document.misread)}"), {}
        if dry_run:
            items = document.meeting.items
            return document, {"status": "read", "items": len(items),
                              "decisions": sum(len(i.decisions) for i in items),
                              "organisations": sum(len(i.mentions) for i in items)}
        label = document.path
        self._asynchronous_commit()
        try:
            result = store(document, run, force=options["force"], count_vocabulary=False, registry=self.registry)
        except DatabaseError as exc:
            if options.get("traceback"):
                traceback.print_exc()
            return ParsedDocument(path=label, status="error",
                                  error=f"{label}: databasen afviste dokumentet ({_first_line(exc)}); "
                                        "intet fra filen er gemt"), {}
        except Exception as exc:  # a bug must not stop the other files
            if options.get("traceback"):
                traceback.print_exc()
            return ParsedDocument(path=label, status="error",
                                  error=f"{label}: uventet fejl ved lagring ({exc.__class__.__name__}: {exc}); "
                                        "intet fra filen er gemt; kør med --traceback og rapportér fejlen"), {}
        document.warnings.extend(result.warnings)
        return document, {"status": result.status, "items": result.items, "decisions": result.decisions,
                          "organisations": result.organisations, "replaced_vocabulary": result.replaced_vocabulary}

    def _asynchronous_commit(self):
        """Commit without waiting for the disk (once per database connection).

        Each document is still one transaction, all or nothing; only the last fraction of a
        second of commits can be lost if the database server itself crashes, and importing
        the same files again restores them (already stored files are skipped by sha256)."""
        connection = connections["default"]  # this thread's connection
        connection.ensure_connection()
        if getattr(connection, "asynchronous_commit_for", None) is not connection.connection:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            connection.asynchronous_commit_for = connection.connection

    # --- reporting ---------------------------------------------------------------
    def _progress(self, total, quiet):
        if quiet or total == 0:
            return lambda label, status: None
        if sys.stderr.isatty():
            from rich.progress import Progress

            bar = Progress(transient=True)
            task = bar.add_task("Importerer", total=total)
            bar.start()

            def advance(label, status):
                bar.advance(task)
                if bar.finished:
                    bar.stop()

            return advance
        counter = {"n": 0}

        def line(label, status):
            counter["n"] += 1
            self.stdout.write(f"[{counter['n']}/{total}] {label}: {status}")

        return line

    def _summary(self, counts, warnings, errors, dry_run):
        rows = [
            ("Filer læst", counts["files_read"]),
            ("Møder oprettet", counts[CREATED]),
            ("Møder opdateret", counts[UPDATED]),
            ("Møder uændrede", counts[UNCHANGED]),
            ("Punkter", counts["items"]),
            ("Beslutninger", counts["decisions"]),
            ("Organisationer koblet", counts["organisations"]),
            ("Advarsler", counts["warnings"]),
            ("Fejl", counts["errors"]),
            ("Tid", f"{counts['seconds']:.2f} s"),
            ("Punkter pr. sekund", f"{counts['items_per_second']:.0f}"),
        ]
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.table import Table

            table = Table(title="Prøvekørsel: intet er gemt" if dry_run else "Import")
            table.add_column("")
            table.add_column("", justify="right")
            for name, value in rows:
                table.add_row(name, str(value))
            Console().print(table)
        else:
            if dry_run:
                self.stdout.write("Prøvekørsel: intet er gemt.")
            width = max(len(name) for name, _ in rows)
            for name, value in rows:
                self.stdout.write(f"{name:<{width}}  {value}")
        for warning in warnings:
            self.stderr.write(f"advarsel: {warning}")
        for error in errors:
            self.stderr.write(f"fejl: {error}")
