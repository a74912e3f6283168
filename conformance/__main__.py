"""The command line: ``python -m conformance MODULE:OBJECT [options]``.

Checks the backend (or defn compiler) ``MODULE:OBJECT`` against the spec, op by
op and type by type, printing progress per op on stderr (one updating line on a
terminal, plain lines otherwise) and a summary table at the end. Exit status: 0
when every cell passes (or is unsupported, an expected failure or not
generated), 1 on any failure, 2 when the preflight fails or the arguments are
wrong.

>>> main(["nx_ref:ReferenceBackend", "--ops", "negate", "--types", "s8", "--tier", "smoke", "--quiet"])
0
"""

from __future__ import annotations

import argparse
import sys

from conformance import cases, manifest, report as report_mod
from conformance.load import LoadError, load
from conformance.run import TIERS, run

__all__ = ["main", "parser"]


def _list(text):
    return [x.strip() for x in text.split(",") if x.strip()]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m conformance",
        description="Check an Nx backend or defn compiler against the spec, op by op and type by type.")
    p.add_argument("candidate", help="MODULE:OBJECT naming a Backend class or instance, or a defn compiler")
    p.add_argument("--ops", type=_list, help="comma-separated op names (default: the whole registry)")
    p.add_argument("--types", type=_list, help="comma-separated type names (default: all)")
    p.add_argument("--checks", type=_list, help=f"comma-separated checks (default: {','.join(cases.CHECKS)})")
    p.add_argument("--tier", choices=list(TIERS), default="standard")
    p.add_argument("--max-examples", type=int, help="hypothesis examples per cell (overrides the tier)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=1, help="worker processes (ops are shared out between them)")
    p.add_argument("--report", metavar="OUT.html", help="write the HTML matrix")
    p.add_argument("--json", metavar="OUT.json", help="write the JSON report")
    p.add_argument("--junit", metavar="OUT.xml", help="write JUnit XML")
    p.add_argument("--expectations", metavar="FILE", help="known failures: op type check per line, or JSON")
    p.add_argument("--against", metavar="MODULE:OBJECT", help="compare with this backend instead of the reference")
    p.add_argument("--skip-preflight", action="store_true",
                   help="run the checks even when the preflight fails (expect a cascade)")
    p.add_argument("--quiet", action="store_true", help="no progress and no summary")
    return p


class _Progress:
    def __init__(self, stream, quiet):
        self.stream, self.quiet = stream, quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, op, index, total, results):
        if self.quiet:
            return
        bad = sum(r.status == "fail" for r in results)
        line = f"[{index}/{total}] {op}: {len(results)} cells" + (f", {bad} FAILED" if bad else "")
        if self.tty:
            self.stream.write("\r\033[K" + line)
            if index == total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        candidate = load(args.candidate)
        reference = load(args.against) if args.against else None
        expectations = manifest.load_expectations(args.expectations) if args.expectations else ()
        unknown = [c for c in (args.checks or []) if c not in cases.CHECKS]
        if unknown:
            raise LoadError(f"unknown check {unknown[0]!r}, expected one of: {', '.join(cases.CHECKS)}")
    except (LoadError, OSError, ValueError) as e:
        print(f"conformance: {e}", file=sys.stderr)
        return 2
    try:
        result = run(candidate, ops=args.ops, types=args.types, checks=args.checks, tier=args.tier,
                     max_examples=args.max_examples, seed=args.seed, reference=reference,
                     expectations=expectations, progress=_Progress(sys.stderr, args.quiet),
                     candidate_name=args.candidate, reference_name=args.against, jobs=args.jobs,
                     skip_preflight=args.skip_preflight)
    except KeyError as e:
        print(f"conformance: {e.args[0]}", file=sys.stderr)
        return 2
    if args.json:
        report_mod.write_json(result, args.json)
    if args.junit:
        report_mod.write_junit(result, args.junit)
    if args.report:
        report_mod.write_html(result, args.report)
    if result.preflight is not None:
        print(f"conformance: {result.preflight}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(report_mod.summary(result))
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
