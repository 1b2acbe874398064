"""python manage.py import_referater PATH... [--municipality NAME] [--dry-run] [--json] [--force]"""

import getpass
import hashlib
import json
import sys
import time
import traceback
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from committees.models import Municipality
from minutes.importer import parse_bytes
from minutes.importer.parsed import ParsedDocument
from minutes.importer.store import CREATED, UNCHANGED, UPDATED, already_imported, build_context, store
from minutes.models import ImportRun

STDIN = "-"


class Command(BaseCommand):
    help = "Importér referater (tekstfiler) til databasen. Hver fil gemmes helt eller slet ikke."
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="filer eller mapper (*.txt); - læser stdin")
        parser.add_argument("--municipality", help='kommunen, hvis den ikke kan ses af teksten (fx "Slagelse")')
        parser.add_argument("--dry-run", action="store_true", help="læs og vis, men gem intet")
        parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON på stdout")
        parser.add_argument("--force", action="store_true", help="læs filer igen, selv om de er importeret")

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
        run = None if dry_run else ImportRun.objects.create(
            user=getpass.getuser(), arguments=sys.argv[1:], dry_run=False
        )
        counts = dict.fromkeys(["files_read", "read", CREATED, UPDATED, UNCHANGED, "items", "decisions",
                                "organisations", "warnings", "errors"], 0)
        documents: list[ParsedDocument] = [ParsedDocument(path=p, status="error", error=e) for p, e in problems]
        warnings, errors = [], [d.error for d in documents]

        progress = self._progress(len(sources), quiet=as_json)
        for label, reader in sources:
            document, outcome = self._import_one(label, reader, context, dry_run, options, run)
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

    def _import_one(self, label, reader, context, dry_run, options, run):
        try:
            data = reader()
        except OSError as exc:
            return ParsedDocument(path=label, status="error",
                                  error=f"{label}: filen kan ikke læses ({exc.strerror}); tjek rettighederne"), {}
        try:
            if not dry_run and not options["force"]:
                sha256 = hashlib.sha256(data).hexdigest()
                if already_imported(sha256):  # the same bytes again: nothing to read or write
                    return ParsedDocument(path=label, sha256=sha256, size=len(data)), {
                        "status": UNCHANGED, "items": 0, "decisions": 0, "organisations": 0}
            document = parse_bytes(label, data, context)
            if document.status == "error":
                return document, {}
            if dry_run:
                items = document.meeting.items
                return document, {"status": "read", "items": len(items),
                                  "decisions": sum(len(i.decisions) for i in items),
                                  "organisations": sum(len(i.mentions) for i in items)}
            result = store(document, run, force=options["force"])
            document.warnings.extend(result.warnings)
            return document, {"status": result.status, "items": result.items, "decisions": result.decisions,
                              "organisations": result.organisations}
        except DatabaseError as exc:
            if options.get("traceback"):
                traceback.print_exc()
            return ParsedDocument(path=label, status="error",
                                  error=f"{label}: databasen afviste dokumentet ({' '.join(str(exc).split())}); "
                                        "intet fra filen er gemt"), {}
        except Exception as exc:  # a reader bug must not stop the other files
            if options.get("traceback"):
                traceback.print_exc()
            return ParsedDocument(path=label, status="error",
                                  error=f"{label}: uventet fejl ved læsning ({exc.__class__.__name__}: {exc}); "
                                        "intet fra filen er gemt; kør med --traceback og rapportér fejlen"), {}

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
