"""Literal prefilters: skip a regex on a text that cannot hold a match.

Python's `re` tries a pattern that starts with `\\b`, a lookbehind or a case-insensitive letter at every
position of a text, which costs ~100x a substring test. `needles(pattern)` reads from the pattern itself a
few literal strings one of which every match contains; `searchable(text)` lowercases a text so that looking
for them never misses a match; a `Prefilter` finds which of many patterns' needles a text holds in one pass
(Aho-Corasick, pyahocorasick), which for the ~400 sector terms is 8x faster than a substring test per needle.
"""
from __future__ import annotations

import re

import ahocorasick

# A pattern's parse tree comes from a private module, so any surprise in it just means "no prefilter".
try:
    from re import _parser
except ImportError:  # Python 3.10
    import sre_parse as _parser

# Characters that re.IGNORECASE matches differently from str.lower(): "İ", dotless "ı", long "ſ", Greek,
# and those of Python's extra case table (re._casefix, checked by the tests).
CASE_SPECIAL = re.compile("[\u00b5\u0130\u0131\u017f\u0345\u0370-\u03ff\u0432\u0434\u043e\u0441\u0442\u044a"
                          "\u0463\u1c80-\u1c88\u1e61\u1e9b\u1f00-\u1fff\ua64b\ufb05\ufb06]")


def needles(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Lowercased strings one of which every match of `pattern` contains; None when none are found."""
    try:
        found = _required(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a construct this reader does not know: no prefilter, never a wrong one
        return None
    return tuple(sorted(found)) if found else None


def _required(items) -> set[str] | None:
    """Strings one of which every match of this sequence of parse items contains: its longest literal run,
    or what a group, a branch (each alternative's) or a repeat of at least once requires."""
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and all(candidate) and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _parser.LITERAL and not CASE_SPECIAL.match(chr(av)):
            run.append(chr(av).lower())
            continue
        consider({"".join(run)})
        run = []
        if op is _parser.SUBPATTERN:
            consider(_required(av[-1]))
        elif op is _parser.BRANCH:
            options = [_required(branch) for branch in av[1]]
            if all(options):
                consider(set().union(*options))
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[0] >= 1:
            consider(_required(av[2]))
    return best


def searchable(text: str) -> str | None:
    """`text` lowercased, in which `in` finds every needle of a match; None for a text with a character
    on which str.lower and re.IGNORECASE disagree (then every pattern must be tried)."""
    if text.isascii():  # O(1) in CPython, and true of most English sentences
        return text.lower()
    return None if CASE_SPECIAL.search(text) else text.lower()


class Prefilter:
    """Which of many patterns may match a text, from one pass over it for all their needles."""

    def __init__(self, patterns):
        found = [needles(p) for p in patterns]
        self._all = tuple(range(len(found)))
        self._always = tuple(i for i, needles_ in enumerate(found) if needles_ is None)
        by_needle: dict[str, set[int]] = {}
        for i, needles_ in enumerate(found):
            for needle in needles_ or ():
                by_needle.setdefault(needle, set(self._always)).add(i)
        self._automaton = ahocorasick.Automaton() if by_needle else None
        for needle, indices in by_needle.items():  # each needle's answer, ready for a text holding only it
            self._automaton.add_word(needle, tuple(sorted(indices)))
        if self._automaton is not None:
            self._automaton.make_automaton()

    def candidates(self, text: str) -> tuple[int, ...]:
        """Indices of the patterns that may match `text`, in order; the others cannot."""
        lowered = searchable(text)
        if lowered is None or self._automaton is None:  # without an automaton no pattern has needles
            return self._all
        hits = self._automaton.iter(lowered)
        first = next(hits, None)
        if first is None:
            return self._always
        more = [indices for _, indices in hits if indices is not first[1]]
        return tuple(sorted(set(first[1]).union(*more))) if more else first[1]
