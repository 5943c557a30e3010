"""Print pages/s of PDF text extraction: the pipeline's pdfium extractor against pdfplumber.

Usage: python scripts/bench_pdf.py [PDF ...] [--repeat N]   (default: corpus/profiles/*.pdf, tests/data/pdf/*.pdf)
Both wall-clock and CPU time are shown: CPU time is the fairer figure on a machine shared with other jobs.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.pdf import extract_pdf  # noqa: E402


def extract_pipeline(path: str) -> int:
    return extract_pdf(path, "bench").n_pages


def extract_plumber_columns(path: str) -> int:
    """pdfplumber in reading order the usual way: crop each page into halves, text of each half."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            for bbox in ((0, 0, middle, page.height), (middle, 0, page.width, page.height)):
                page.crop(bbox).extract_text()
        return len(pdf.pages)


def extract_plumber_plain(path: str) -> int:
    """pdfplumber's page text with no column handling (lines run across both columns)."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


METHODS = {
    "pipeline (pypdfium2, reading order)": extract_pipeline,
    "pdfplumber, crop per column": extract_plumber_columns,
    "pdfplumber, extract_text per page": extract_plumber_plain,
}


def measure(method, paths: list[str], repeat: int) -> tuple[float, float]:
    """(pages/s wall clock, pages/s CPU) over `repeat` passes through `paths`."""
    wall, cpu, pages = time.perf_counter(), time.process_time(), 0
    for _ in range(repeat):
        pages += sum(method(path) for path in paths)
    return pages / (time.perf_counter() - wall), pages / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    paths = args.pdfs or [str(p) for pattern in ("corpus/profiles/*.pdf", "tests/data/pdf/*.pdf") for p in sorted(ROOT.glob(pattern))]
    n_pages = sum(extract_pipeline(path) for path in paths)
    print(f"{len(paths)} PDFs, {n_pages} pages, {args.repeat} passes")
    for name, method in METHODS.items():
        repeat = args.repeat if method is extract_pipeline else max(1, args.repeat // 10)
        wall, cpu = measure(method, paths, repeat)
        print(f"{name:40s} {wall:8.1f} pages/s wall   {cpu:8.1f} pages/s CPU")


if __name__ == "__main__":
    main()
