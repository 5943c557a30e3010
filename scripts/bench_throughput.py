"""Measure the batch's throughput and memory on N documents against bare spaCy on the same texts.

Usage: python scripts/bench_throughput.py --docs N [--workers W] [--repeat K] [--out BENCHMARKS.md] [--keep DIR]

1. Builds a corpus of N documents by cycling through corpus/ and tests/gold/dev/ (the real mix of
   txt, md, html and pdf; every copy is made unique so hashes differ, its text unchanged: a line
   "Archive reference ..." ends a txt/md copy, an HTML comment ends an html copy, and a PDF comment
   after %%EOF ends a PDF copy, which readers ignore).
2. Runs the pipeline with --full and W workers, each run in a fresh process (model loading
   included): "cold" right after building the corpus, then K times "warm" with the OS caches warm. It records
   documents/s and words/s (words of extracted text) over the whole run and in steady state (after
   the first 10% of documents, when every worker has loaded its models), peak RSS of the process
   tree (parent, forkserver and workers, summed), the tree's words per CPU second in steady state,
   and the time per stage (DocResult.seconds).
3. PDF pages/s of the extraction stage alone, in this process, over the distinct PDFs.
4. The reference: the same extracted texts, each in its document's language, through bare
   `nlp.pipe` of the same spaCy models with only the NER (and what it listens to) loaded, in W
   processes that start together once their models are loaded. It runs before the first warm run
   and after each, and each warm run is compared with the mean of the references just before and
   after it: this shared machine's speed drifts by 10% and more within minutes. The same comparison
   in words per CPU second is printed beside it; it leaves out time the machine gives to other jobs,
   but not a slower CPU second, and at 10,000 documents it moved as the wall-clock one did.
   Each reference runs twice: as bare spaCy runs (blis's matrix products, the models' own batch size of 256
   documents: plain `nlp.pipe`, the issue's yardstick), and as the pipeline runs the same models (numpy's BLAS,
   `annotate.load_ner`, and TUNED_BATCH documents a batch, at which bare spaCy ran fastest here; the pipeline's
   own NER batches its paragraphs near that optimum). Against the second the pipeline's NER costs what the
   reference's does, so that ratio measures what everything else costs.
Prints a table; with --out appends it under "## Throughput (issue 5)" of that Markdown file.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.annotate import LANGUAGES, load_ner, model_name  # noqa: E402
from pipeline.engines import one_blas_thread
from pipeline.language import count_words  # noqa: E402

SOURCES = (ROOT / "corpus", ROOT / "tests" / "gold" / "dev")
FORMATS = (".txt", ".md", ".html", ".htm", ".pdf")
SECTION = "## Throughput (issue 5)"
STEADY_SHARE = 0.1  # steady state starts after this share of the documents
REPEAT = 2  # warm runs, each between two runs of the reference
# Documents per `nlp.pipe` batch at which bare NER ran fastest on this corpus (4-32 within noise, 69-75 µs a word
# in one process); the models' default of 256 documents (~80,000 words a batch) cost 85-87.
TUNED_BATCH = 16

# The child runs exactly what `python -m pipeline run --full --no-progress` runs, and reports when each document
# came; its words are counted afterwards, from the texts table, so that counting costs the run nothing.
CHILD = r"""
import json, sys, time
from pathlib import Path
from pipeline.config import Config
from pipeline.runner import run

corpus, out, workers, report = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
marks = []

def progress(results, total):
    for item in results:
        result = item[0] if isinstance(item, tuple) else item  # (DocResult, ...) or a DocResult
        marks.append((time.perf_counter(), result.source.doc_id))
        yield item

t0 = time.perf_counter()
summary = run(Config(corpus=Path(corpus), out=Path(out), workers=workers, full=True), progress=progress)
Path(report).write_text(json.dumps({"t0": t0, "marks": marks, "seconds": summary.seconds,
    "counts": dict(summary.counts), "stages": dict(summary.stage_seconds), "workers": summary.workers}))
