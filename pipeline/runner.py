"""Chains the stages: discover -> (cache or `process_batch`: extract -> language -> annotate -> link ->
relations) -> tables, with the documents of the batches in flight on an engine (`engines`)."""
from __future__ import annotations

import sys
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import tables
from .config import PIPELINE_VERSION, Config, analysis_fingerprint, extraction_fingerprint
from .discover import describe_file, iter_paths
from .engines import make_engine
from .extract import SourceChangedError
from .process import process_batch
from .publish import new_snapshot, publish_snapshot, remove_stale_snapshots, resolve_snapshot, run_lock
from .records import DocResult, Source, TextDoc
from .state import Cache, Entry, make_key, read_manifest, write_manifest

MAX_BATCH = 16  # documents per NER pass: 32 measured no faster, and a worker holds a whole batch


@dataclass
class RunSummary:
    run_id: str
    out: Path
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    engine: str = "local"
    workers: int = 1
    # ok/failed/skipped, new/changed/unchanged/removed, and processed: files extracted or analysed afresh
    counts: Counter = field(default_factory=Counter)
    stage_seconds: Counter = field(default_factory=Counter)

    @property
    def exit_code(self) -> int:
        return 1 if self.counts["failed"] else 0

    def row(self) -> dict:
        c = self.counts
        n_files = c["ok"] + c["failed"] + c["skipped"]
        return {
            "run_id": self.run_id, "started": self.started, "finished": self.finished,
            "seconds": round(self.seconds, 3), "engine": self.engine, "workers": self.workers,
            "pipeline_version": PIPELINE_VERSION, "n_files": n_files, "n_new": c["new"], "n_changed": c["changed"],
            "n_unchanged": c["unchanged"], "n_removed": c["removed"], "n_ok": c["ok"], "n_failed": c["failed"],
            "n_skipped": c["skipped"], "n_processed": c["processed"],
            "docs_per_second": round(n_files / self.seconds, 2) if self.seconds else None,
        }

    def describe(self) -> str:
        c = self.counts
        lines = [
            f"run {self.run_id} started {self.started}, finished {self.finished}",
            f"{c['ok'] + c['failed'] + c['skipped']} files found: {c['ok']} ok, {c['failed']} failed, "
            f"{c['skipped']} skipped",
            f"{c['new']} new, {c['changed']} changed, {c['unchanged']} unchanged, {c['removed']} removed; "
            f"{c['processed']} processed, the rest from the cache",
            f"{self.seconds:.1f} s ({self.row()['docs_per_second'] or 0} documents/s, {self.workers} "
            f"{'worker' if self.workers == 1 else 'workers'}, engine {self.engine}) -> {self.out}",
        ]
        return "\n".join(lines)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class _Planner:
    """Decides per Source what can come from the cache and what must be computed."""

    def __init__(self, cache: Cache, full: bool):
        self.cache, self.full = cache, full
        self.text_fp = extraction_fingerprint()
        self._analysis_fps: dict[str, str] = {}

    def analysis_fp(self, language: str) -> str:
        if language not in self._analysis_fps:
            self._analysis_fps[language] = analysis_fingerprint(language)
        return self._analysis_fps[language]

    def text_key(self, source: Source) -> str:
        return make_key(source.sha256 or "", self.text_fp)

    def analysis_key(self, source: Source, doc: TextDoc) -> str:
        return make_key(self.text_key(source), self.analysis_fp(doc.language))

    def cached(self, source: Source) -> tuple[DocResult | None, TextDoc | None]:
        """(complete result, or None) and (cached text for a result to redo, or None)."""
        if self.full:
            return None, None
        text = self.cache.get(self.text_key(source))
        if isinstance(text, str):  # the file failed to extract with this very content and code
            return DocResult(source, status="failed", error=text), None
        if not isinstance(text, TextDoc):
            return None, None
        text = replace(text, doc_id=source.doc_id)
        result = self.cache.get(self.analysis_key(source, text))
        if not isinstance(result, DocResult):
            return None, text
        return _restamp(result, source, text), None

    def store(self, result: DocResult) -> None:
        """Cache what the file's content decides; failures of this run (bugs, files changing) are not cached."""
        source = result.source
        if result.doc is None:
            transient = result.error.startswith(("internal error", SourceChangedError.PREFIX))
            if result.status == "failed" and not transient:
                self.cache.put(self.text_key(source), result.error)
            return
        self.cache.put(self.text_key(source), result.doc)
        if result.status == "ok":
            self.cache.put(self.analysis_key(source, result.doc), replace_result(result, doc=None))


def replace_result(result: DocResult, **changes) -> DocResult:
    fields = {name: getattr(result, name) for name in DocResult.__slots__}
    fields.update(changes)
    return DocResult(**fields)


def _restamp(result: DocResult, source: Source, doc: TextDoc) -> DocResult:
    """A cached result belongs to a content hash; give it this path's doc_id."""
    if result.source.doc_id == source.doc_id:
        return replace_result(result, source=source, doc=doc)
    new_id = source.doc_id
    return replace_result(
        result, source=source, doc=doc,
        mentions=[replace(m, doc_id=new_id) for m in result.mentions],
        relations=[replace(r, doc_id=new_id) for r in result.relations],
        sectors=[replace(s, doc_id=new_id) for s in result.sectors],
    )


