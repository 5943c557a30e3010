"""The per-document work, stages 2-6, on a batch of documents: a pure function (`process_batch`), so the
same code runs inline, in a process pool or on a Dask cluster; a bad document is caught at the document
boundary.

Workers import only this module and what it loads on demand: not the tables' writers (pyarrow), which
only the parent needs (about 30 MiB a process).
"""
from __future__ import annotations

import time

from .annotate import LANGUAGES
from .extract import ExtractionError
from .records import DocResult, Source, TextDoc


def process_batch(items: list[tuple[Source, TextDoc | None]], strict: bool = False) -> list[DocResult]:
    """All per-document work for a batch of readable Sources; a cached TextDoc skips extraction.

    Each document is read and analysed on its own and fails alone; only the NER reads the batch's
    paragraphs together, one pass per language (see `annotate`)."""
    results = [_read(source, doc, strict) for source, doc in items]
    todo = [r for r in results if r.doc is not None and r.status == "ok" and r.doc.language in LANGUAGES]
    if not todo:  # no model reads other languages: nothing to analyse, nothing to load
        return results
    from .analyse import analyse

    for result, ann in zip(todo, _annotate(todo, strict)):
        if ann is None:
            continue
        try:
            analyse(result, ann, _Clock(result))
        except Exception as exc:
            _fail(result, "analyse", exc, strict)
    return results


class _Clock:
    """Adds the time since the last lap to a document's `seconds` under the name of the stage just done."""

    def __init__(self, result: DocResult):
        self.result, self.last = result, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.result.seconds[stage] = self.result.seconds.get(stage, 0.0) + now - self.last
        self.last = now


def _fail(result: DocResult, stage: str, exc: Exception, strict: bool) -> None:
    """A bug or a library failure on one document must not stop the batch: the document fails."""
    if strict:
        raise exc
    result.status, result.error = "failed", f"internal error in {stage}: {type(exc).__name__}: {exc}"


def _read(source: Source, doc: TextDoc | None, strict: bool) -> DocResult:
    """Stages 2-3, extraction and language, unless the text is cached."""
    result = DocResult(source, doc=doc)
    if doc is not None:
        return result
    from .extract import extract_text
    from .language import assign_languages

    clock, stage = _Clock(result), "extract"
    try:
        doc = extract_text(source)
        clock("extract")
        stage = "language"
        result.doc = assign_languages(doc)
        clock("language")
    except ExtractionError as exc:
        result.status, result.error = "failed", str(exc)
    except Exception as exc:
        _fail(result, stage, exc, strict)
    return result


def _annotate(results: list[DocResult], strict: bool) -> list:
    """Stage 4 for the batch, its time shared by text length; if it fails, one document at a time, so
    that only the document it fails on fails (its Annotation is None)."""
    from .annotate import annotate

    start = time.perf_counter()
    try:
        annotations = annotate([r.doc for r in results])
    except Exception as exc:
        if strict:
            raise
        if len(results) == 1:
            _fail(results[0], "analyse", exc, strict)
            return [None]
        return [_annotate([r], strict)[0] for r in results]
    seconds = time.perf_counter() - start
    total = sum(len(r.doc.text) for r in results) or 1
    for r in results:
        r.seconds["ner"] = r.seconds.get("ner", 0.0) + seconds * len(r.doc.text) / total
    return annotations