"""


def build_corpus(folder: Path, n_docs: int) -> dict[str, int]:
    """N unique documents in `folder`, cycling through the sample corpus and the dev set; count per format."""
    originals = sorted(p for base in SOURCES for p in base.rglob("*") if p.suffix.lower() in FORMATS)
    counts: dict[str, int] = {}
    for i in range(n_docs):
        source = originals[i % len(originals)]
        data = source.read_bytes()
        suffix = source.suffix.lower()
        if suffix == ".pdf":
            data += f"\n% bench copy {i}\n".encode()
        elif suffix in (".html", ".htm"):
            data += f"\n<!-- bench copy {i} -->\n".encode()
        else:
            data = data.rstrip() + f"\n\nArchive reference {_letters(i)}.\n".encode()
        target = folder / f"{i // 1000:03d}" / f"{i:06d}_{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        counts[suffix.lstrip(".")] = counts.get(suffix.lstrip("."), 0) + 1
    return counts


def _letters(i: int) -> str:
    """A number written in letters (no digits, so the date rules never see a year in it)."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out = chr(ord("a") + r) + out
        if not i:
            return out


class TreeSampler:
    """Samples a process and all its descendants: the peak of their summed RSS, and their summed CPU time (user +
    system, each process counted to its last sample) over time. CPU time does not count the time the shared
    machine gives to others, which wall time does."""

    def __init__(self, pid: int, every: float = 0.2):
        self.root, self.every, self.peak = psutil.Process(pid), every, 0
        self.cpu: list[tuple[float, float]] = []  # (time.perf_counter(), CPU seconds of the tree so far)
        self._cpu_of: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for proc in procs:
                try:
                    with proc.oneshot():
                        total += proc.memory_info().rss
                        times = proc.cpu_times()
                    self._cpu_of[proc.pid] = times.user + times.system
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            self.cpu.append((time.perf_counter(), sum(self._cpu_of.values())))
            self._stop.wait(self.every)

    def cpu_between(self, start: float, end: float) -> float:
        """CPU seconds the tree spent between two time.perf_counter() times, to the nearest sample before each."""
        def at(t: float) -> float:
            return next((cpu for when, cpu in reversed(self.cpu) if when <= t), 0.0)
        return at(end) - at(start)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_pipeline(corpus: Path, out: Path, workers: int) -> dict:
    """One fresh `run --full`; wall time includes interpreter start and model loading."""
    report = out.parent / f"{out.name}.json"
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(out), str(workers), str(report)],
                             cwd=ROOT)
    sampler = TreeSampler(child.pid)
    if child.wait() != 0:
        raise SystemExit(f"pipeline run failed with exit code {child.returncode}")
    wall = time.perf_counter() - start
    peak = sampler.stop()
    data = json.loads(report.read_text())
    words = {doc_id: count_words(text) for doc_id, (_, text) in read_texts(out).items()}
    marks = [(t, words.get(doc_id, 0)) for t, doc_id in data["marks"]]
    k = max(1, int(len(marks) * STEADY_SHARE))
    steady_s = marks[-1][0] - marks[k - 1][0]
    steady_words = sum(w for _, w in marks[k:])
    return {
        "wall": wall, "docs": len(marks), "words": sum(w for _, w in marks), "peak_rss": peak,
        "steady_docs_s": (len(marks) - k) / steady_s, "steady_words_s": steady_words / steady_s,
        "steady_words_cpu_s": steady_words / sampler.cpu_between(marks[k - 1][0], marks[-1][0]),
        "stages": data["stages"], "counts": data["counts"], "workers": data["workers"],
    }


