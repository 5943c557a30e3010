"""The relation words and cue patterns of models/relation_triggers.tsv, per language and kind.

Places (stage 5) and relations (stage 6) both read them: a relation word inside an entity makes it
noise ("Hefeis Partnerstädten"), a seat word before a place makes it no party ("Ministerium in").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .config import MODELS
from .literals import Prefilter

PRIORITY = {"sister_city": 3, "friendship_city": 2, "cooperation": 1}


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    relation: str


@lru_cache(maxsize=1)
def load_patterns() -> dict[str, dict[str, list[re.Pattern]]]:
    """language -> kind (sister_city, friendship_city, cooperation, proposed, signed, org_head,
    anaphor, visit, list_heading) -> compiled patterns, from models/relation_triggers.tsv."""
    patterns: dict[str, dict[str, list[re.Pattern]]] = {}
    for line in (MODELS / "relation_triggers.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, kind, regex = line.split("\t")[:3]
        for language in (("en", "de", "fr") if lang == "*" else (lang,)):
            patterns.setdefault(language, {}).setdefault(kind, []).append(re.compile(regex, re.IGNORECASE))
    return patterns


def first_match(lang: str, kind: str, text: str) -> re.Match | None:
    """The match of the first pattern of this kind (in the table's order) that matches `text`."""
    patterns, prefilter = _patterns_of(lang, (kind,))
    for i in prefilter.candidates(text):
        m = patterns[i][1].search(text)
        if m:
            return m
    return None


# A capitalised relation word that an institution's or an event's name goes on with names it, and states no
# relation: "the China International Friendship City Conference", "the Sister Cities Association".
_NAME_GOES_ON = re.compile(r"(?:\s+[A-Z][\w-]*){0,3}?\s+(?:Conference|Forum|Association|Society|Committee|Council|"
                           r"Foundation|Fund|Award|Prize|Cup|Festival|Summit|Alliance|Network|Conférence|Comité|"
                           r"Fédération|Prix)\b")


def find_triggers(text: str, lang: str) -> list[Trigger]:
    """Every relation word in `text`: sister_city, friendship_city and cooperation patterns."""
    patterns, prefilter = _patterns_of(lang, tuple(PRIORITY))
    found = []
    for i in prefilter.candidates(text):
        kind, pattern = patterns[i]
        found.extend(Trigger(m.start(), m.end(), kind) for m in pattern.finditer(text)
                     if not (text[m.start()].isupper() and _NAME_GOES_ON.match(text, m.end())))
    return found


@lru_cache(maxsize=None)
def _patterns_of(lang: str, kinds: tuple[str, ...]) -> tuple[list[tuple[str, re.Pattern]], Prefilter]:
    """The (kind, pattern) pairs of these kinds in the table's order, and their prefilter: most texts hold
    none of the words of most patterns."""
    patterns = [(kind, p) for kind in kinds for p in load_patterns().get(lang, {}).get(kind, [])]
    return patterns, Prefilter([p for _, p in patterns])


def sentence_triggers(text: str, sentences) -> list[list[Trigger]]:
    """`find_triggers` of each sentence, offsets within the sentence: places and relations both need them."""
    return [find_triggers(text[s.start:s.end], s.language) for s in sentences]