class _Batch:
    """Cache misses sent to the engine together (see `process_batch`)."""

    def __init__(self, size: int):
        self.size, self.items, self.future = size, [], None

    def add(self, source: Source, text: TextDoc | None) -> tuple[_Batch, int]:
        self.items.append((source, text))
        return self, len(self.items) - 1

    def submit(self, engine, strict: bool) -> None:
        if self.future is None:
            self.future = engine.submit(process_batch, self.items, strict)


def iter_results(sources: Iterable[Source], planner: _Planner, engine, strict: bool, batch_size: int = 1
                 ) -> Iterator[tuple[DocResult, bool]]:
    """(result, whether it was computed in this run) in corpus order; cache misses run on the engine in
    batches, with a bounded number of documents in flight."""
    pending: deque = deque()  # (source, DocResult | (batch, index))
    limit = 4 * max(2, engine.workers) * batch_size  # so workers rarely idle behind a slow oldest batch
    batch = _Batch(batch_size)
    for source in sources:
        if source.status != "pending":
            pending.append((source, DocResult(source, status=source.status, error=source.error)))
        else:
            result, text = planner.cached(source)
            pending.append((source, result or batch.add(source, text)))
            if len(batch.items) == batch.size:
                batch.submit(engine, strict)
                batch = _Batch(batch_size)
        while len(pending) > limit or (pending and isinstance(pending[0][1], DocResult)):
            yield _settle(pending.popleft(), planner, engine, strict)
    while pending:
        yield _settle(pending.popleft(), planner, engine, strict)


def _settle(item, planner: _Planner, engine, strict: bool) -> tuple[DocResult, bool]:
    source, outcome = item
    if isinstance(outcome, DocResult):
        return outcome, False
    batch, index = outcome
    batch.submit(engine, strict)  # a batch not yet full when its first document is due goes as it is
    result = batch.future.result()[index]
    planner.store(result)
    return result, True


def batch_size(n_files: int, workers: int) -> int:
    """Documents per batch: up to 16, but small corpora still give every worker several batches."""
    return max(1, min(MAX_BATCH, n_files // (workers * 4)))


def run(config: Config, progress=None) -> RunSummary:
    """One batch run: refresh `config.out` from `config.corpus`. Raises RunLockedError, ConfigError."""
    config = config.validated()
    out = config.out
    summary = RunSummary(run_id=time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6], out=out,
                         started=_now(), engine=config.engine, workers=config.n_workers)
    t0 = time.perf_counter()
    with run_lock(out, "python -m pipeline " + " ".join(sys.argv[1:])):
        remove_stale_snapshots(out)
        previous = resolve_snapshot(out)
        manifest = read_manifest(previous)
        history = tables.read_rows(previous, "runs")
        cache = Cache(out)
        planner = _Planner(cache, config.full)
        folder = new_snapshot(out, summary.run_id)
        paths = list(iter_paths(config.corpus))  # names only: each file is hashed when the run reaches it
        sources = (describe_file(rel, abspath, config.max_bytes) for rel, abspath in paths)

        entries: dict[str, Entry] = {}
        collected = tables.CorpusCollector()
        writers = {name: tables.TableWriter(folder, name) for name in tables.PER_DOCUMENT_TABLES}
        with make_engine(config) as engine:
            summary.workers = engine.workers
            results = iter_results(sources, planner, engine, config.strict, batch_size(len(paths), engine.workers))
            if progress is not None:
                results = progress(results, total=len(paths))
            for result, computed in results:
                s = result.source
                before = manifest.get(s.path)
                summary.counts["new" if before is None else "unchanged" if before.sha256 == s.sha256 else "changed"] += 1
                summary.counts["processed"] += computed
                for name, rows in tables.document_rows(result).items():
                    writers[name].write(rows)
                collected.add(result)
                summary.counts[result.status] += 1
                summary.stage_seconds.update(result.seconds)
                doc = result.doc
                entries[s.path] = Entry(
                    s.doc_id, s.sha256, result.status, doc.language if doc else "und",
                    planner.text_key(s) if s.sha256 and s.status == "pending" else None,
                    planner.analysis_key(s, doc) if doc is not None and result.status == "ok" else None)
        summary.counts["removed"] = sum(1 for path in manifest if path not in entries)
        for writer in writers.values():
            writer.close()
        collected.write(folder)
        summary.finished = _now()
        summary.seconds = time.perf_counter() - t0
        tables.write_table(folder, "runs", [*history, summary.row()])
        write_manifest(folder, entries, {"extraction": planner.text_fp})
        publish_snapshot(out, folder, [f"{n}.{ext}" for n in tables.SCHEMAS for ext in ("parquet", "csv")])
        cache.prune({k for e in entries.values() for k in (e.text_key, e.analysis_key) if k})
    return summary