def measure_pdf(corpus: Path, limit: int = 100) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds) of extracting up to `limit` PDFs in this process."""
    from pipeline.extract.pdf import extract_pdf

    pdfs = sorted(corpus.rglob("*.pdf"))[:limit]
    extract_pdf(str(pdfs[0]), "warm-up")
    wall, cpu, pages = time.perf_counter(), time.process_time(), 0
    for path in pdfs:
        pages += extract_pdf(str(path), "bench").n_pages or 0
    return pages, time.perf_counter() - wall, time.process_time() - cpu


def read_texts(out: Path) -> dict[str, tuple[str, str]]:
    """doc_id -> (language, text) of every document the run extracted, in corpus order."""
    import pyarrow.parquet as pq

    from pipeline.publish import resolve_snapshot

    folder = resolve_snapshot(out)
    languages = dict(zip(*pq.read_table(folder / "documents.parquet", columns=["doc_id", "language"])
                         .to_pydict().values()))
    texts = pq.read_table(folder / "texts.parquet").to_pydict()
    return {d: (languages[d], t) for d, t in zip(texts["doc_id"], texts["text"])}


def _reference_worker(args) -> tuple[int, float, float]:
    texts, barrier, batch_size, blas = args
    models = {lang: load_ner(model_name(lang), blas=blas) for lang in sorted({lang for lang, _ in texts})}
    shares = {lang: [t for text_lang, t in texts if text_lang == lang] for lang in models}
    words = sum(count_words(t) for _, t in texts)  # counted before the clocks start, as for the pipeline
    barrier.wait()
    start, cpu = time.perf_counter(), time.process_time()
    for lang, nlp in models.items():
        for _ in nlp.pipe(shares[lang], batch_size=batch_size):
            pass
    return words, time.perf_counter() - start, time.process_time() - cpu


def run_reference(texts: list[tuple[str, str]], workers: int, batch_size: int | None = None, blas: bool = False
                  ) -> dict:
    """Words/s of bare nlp.pipe (NER only) over the texts whose language has a model, in W processes, each with
    one BLAS thread as the pipeline's workers; batch_size None is the models' own, `blas` as in `load_ner`."""
    with_model = [(lang, t) for lang, t in texts if lang in LANGUAGES and model_name(lang)]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(workers)
        with context.Pool(workers, initializer=one_blas_thread) as pool:
            results = pool.map(_reference_worker, [(with_model[i::workers], barrier, batch_size, blas)
                                                   for i in range(workers)], chunksize=1)
    words = sum(w for w, _, _ in results)
    seconds = max(s for _, s, _ in results)
    return {"docs": len(with_model), "words": words, "seconds": seconds, "words_s": words / seconds,
            "words_cpu_s": words / sum(c for _, _, c in results), "skipped": len(texts) - len(with_model)}


def describe_machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {cpu}, {ram:.1f} GiB RAM, " \
           f"Python {platform.python_version()}, {platform.system()} {platform.release()}"


def format_report(args, formats, runs, pdf, references, tuned) -> str:
    """`runs` are the cold run and the warm ones; `references` one before each warm run and one after the last,
    `tuned` the same run as the pipeline runs the models (numpy's BLAS, TUNED_BATCH)."""
    mib = 2**20
    cold, warm = runs[0], runs[1:]
    pages, pdf_wall, pdf_cpu = pdf
    lines = [
        f"### {args.docs} documents, {args.workers} workers ({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `python scripts/bench_throughput.py --docs {args.docs} --workers {args.workers}"
        f"{f' --repeat {args.repeat}' if args.repeat != REPEAT else ''}`  ",
        f"Machine: {describe_machine()}  ",
        f"Corpus: {', '.join(f'{n} {fmt}' for fmt, n in sorted(formats.items()))}; "
        f"{cold['words']:,} words of extracted text.",
        "",
        "| run | wall s | documents/s | words/s | steady documents/s | steady words/s | peak RSS (tree) |",
        "|---|---|---|---|---|---|---|",
    ]
    timeline = [("pipeline cold", cold)]
    for k, (reference, fast) in enumerate(zip(references, tuned)):
        timeline.append((f"bare spaCy NER (reference) {k + 1}", reference))
        timeline.append((f"the same NER as the pipeline runs it {k + 1}", fast))
        if k < len(warm):
            timeline.append((f"pipeline warm {k + 1}", warm[k]))
    for name, r in timeline:
        if name.startswith("pipeline"):
            lines.append(f"| {name} | {r['wall']:.1f} | {r['docs'] / r['wall']:.1f} | "
                         f"{r['words'] / r['wall']:,.0f} | {r['steady_docs_s']:.1f} | {r['steady_words_s']:,.0f} | "
                         f"{r['peak_rss'] / mib:,.0f} MiB |")
        else:
            lines.append(f"| {name} | {r['seconds']:.1f} | {r['docs'] / r['seconds']:.1f} | {r['words_s']:,.0f} "
                         f"| | | |")
    ratios = _against_references(warm, references, "steady_words_s", "words_s")
    cpu_ratios = _against_references(warm, references, "steady_words_cpu_s", "words_cpu_s")
    tuned_ratios = _against_references(warm, tuned, "steady_words_s", "words_s")
    pipeline_cpu = ", ".join(f"{r['steady_words_cpu_s']:,.0f}" for r in warm)
    reference_cpu = ", ".join(f"{r['words_cpu_s']:,.0f}" for r in references)
    stages: dict[str, float] = {}
    for r in warm:
        for name, seconds in r["stages"].items():
            stages[name] = stages.get(name, 0.0) + seconds / len(warm)
    total = sum(stages.values())
    skipped = references[0]["skipped"]
    lines += [
        "",
        "Pipeline (warm, steady) / reference words/s, each warm run against the mean of the references before and "
        f"after it: {', '.join(f'{x:.2f}×' for x in ratios)}; mean **{sum(ratios) / len(ratios):.2f}×**"
        + (f" (the reference skips {skipped} documents in languages without a model)" if skipped else ""),
        (f"Against the same NER as the pipeline runs it (numpy's BLAS, batch_size {TUNED_BATCH}), the same way: "
         f"{', '.join(f'{x:.2f}×' for x in tuned_ratios)}; mean **{sum(tuned_ratios) / len(tuned_ratios):.2f}×**."),
        "Words per CPU second (steady state; the pipeline's parent and workers together): pipeline warm "
        f"{pipeline_cpu}; reference {reference_cpu}. The same ratio in CPU time: "
        f"{', '.join(f'{x:.2f}×' for x in cpu_ratios)}; mean {sum(cpu_ratios) / len(cpu_ratios):.2f}×.",
        f"PDF extraction alone: {pages} pages in {pdf_wall:.2f} s = **{pages / pdf_wall:.0f} pages/s** "
        f"({pages / pdf_cpu:.0f} per CPU second), one process.",
        "Time per stage (warm runs, summed over workers): "
        + ", ".join(f"{name} {s:.1f} s ({s / total:.0%})" for name, s in stages.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def _against_references(warm: list[dict], references: list[dict], run_key: str, reference_key: str) -> list[float]:
    """Each warm run's figure over the mean of the references' just before and just after it."""
    return [r[run_key] / ((before[reference_key] + after[reference_key]) / 2)
            for r, before, after in zip(warm, references, references[1:])]


def append_report(path: Path, text: str) -> None:
    """Add `text` at the end of our section, creating the file or the section; other sections stay as they are."""
    content = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if SECTION not in content:
        content = content.rstrip("\n") + f"\n\n{SECTION}\n\n"
    head, _, rest = content.partition(SECTION)
    following = rest.find("\n## ")
    ours, others = (rest, "") if following < 0 else (rest[:following + 1], rest[following + 1:])
    ours = ours.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    path.write_text(head + SECTION + ours + ("\n" + others if others else ""), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, metavar="N")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), metavar="W")
    parser.add_argument("--repeat", type=int, default=REPEAT, metavar="K", help=f"warm runs (default {REPEAT})")
    parser.add_argument("--out", type=Path, metavar="FILE", help="append the table to this Markdown file")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep it (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_throughput_"))
    try:
        corpus = work / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        formats = build_corpus(corpus, args.docs)
        runs = [run_pipeline(corpus, work / "out_cold", args.workers)]
        print(f"cold: {runs[-1]['wall']:.1f} s", file=sys.stderr)
        texts = list(read_texts(work / "out_cold").values())
        references = [run_reference(texts, args.workers)]
        tuned = [run_reference(texts, args.workers, TUNED_BATCH, blas=True)]
        for k in range(args.repeat):  # warm runs and references take turns: the machine's speed drifts
            runs.append(run_pipeline(corpus, work / f"out_warm{k + 1}", args.workers))
            references.append(run_reference(texts, args.workers))
            tuned.append(run_reference(texts, args.workers, TUNED_BATCH, blas=True))
            print(f"warm {k + 1}: {runs[-1]['wall']:.1f} s, reference {references[-1]['seconds']:.1f} s, "
                  f"tuned {tuned[-1]['seconds']:.1f} s", file=sys.stderr)
        pdf = measure_pdf(corpus)
        report = format_report(args, formats, runs, pdf, references, tuned)
        print(report)
        if args.out:
            append_report(args.out, report)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
