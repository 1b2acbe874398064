"""Many layout variants of the golden documents through the reader (make fuzz-layouts).

    python -m tests.fuzz_layouts -n 10000 [--seed S]        # random variants, then each form alone
    python -m tests.fuzz_layouts --doc NAME --variant K --show   # one variant: its text and mismatches
    python -m tests.fuzz_layouts --list-forms

Prints each failing variant on one line (field, expected, got, the forms of the failing item)
with the command that reproduces it, then a summary: failures by field, by the form that
makes them (a failing variant printed again with all blocks plain but one, for each block
it varies), and the forms tried one at a time on every golden document. The first failing
documents are written to --out (default /tmp/layout-fuzz) with their mismatches. Uses the
development database (manage.py migrate first) for the municipalities and organisations.
"""

import argparse
import collections
import itertools
import os
import sys
import time
from pathlib import Path

from tests import layouts


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minutes.settings")
    import django

    django.setup()
    from minutes.importer.store import build_context

    return build_context()


def culprits(variant: layouts.Variant, first: layouts.Mismatch, context) -> list[str]:
    """The forms that give the first mismatch on their own, every other block plain; where no
    single block does, the first pair of blocks that does."""
    restricted = layouts.parse_forms(variant.spec)
    blocks = list(variant.unusual_forms(first.index))

    def reproduce(chosen: tuple[str, ...]) -> str | None:
        wanted = {block: {forms[0]} for block, forms in layouts.FORMS.items()}
        wanted.update({block: restricted.get(block, set(layouts.FORMS[block])) for block in chosen})
        again = layouts.make_variant(MEETINGS[variant.document], variant.base_seed, variant.document,
                                     variant.number, wanted)
        if any(m.field == first.field and m.item == first.item for m in layouts.read_variant(again, context)):
            return " + ".join(f"{block}={again.forms(first.index).get(block, '?')}" for block in chosen)
        return None

    singles = [found for block in blocks if (found := reproduce((block,)))]
    if singles:
        return singles
    return next(([found] for pair in itertools.combinations(blocks, 2) if (found := reproduce(pair))), [])


def one_line(variant: layouts.Variant, mismatches: list[layouts.Mismatch]) -> str:
    first = mismatches[0]
    more = f" (+{len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
    forms = " ".join(f"{b}={f}" for b, f in variant.unusual_forms(first.index).items())
    return f"FAIL {variant.name} {first.describe(100)}{more}\n     [{forms}]\n     {variant.command()}"


