"""Command line: argument parsing only; each command is a thin wrapper over a plain function."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_CODES = """exit codes:
  0  every file was read (skipped files of unsupported types count as fine)
  1  the run finished, but some files failed (see outputs/documents.csv, columns status and error)
  2  the run itself failed: bad arguments, another run holds the output folder, or an internal error"""

DESCRIPTION = """Turn a folder of press releases (.txt .md .html) and PDF city profiles in English,
German or French into tables of city-to-city relations (sister cities, friendship cities,
cooperation agreements), companies and economic sectors, for pandas."""


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, default=Path("corpus"), metavar="DIR",
                   help="folder of documents, read recursively (default: corpus)")
    p.add_argument("--out", type=Path, default=Path("outputs"), metavar="DIR",
                   help="folder for the tables (default: outputs)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=DESCRIPTION, epilog=EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="refresh the tables from the corpus (only new and changed files are processed)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""Find new and changed files in the corpus, extract their text, detect the
language, find places, dates, companies and sectors, extract city pairs, and publish every
table in --out as NAME.parquet and NAME.csv. Unchanged files are only hashed. Tables are
published atomically: readers see the previous complete set until the new one is complete.
Load them in Python with `pipeline.load("outputs")`.""",
        epilog=EXIT_CODES)
    _add_run_args(run)
    run.add_argument("--workers", type=int, default=0, metavar="N",
                     help="documents processed in parallel (default 0: one per core)")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local processes, or a Dask distributed cluster (default: local)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --engine dask: address of a running scheduler, e.g. tcp://10.0.0.5:8786 "
                          "(default: start a LocalCluster with --workers workers)")
    run.add_argument("--full", action="store_true", help="ignore the cache and reprocess every file")
    run.add_argument("--max-bytes", type=int, default=50 * 1024 * 1024, metavar="N",
                     help="files larger than this are skipped with a reason (default: 52428800 = 50 MiB)")
    run.add_argument("--strict", action="store_true",
                     help="stop at the first internal error instead of recording it (for debugging)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    status = sub.add_parser("status", help="what the next run would do, and when the last one finished",
                            description="Compare the corpus with the last published run without "
                                        "loading any NLP model: new, changed and removed files.")
    _add_run_args(status)
    status.add_argument("--json", action="store_true", help="print the status as JSON")

    ev = sub.add_parser(
        "evaluate", help="score extraction against a gold file",
        description="Run the pipeline over --corpus into a temporary folder and score it against --gold "
                    "(JSON Lines, see GOLD_FORMAT.md): precision/recall/F1 for city pairs, companies and "
                    "sectors; accuracy of relation type, status, date and language; overall and per "
                    "language; then every miss.")
    ev.add_argument("--corpus", type=Path, required=True, metavar="DIR")
    ev.add_argument("--gold", type=Path, required=True, nargs="+", metavar="FILE",
                    help="one or more gold files; `doc` is the path relative to --corpus")
    ev.add_argument("--json", type=Path, metavar="FILE", help="also write the scores and misses as JSON")
    ev.add_argument("--workers", type=int, default=1, metavar="N")
    ev.add_argument("--check-floors", type=Path, metavar="FILE",
                    help="exit 1 when a score falls below the floor recorded in FILE (JSON)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "status":
            return cmd_status(args)
        if args.command == "evaluate":
            return cmd_evaluate(args)
    except KeyboardInterrupt:
        print("interrupted: the previous tables stay published", file=sys.stderr)
        return 2
    except Exception as exc:
        from .config import ConfigError
        from .publish import RunLockedError

        if isinstance(exc, (ConfigError, RunLockedError)) and not getattr(args, "strict", False):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise
    return 2


def cmd_run(args) -> int:
    from .config import Config
    from .runner import run

    config = Config(corpus=args.corpus, out=args.out, workers=args.workers, engine=args.engine,
                    scheduler=args.scheduler, full=args.full, strict=args.strict, max_bytes=args.max_bytes)
    progress = None
    if not args.no_progress and sys.stderr.isatty():
        from tqdm import tqdm

        def progress(items, total):
            return tqdm(items, total=total, unit="doc", file=sys.stderr)
    summary = run(config, progress=progress)
    print(summary.describe())
    return summary.exit_code


def cmd_status(args) -> int:
    from .status import corpus_status

    report = corpus_status(args.corpus, args.out)
    print(json.dumps(report, indent=2) if args.json else report["text"])
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import check_floors, evaluate_corpus, format_report

    report = evaluate_corpus(args.corpus, args.gold, workers=args.workers)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.check_floors:
        failures = check_floors(report, json.loads(args.check_floors.read_text()))
        for line in failures:
            print(f"BELOW FLOOR: {line}", file=sys.stderr)
        return 1 if failures else 0
    return 0
