"""Text → NACE Rev. 2 section hits, from the en/de/fr lexicon in models/sectors.tsv."""
from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..literals import Prefilter

MODELS = Path(__file__).resolve().parents[2] / "models"

SECTION_LABELS: dict[str, str] = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation activities",
    "F": "Construction",
    "G": "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support service activities",
    "O": "Public administration and defence; compulsory social security",
    "P": "Education",
    "Q": "Human health and social work activities",
    "R": "Arts, entertainment and recreation",
    "S": "Other service activities",
}

# Inflections a term may carry at its end (plural, German case endings).
ENDINGS = {"en": "(?:s|es)?", "de": "(?:e|en|n|s|es|er|ern)?", "fr": "(?:s|x)?"}
_LETTERS = r"[^\W\d_]"


def read_lexicon() -> list[dict[str, str]]:
    with open(MODELS / "sectors.tsv", encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f, delimiter="\t") if not row["lang"].startswith("#")]


def compile_term(term: str, lang: str, compound: bool) -> str:
    """Regex for one term: acronyms ('AI', 'R&D') keep their case; a capitalised German noun must be
    capitalised at a word start; a compound term may open or close a longer word ('Logistikunternehmen',
    'Hafenlogistik')."""
    body = re.escape(term).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
    if term.isupper():
        return f"(?-i:{body})"
    ending = ENDINGS.get(lang, "")
    if lang == "de" and term[0].isupper():
        head = f"(?-i:{re.escape(term[0])}){body[len(re.escape(term[0])):]}"
        if compound:
            return f"{head}{_LETTERS}*|{_LETTERS}+{body}{ending}"
        return f"{head}{ending}"
    if compound:
        return f"{body}{_LETTERS}*|{_LETTERS}+{body}{ending}"
    return f"{body}{ending}"


@lru_cache(maxsize=None)
def _lexicon_rows(lang: str) -> tuple[dict[str, str], ...]:
    """A language's rows, longest term first; exclusion rows ('-') too, so that a name such as
    "chamber of commerce" covers its words as a longer term would."""
    rows = [row for row in read_lexicon() if row["lang"] == lang or lang not in ENDINGS]
    return tuple(sorted(rows, key=lambda row: (-len(row["term"]), row["term"])))


@lru_cache(maxsize=None)
def compile_exclusions(lang: str) -> re.Pattern[str] | None:
    """Words that name no sector though a term matches them: rows with sector '-' ('Handelskammer' is
    matched by the term 'Handel' and dropped)."""
    rows = [row for row in read_lexicon() if (row["lang"] == lang or lang not in ENDINGS) and row["sector"] == "-"]
    if not rows:
        return None
    terms = "|".join(compile_term(row["term"], row["lang"], row["compound"] == "1") for row in rows)
    return re.compile(f"(?:{terms})", re.IGNORECASE)


@lru_cache(maxsize=None)
def _term_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """Per term of a language, in lexicon order (longest first), its regex between word boundaries."""
    return tuple(re.compile(rf"(?<![\w&])(?:{compile_term(row['term'], row['lang'], row['compound'] == '1')})(?![\w&])",
                            re.IGNORECASE) for row in _lexicon_rows(lang))


@lru_cache(maxsize=None)
def _prefilter(lang: str) -> Prefilter:
    return Prefilter(_term_patterns(lang))


def find_sectors(text: str, lang: str,
                 spans: Sequence[tuple[int, int]] | None = None) -> list[tuple[str, str, int, int]]:
    """(section letter, term as in text, start, end) for every lexicon hit; leftmost, then longest term wins,
    and an exclusion row that wins ("chamber of commerce") hides its words.
    A language without a lexicon ('und') is matched against all of them. `spans`, the text's sentences,
    limit the reading to them (as in `dates.find_dates`).

    The hits are those of one alternation of all terms, longest first, scanned left to right; it is
    evaluated term by term (each regex compiled once) and only for the terms whose needles occur in the
    sentence (`literals.Prefilter`), which is ~20x faster than trying every alternative at every word."""
    patterns = _term_patterns(lang)
    starts: dict[int, tuple[int, re.Match[str]]] = {}  # position -> (first term matching there, its match)
    for start, end in spans if spans is not None else ((0, len(text)),):
        for i in _prefilter(lang).candidates(text[start:end]):
            m = patterns[i].search(text, start, end)
            while m:
                starts.setdefault(m.start(), (i, m))
                m = patterns[i].search(text, m.start() + 1, end)
    rows, excluded = _lexicon_rows(lang), compile_exclusions(lang)
    hits, pos = [], 0
    for start in sorted(starts):
        if start < pos:
            continue
        i, m = starts[start]
        pos = m.end()
        if rows[i]["sector"] != "-" and not (excluded and excluded.fullmatch(m.group())):
            hits.append((rows[i]["sector"], m.group(), start, pos))
    return hits
