"""Literal prefilters never skip a pattern on a text it matches, and do skip texts without its words."""
import re
from pathlib import Path

import pytest

from pipeline.link.sectors import _prefilter, _term_patterns
from pipeline.literals import CASE_SPECIAL, Prefilter, needles, searchable

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = [
    (r"\brequired fields are marked\b", re.IGNORECASE, {"required fields are marked"}),
    (r"\b(we|this (web)?site|our (web)?site) uses? cookies\b", re.IGNORECASE, {" cookies"}),
    (r"(?i:district|borough)\s+of", 0, {"district", "borough"}),
    (r"\b(?:im|seit)\s+\d{4}", re.IGNORECASE, {"im", "seit"}),
    (r"(?:Landkreis|Kreis)\s+(?P<name>[A-Z]\w+)", 0, {"landkreis", "kreis"}),  # one per branch
    (r"(?:ab)+cd", 0, {"ab"}),  # a repeat of at least once requires what it repeats
    (r"x?\d+", 0, None),  # nothing literal is required
    (r"(?:foo|\d)bar", 0, {"bar"}),
]


@pytest.mark.parametrize(("regex", "flags", "expected"), PATTERNS)
def test_literals_needles_are_what_every_match_holds(regex, flags, expected):
    found = needles(re.compile(regex, flags))
    assert (set(found) if found else None) == expected


TEXTS = ["Required fields are marked *", "This website uses COOKIES.", "im Landkreis Altötting seit 1998",
         "the District of Columbia", "nothing here", "ababcd", "foobar 1bar", "ſeit 1998 İm",
         "The BOROUGH of Camden", "Kreis Kleve"]


@pytest.mark.parametrize("text", TEXTS)
def test_literals_never_skip_a_pattern_that_matches(text):
    patterns = [re.compile(regex, flags) for regex, flags, _ in PATTERNS]
    prefilter = Prefilter(patterns)
    matching = [i for i, p in enumerate(patterns) if p.search(text)]
    assert set(matching) <= set(prefilter.candidates(text))


def test_literals_skip_the_patterns_whose_words_are_missing():
    patterns = [re.compile(regex, flags) for regex, flags, _ in PATTERNS]
    assert Prefilter(patterns).candidates("nothing here") == (6,)  # only the pattern without needles
    assert Prefilter(patterns).candidates("Seit 1998") == (3, 6)
    assert Prefilter(patterns).candidates("Landkreis") == (4, 6)


def test_literals_try_everything_where_lowercasing_differs_from_ignorecase():
    """Long s matches 's' under re.IGNORECASE but str.lower keeps it: such texts get every pattern."""
    pattern = re.compile(r"\bseit\b", re.IGNORECASE)
    assert pattern.search("ſeit 1998")
    assert searchable("ſeit 1998") is None
    assert Prefilter([pattern]).candidates("ſeit 1998") == (0,)
    assert Prefilter([pattern]).candidates("since 1998") == ()


def test_literals_case_special_holds_every_character_of_pythons_extra_case_table():
    """re.IGNORECASE also matches these pairs ("s" and "ſ", "в" and "ᲀ"), which str.lower does not map."""
    casefix = pytest.importorskip("re._casefix")
    extra = {chr(c) for key, others in casefix._EXTRA_CASES.items() for c in (key, *others)}
    assert len(extra) > 30
    assert not [c for c in extra if not c.isascii() and not CASE_SPECIAL.match(c)]


def test_literals_no_needle_holds_a_character_lowercasing_misreads():
    assert needles(re.compile("ſeit", re.IGNORECASE)) == ("eit",)  # the long s is no literal: "s" matches it too
    assert needles(re.compile("xyzſeit", re.IGNORECASE)) == ("xyz",)


def test_literals_sector_terms_that_match_corpus_texts_are_all_candidates():
    """Over the sample corpus and the dev set (txt, md): no term that matches a text is skipped for it."""
    texts = [p.read_text(encoding="utf-8") for folder in (ROOT / "corpus", ROOT / "tests" / "gold" / "dev")
             for p in sorted(folder.rglob("*")) if p.suffix in (".txt", ".md")]
    assert len(texts) >= 20
    tried = 0
    for lang in ("en", "de", "fr"):
        patterns = _term_patterns(lang)
        for text in texts:
            candidates = set(_prefilter(lang).candidates(text))
            matching = {i for i, p in enumerate(patterns) if p.search(text)}
            assert matching <= candidates
            assert len(candidates) < len(patterns) / 2  # and most terms are skipped
            tried += len(matching)
    assert tried >= 50
