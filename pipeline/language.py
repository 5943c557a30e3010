"""TextDoc → a copy with a language (en, de, fr or und) and a 0..1 confidence for it and for each paragraph."""
from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from .records import Paragraph, TextDoc

LANGUAGES = {Language.ENGLISH: "en", Language.GERMAN: "de", Language.FRENCH: "fr"}
# Lingua always names one of its candidates, so languages that the corpus may hold but the pipeline cannot
# analyse compete too; a text one of them clearly wins comes out 'und' instead of a forced en/de/fr. They win
# English titles such as "Made in China" by small margins, hence the threshold.
OTHER_LANGUAGES = (Language.SPANISH, Language.ITALIAN, Language.PORTUGUESE, Language.DUTCH)
OTHER_SURE = 0.6
MIN_LETTERS = 3  # fewer letters carry no signal
# A paragraph whose language differs from its document's keeps it only with this confidence, else it takes the
# document's: detectors err on proper-noun-heavy headings and on spans of a word or two (scripts/measure_language.py).
KEEP = 0.5
KEEP_SHORT = 0.9  # for spans of fewer than SHORT_WORDS words
SHORT_WORDS = 3
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A paragraph of SURE_WORDS words or more skips the detector (the slow part of the stage) when its function words
# leave no doubt: words of one language only, and of none of the other candidates ('other'). Lingua gives such
# texts confidence 1.0; with 8 words the rule decides most sentences and scripts/measure_language.py finds it
# right on all 977 test sentences (lingua alone: 99.7%).
FUNCTION_WORDS = {
    "en": "the and of to is with for that which this by from are have has will its their were been be at it as",
    "de": "der die das und mit von für den dem ist sich ein eine einer auf nicht auch zu im wird wurde sind werden "
          "bei nach aus zwischen über zum zur",
    "fr": "le la les du et est une pour dans qui que sur avec aux au par sont ont cette été entre ses leur il",
    "other": "el los las del por con una para het een zijn niet wordt ook che gli della sono uma não são dos nas "
             "também di ha e nel alla delle dei",  # not "y" (French "il y a") nor "um" (German "um 11 Uhr")
}
_FUNCTION_LANGUAGE = {word: lang for lang, words in FUNCTION_WORDS.items() for word in words.split()}
SURE_WORDS = 8  # at least this many words,
SURE_SHARE = 0.15  # this share of them function words of the winner,
SURE_MARGIN = 3  # this many times those of the runner-up,
OTHER_SHARE = 0.02  # and at most this share words of other languages


@functools.cache
def get_detector() -> LanguageDetector:
    """Build the detector once per process; all models are loaded up front so no call pays for loading."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES, *OTHER_LANGUAGES).with_preloaded_language_models().build()


def count_letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def count_non_latin_letters(text: str) -> int:
    """Letters beyond Basic Latin up to Latin Extended-B (Chinese, Cyrillic, ...)."""
    return 0 if text.isascii() else sum(map(str.isalpha, filter("\u0250".__le__, text)))


def detect_language(text: str) -> tuple[str, float]:
    """Return ('en' | 'de' | 'fr' | 'und', confidence 0..1).

    'und' with confidence 0 when there are too few letters to go on, and with the confidence that the text is in
    another language when it is mostly in another script or another language clearly wins."""
    return _detect(text, count_letters(text), WORD.findall(text))


def _detect(text: str, letters: int, words: list[str]) -> tuple[str, float]:
    """`detect_language` given the text's letter count and words, which `assign_languages` needs too."""
    if letters < MIN_LETTERS:
        return "und", 0.0
    if 2 * count_non_latin_letters(text) >= letters:
        return "und", 1.0  # mostly Chinese, Cyrillic, ... letters: certainly not en/de/fr
    sure = _guess(words)
    if sure:
        return sure, 1.0
    values = get_detector().compute_language_confidence_values(text)
    if values[0].language not in LANGUAGES and values[0].value >= OTHER_SURE:
        return "und", round(values[0].value, 4)
    best = next(value for value in values if value.language in LANGUAGES)
    return (LANGUAGES[best.language], round(best.value, 4)) if best.value else ("und", 0.0)


def guess_by_function_words(text: str) -> str | None:
    """en, de or fr when a long text's function words leave no doubt, else None (ask the detector)."""
    return _guess(WORD.findall(text))


def _guess(words: list[str]) -> str | None:
    if len(words) < SURE_WORDS:
        return None
    counts = Counter(map(_FUNCTION_LANGUAGE.get, map(str.lower, words)))
    first, second = sorted((counts[lang] for lang in LANGUAGES.values()), reverse=True)[:2]
    if first < SURE_SHARE * len(words) or first < SURE_MARGIN * second or counts["other"] > OTHER_SHARE * len(words):
        return None
    return next(lang for lang in LANGUAGES.values() if counts[lang] == first)


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def vote_language(spans: list[tuple[str, float, int]]) -> tuple[str, float]:
    """Pick the language holding most letters among (language, confidence, letters) spans; its confidence is the
    share of all letters that it holds, each weighted by the detector's confidence."""
    weights: dict[str, float] = {}
    for language, score, letters in spans:
        if language != "und":
            weights[language] = weights.get(language, 0.0) + score * letters
    total = sum(letters for _, _, letters in spans)
    if not weights or not total:
        return "und", 0.0
    language = max(sorted(weights), key=weights.__getitem__)
    return language, round(weights[language] / total, 4)


def tag_paragraph(
    paragraph: Paragraph, language: str, score: float, words: int, doc_language: str, doc_score: float
) -> Paragraph:
    """Set the paragraph's language: its own, or the document's when it differs and the detector is not sure."""
    keep = KEEP_SHORT if words < SHORT_WORDS else KEEP
    if doc_language != "und" and language != doc_language and score < keep:
        language, score = doc_language, doc_score
    return dataclasses.replace(paragraph, language=language, language_score=score)


def assign_languages(doc: TextDoc) -> TextDoc:
    """Return a copy of `doc` with its language voted by its non-boilerplate paragraphs and each paragraph's own.

    A paragraph keeps the language detected in it when the detector is sure enough, so a French disclaimer in an
    English text stays French; otherwise, as for a date, a name or a heading full of names, it takes the document's.
    Boilerplate paragraphs are tagged but do not vote. Short analysed paragraphs (fewer than SURE_WORDS words) take
    the language the longer ones vote for without asking the detector: on a byline or a heading of names it errs
    more often than it finds another language, and it is the slowest part of the stage. Only a document of short
    paragraphs has them detected and voting."""
    texts = [doc.text[p.start:p.end] for p in doc.paragraphs] or [doc.text]
    letters = [count_letters(text) for text in texts]
    words = [WORD.findall(text) for text in texts]
    voters = [i for i, p in enumerate(doc.paragraphs) if not p.boilerplate] or range(len(texts))
    short = {i for i in voters if len(words[i]) < SURE_WORDS and letters[i] >= MIN_LETTERS}
    detected: list[tuple[str, float] | None] = [
        None if i in short else _detect(*args) for i, args in enumerate(zip(texts, letters, words))]
    language, score = vote_language([(*detected[i], letters[i]) for i in voters if i not in short])
    if language == "und" and short:
        for i in short:
            detected[i] = _detect(texts[i], letters[i], words[i])
        language, score = vote_language([(*detected[i], letters[i]) for i in voters])
    paragraphs = tuple(
        tag_paragraph(p, *(found or (language, score)), len(found_words), language, score)
        for p, found, found_words in zip(doc.paragraphs, detected, words)
    )
    return dataclasses.replace(doc, language=language, language_score=score, paragraphs=paragraphs)