def keep(out: Path, variant: layouts.Variant, mismatches: list[layouts.Mismatch]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{variant.name}.txt").write_bytes(variant.data)
    (out / f"{variant.name}.mismatches.txt").write_text(layouts.report(variant, mismatches, shown=50) + "\n")


def show(variant: layouts.Variant, context, strict: bool) -> int:
    print("\n".join(layouts.visible(line) for line in variant.text.split("\n")))
    mismatches = layouts.read_variant(variant, context, strict)
    print(layouts.report(variant, mismatches, shown=50) if mismatches else f"{variant.name}: the reader recovers it")
    return 1 if mismatches else 0


def random_variants(args, documents, context) -> tuple[int, collections.Counter, dict]:
    failed, by_field, by_form = 0, collections.Counter(), {}
    isolated = 0
    for n in range(args.n):
        name = documents[n % len(documents)]
        variant = layouts.make_variant(MEETINGS[name], args.seed, name, n // len(documents))
        mismatches = layouts.read_variant(variant, context, args.strict)
        if not mismatches:
            continue
        failed += 1
        by_field.update({m.field for m in mismatches})
        print(one_line(variant, mismatches), flush=True)
        if failed <= args.keep:
            keep(args.out, variant, mismatches)
        if isolated < args.isolate:
            isolated += 1
            first = mismatches[0]
            for culprit in culprits(variant, first, context) or ["(only in combination)"]:
                entry = by_form.setdefault((first.field, culprit), [0, variant, first])
                entry[0] += 1
    return failed, by_field, by_form


def each_form_alone(args, documents, context) -> list[str]:
    """Every form on the plain layout of every document: the cleanest list of what fails."""
    rows = [alone_row("(all plain)", layouts.plain_except("header", {"dash_line"}), None, args, documents, context)]
    for block, forms in layouts.FORMS.items():
        for form in forms[1:]:
            rows.append(alone_row(f"{block}={form}", layouts.plain_except(block, {form}), (block, form), args,
                                  documents, context))
    return rows


def alone_row(label: str, wanted: dict, tried_form, args, documents, context) -> str:
    tried, failures, example = 0, 0, None
    for name in documents:
        for number in range(args.alone_variants):
            variant = layouts.make_variant(MEETINGS[name], args.seed, name, number, wanted)
            if tried_form and tried_form[1] not in variant.forms().get(tried_form[0], "").split("+"):
                continue  # the form does not apply to this document
            tried += 1
            mismatches = layouts.read_variant(variant, context, args.strict)
            if mismatches:
                failures += 1
                example = example or (variant, mismatches[0])
    if not tried:
        return f"{label:<36} applies to no golden document"
    line = f"{label:<36} {failures:>4} of {tried:<4} fail"
    if example:
        variant, mismatch = example
        forms = f"--forms '{tried_form[0]}.{tried_form[1]}' " if tried_form else ""
        line += (f"   e.g. {variant.name} {mismatch.describe(90)}\n{'':<41}.venv/bin/python -m tests.fuzz_layouts "
                 f"{forms}--seed {args.seed} --doc {variant.document} --variant {variant.number} --show")
    return line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="random variants (spread over the golden documents)")
    parser.add_argument("--seed", type=int, default=2207)
    parser.add_argument("--doc", action="append", help="only this golden document (folder name); repeatable")
    parser.add_argument("--variant", type=int, help="with --doc: only this variant")
    parser.add_argument("--show", action="store_true", help="with --variant: print the text and the mismatches")
    parser.add_argument("--write", type=Path, help="with --variant: write the file the reader gets")
    parser.add_argument("--forms", default=os.environ.get("VARIANT_FORMS", ""),
                        help="restrict blocks, as VARIANT_FORMS: 'heading.punkt*,pages.footer_of'")
    parser.add_argument("--strict", action="store_true",
                        help="the reader must take out soft hyphens, ligatures and wrap hyphens itself")
    parser.add_argument("--out", type=Path, default=Path("/tmp/layout-fuzz"), help="folder for failing documents")
    parser.add_argument("--keep", type=int, default=50, help="failing documents written to --out")
    parser.add_argument("--isolate", type=int, default=400, help="failing variants whose cause is looked for")
    parser.add_argument("--alone-variants", type=int, default=2, help="variants per document for each form alone")
    parser.add_argument("--no-alone", action="store_true", help="skip trying each form alone")
    parser.add_argument("--list-forms", action="store_true", help="list the blocks and their forms")
    args = parser.parse_args(argv)
    if args.list_forms:
        for block, forms in layouts.FORMS.items():
            print(f"{block:<17} {', '.join(forms)}   (plain: {forms[0]})")
        return 0
    layouts.parse_forms(args.forms)  # a wrong name stops here, before any work
    os.environ["VARIANT_FORMS"] = args.forms  # the variants and their reproducing commands take it
    documents = [d for d in (args.doc or MEETINGS) if d in MEETINGS]
    if not documents:
        parser.error(f"no renderable golden document; have: {', '.join(MEETINGS) or 'none'}")
    context = setup_django()
    if args.variant is not None:
        variant = layouts.make_variant(MEETINGS[documents[0]], args.seed, documents[0], args.variant)
        if args.write:
            args.write.write_bytes(variant.data)
        return show(variant, context, args.strict) if args.show or not args.write else 0

    for old in args.out.glob("*#*.txt"):  # the failing documents of an earlier run
        old.unlink()
    started = time.monotonic()
    failed, by_field, by_form = random_variants(args, documents, context)
    print(f"\n{failed} of {args.n} variants fail ({time.monotonic() - started:.0f} s, seed {args.seed}, "
          f"{len(documents)} documents); failing documents in {args.out}")
    print("\nFailing variants by field:")
    for field, count in by_field.most_common():
        print(f"  {field:<22} {count}")
    if by_form:
        print(f"\nCause of the first mismatch, for the first {min(failed, args.isolate)} failing variants "
              "(the form that fails alone on the plain layout):")
        for (field, culprit), (count, variant, mismatch) in sorted(by_form.items(), key=lambda e: -e[1][0]):
            print(f"  {count:>4}  {field:<18} {culprit:<40} e.g. {variant.name} {mismatch.describe(80)}")
    if not args.no_alone:
        print("\nEach form alone on the plain layout of every document:")
        for row in each_form_alone(args, documents, context):
            print(f"  {row}")
    return 1 if failed else 0


MEETINGS = layouts.golden_meetings()

if __name__ == "__main__":
    sys.exit(main())
