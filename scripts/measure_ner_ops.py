"""The NER's CPU time with thinc's default matrix products (blis) against numpy's BLAS, which the pipeline uses.

Usage: python scripts/measure_ner_ops.py [--repeat K]

Reads the analysed paragraphs of corpus/ and of the evaluation sets in tests/gold/ (as the pipeline extracts them), runs each
language's NER over them, loaded both ways (`annotate.load_ner(name, blas=...)`), one BLAS thread as in a
pool worker, alternating K times; prints the best CPU seconds of each and whether their entities are the same.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: as in the pipeline's workers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.annotate import iter_segments, load_ner, model_name
from pipeline.discover import describe_file, iter_paths
from pipeline.extract import ExtractionError, extract_text
from pipeline.language import assign_languages


def paragraphs() -> dict[str, list[str]]:
    """language -> the analysed paragraphs of the sample corpus and the evaluation sets, as the NER reads them."""
    found: dict[str, list[str]] = {}
    sets = sorted(p for p in (ROOT / "tests" / "gold").iterdir() if p.is_dir() and not p.name.endswith("_src"))
    for folder in (ROOT / "corpus", *sets):
        for rel, path in iter_paths(folder):
            source = describe_file(rel, path)
            if source.status != "pending":
                continue
            try:
                doc = assign_languages(extract_text(source))
            except ExtractionError:
                continue
            for lang, start, end, _ in iter_segments(doc):
                if model_name(lang):
                    found.setdefault(lang, []).append(doc.text[start:end].replace("\n", " ").replace("\t", " "))
    return found


def run(models: dict, texts: dict[str, list[str]]) -> tuple[float, list]:
    """(CPU seconds, entities of every paragraph) of one pass."""
    start, entities = time.process_time(), []
    for lang, nlp in models.items():
        entities += [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                     for doc in nlp.pipe(texts[lang], batch_size=64)]
    return time.process_time() - start, entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, metavar="K")
    args = parser.parse_args()
    texts = paragraphs()
    models = {blas: {lang: load_ner(model_name(lang), blas=blas) for lang in texts} for blas in (False, True)}
    best: dict[bool, float] = {}
    entities: dict[bool, list] = {}
    for _ in range(args.repeat):
        for blas in (False, True):
            seconds, entities[blas] = run(models[blas], texts)
            best[blas] = min(best.get(blas, seconds), seconds)
    words = sum(len(t.split()) for ts in texts.values() for t in ts)
    same = sum(a == b for a, b in zip(entities[False], entities[True]))
    print(f"{sum(map(len, texts.values()))} paragraphs, {words:,} words, best of {args.repeat}:")
    print(f"  blis (bare spaCy):   {best[False]:.2f} s CPU")
    print(f"  numpy's BLAS:        {best[True]:.2f} s CPU ({best[True] / best[False] - 1:+.0%})")
    print(f"  same entities in {same} of {len(entities[True])} paragraphs "
          f"({sum(map(len, entities[True]))} entities)")


if __name__ == "__main__":
    main()
