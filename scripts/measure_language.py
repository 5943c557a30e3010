"""Measure language detectors on tests/data/language; print markdown tables of accuracy, speed and thresholds.

Run: .venv/bin/python scripts/measure_language.py   (about a minute; each method runs in a fresh process)
"""
from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable
from pathlib import Path

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException
from lingua import Language, LanguageDetectorBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import language  # noqa: E402

DATA = ROOT / "tests" / "data" / "language"
LANGS = ("en", "de", "fr")
LINGUA_LANGS = (Language.ENGLISH, Language.GERMAN, Language.FRENCH)
LINGUA_EXTRA = (Language.SPANISH, Language.ITALIAN, Language.PORTUGUESE, Language.DUTCH)

TIMING_PASSES = 3
Detect = Callable[[str], str]


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_others() -> list[str]:
    return [line.split("\t", 1)[1] for line in read_lines(DATA / "other_sentences.txt")]


def build_lingua(extra: tuple[Language, ...] = (), preload: bool = False, low: bool = False) -> Detect:
    builder = LanguageDetectorBuilder.from_languages(*LINGUA_LANGS, *extra)
    if preload:
        builder = builder.with_preloaded_language_models()
    if low:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        code = found.iso_code_639_1.name.lower() if found else "und"
        return code if code in LANGS else "und"

    return detect


def build_langdetect() -> Detect:
    DetectorFactory.seed = 0

    def detect(text: str) -> str:
        try:
            candidates = detect_langs(text)
        except LangDetectException:
            return "und"
        allowed = [c for c in candidates if c.lang in LANGS]
        return allowed[0].lang if allowed else "und"

    return detect


def build_pipeline() -> Detect:
    return lambda text: language.detect_language(text)[0]


def measure(name: str) -> dict[str, float]:
    """Accuracy per language on sentences, overall, on short strings, und rate on other languages, and timing."""
    start = time.perf_counter()
    detect = METHODS[name]()
    detect("Warm-up: load whatever the detector loads lazily.")
    row = {"load_s": time.perf_counter() - start}
    sets = {(kind, lang): read_lines(DATA / f"{lang}_{kind}.txt") for kind in ("sentences", "short") for lang in LANGS}
    for (kind, lang), texts in sets.items():
        row[f"{kind}_{lang}"] = sum(detect(text) == lang for text in texts) / len(texts)
    for kind in ("sentences", "short"):
        texts = [(lang, text) for (k, lang), some in sets.items() if k == kind for text in some]
        row[kind] = sum(detect(text) == lang for lang, text in texts) / len(texts)
    others = read_others()
    row["other_und"] = sum(detect(text) == "und" for text in others) / len(others)
    texts = [text for some in sets.values() for text in some]
    passes = []
    for _ in range(TIMING_PASSES):
        t0 = time.perf_counter()
        for text in texts:
            detect(text)
        passes.append(time.perf_counter() - t0)
    row["ms_per_call"] = 1000 * min(passes) / len(texts)  # the least disturbed pass on a shared machine
    return row


METHODS: dict[str, Callable[[], Detect]] = {
    "lingua en/de/fr (lazy)": lambda: build_lingua(),
    "lingua en/de/fr, preloaded": lambda: build_lingua(preload=True),
    "lingua en/de/fr, low accuracy": lambda: build_lingua(low=True),
    "lingua en/de/fr + es/it/pt/nl → und, preloaded": lambda: build_lingua(LINGUA_EXTRA, preload=True),
    "langdetect seeded, restricted to en/de/fr": build_langdetect,
    "pipeline.language.detect_language": build_pipeline,
}


def measure_fresh(name: str) -> dict[str, float]:
    """Measure in a new interpreter: lingua shares loaded models within a process, which would hide load times."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(measure, (name,))


def sweep_other_sure() -> None:
    """Accuracy on en/de/fr (sentences and short strings) against 'und' on other languages, per OTHER_SURE."""
    texts = [(lang, text) for lang in LANGS for kind in ("sentences", "short")
             for text in read_lines(DATA / f"{lang}_{kind}.txt")]
    others = read_others()
    print("\n| OTHER_SURE | en/de/fr accuracy (all) | other → und |\n|---|---|---|")
    chosen = language.OTHER_SURE
    for threshold in (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01):
        language.OTHER_SURE = threshold
        good = sum(language.detect_language(text)[0] == lang for lang, text in texts) / len(texts)
        und = sum(language.detect_language(text)[0] == "und" for text in others) / len(others)
        print(f"| {threshold} | {100 * good:.1f}% | {100 * und:.1f}% |")
    language.OTHER_SURE = chosen


def sweep_keep() -> None:
    """Per span length, the detector's accuracy and the share of its right and wrong answers reaching a confidence.

    This sets KEEP, KEEP_SHORT and SHORT_WORDS: a paragraph whose detected language differs from its document's
    keeps it only at that confidence, so a threshold should keep most right answers and drop most wrong ones.
    Spans are the test set's sentences and short strings and the first 1 to 8 words of each sentence."""
    spans = [(lang, text) for lang in LANGS for kind in ("sentences", "short")
             for text in read_lines(DATA / f"{lang}_{kind}.txt")]
    spans += [(lang, " ".join(sentence.split()[:k])) for lang in LANGS for k in range(1, 9)
              for sentence in read_lines(DATA / f"{lang}_sentences.txt")]
    answers = [(language.count_words(text), *language.detect_language(text), lang) for lang, text in spans]
    thresholds = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    print("\n| words | spans | accuracy | " + " | ".join(f"≥ {t}: right, wrong" for t in thresholds) + " |")
    print("|---" * (3 + len(thresholds)) + "|")
    for low, high in ((1, 2), (3, 5), (6, 10), (11, 99)):
        bucket = [(code == lang, score) for words, code, score, lang in answers if low <= words <= high]
        right = [score for good, score in bucket if good]
        wrong = [score for good, score in bucket if not good]
        cells = [f"{100 * sum(s >= t for s in right) / max(len(right), 1):.0f}%,"
                 f" {100 * sum(s >= t for s in wrong) / max(len(wrong), 1):.0f}%" for t in thresholds]
        print(f"| {low}–{high} | {len(bucket)} | {100 * len(right) / len(bucket):.1f}% | " + " | ".join(cells) + " |")


def main() -> None:
    counts = {kind: sum(len(read_lines(DATA / f"{lang}_{kind}.txt")) for lang in LANGS)
              for kind in ("sentences", "short")}
    print(f"{counts['sentences']} sentences, {counts['short']} short strings (3–5 words),"
          f" {len(read_others())} other-language lines\n")
    print("| method | sent. en | sent. de | sent. fr | sent. all | short en | short de | short fr | short all"
          " | other → und | ms/call | load+1st call s |")
    print("|---" * 12 + "|")
    for name in METHODS:
        r = measure_fresh(name)
        cells = [r[f"sentences_{lang}"] for lang in LANGS] + [r["sentences"]]
        cells += [r[f"short_{lang}"] for lang in LANGS] + [r["short"], r["other_und"]]
        pct = " | ".join(f"{100 * c:.1f}%" for c in cells)
        print(f"| {name} | {pct} | {r['ms_per_call']:.3f} | {r['load_s']:.2f} |")
    sweep_other_sure()
    sweep_keep()


if __name__ == "__main__":
    main()
