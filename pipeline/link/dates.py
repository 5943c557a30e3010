"""Find dates in en/de/fr text; each becomes an ISO string cut to its precision (2004-07-22, 2018-09, 1995).

Candidates come from compiled regexes per language and are normalised here (no dateparser):
absolute dates, day ranges (a range takes its start), month/season/qualified years, a bare
year only after a cue word or alone in a table cell or parentheses, relative expressions and
anniversaries ("20 Jahre Städtepartnerschaft"). Relative expressions and anniversaries are
resolved against `published` only; without it they are skipped, never guessed from today.
Numeric a/b/yyyy is read day first in German and French; in English only when one side is
over 12 (otherwise month and day are ambiguous and the candidate is dropped).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, partial
from typing import Callable

from ..literals import Prefilter

LANGUAGES = ("en", "de", "fr")
_PRECISIONS = ("year", "month", "day")  # coarse to fine
_ISO_LENGTH = {"year": 4, "month": 7, "day": 10}


@dataclass(frozen=True, slots=True)
class DateMatch:
    start: int
    end: int
    text: str
    iso: str
    precision: str  # day | month | year
    kind: str = "absolute"  # absolute | relative | future ("next year") | anniversary | range


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The publication date as the last day it can stand for, with the precision it was given."""

    day: date
    precision: str


_Value = tuple[date, str, str]  # date, precision, kind
_Resolver = Callable[[re.Match, "_Anchor | None"], "_Value | None"]
_Rule = tuple[str, _Resolver] | tuple[str, _Resolver, str]  # pattern, resolver and maybe _YEAR or _DIGIT (see _rules)

# ---------------------------------------------------------------- vocabulary
# One entry per month / weekday: the full name first, then variants; variants may end with a dot.
_MONTHS = {
    "en": ["january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
           "august aug", "september sept sep", "october oct", "november nov", "december dec"],
    "de": ["januar jänner jan", "februar feber feb", "märz maerz mär mrz", "april apr", "mai",
           "juni jun", "juli jul", "august aug", "september sept sep", "oktober okt", "november nov",
           "dezember dez"],
    "fr": ["janvier janv", "février fevrier févr fevr fév", "mars", "avril avr", "mai", "juin",
           "juillet juil", "août aout", "septembre sept", "octobre oct", "novembre nov",
           "décembre decembre déc dec"],
}
_WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "de": ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag sonnabend", "sonntag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}
# Month and weekday names are capitalised in English and German: "may", "march" stay words.
_CASE_SENSITIVE_NAMES = {"en": True, "de": True, "fr": False}

# Relative phrases: (unit, offset); "week" resolves to the month of that week.
_RELATIVE = {
    "en": {"today": ("day", 0), "yesterday": ("day", -1), "the day before yesterday": ("day", -2),
           "this week": ("week", 0), "earlier this week": ("week", 0), "last week": ("week", -1),
           "this month": ("month", 0), "earlier this month": ("month", 0), "last month": ("month", -1),
           "this year": ("year", 0), "earlier this year": ("year", 0), "last year": ("year", -1),
           "next year": ("year", 1)},
    "de": {"heute": ("day", 0), "gestern": ("day", -1), "vorgestern": ("day", -2),
           "diese woche": ("week", 0), "dieser woche": ("week", 0),
           "vergangene woche": ("week", -1), "vergangener woche": ("week", -1),
           "letzte woche": ("week", -1), "letzter woche": ("week", -1),
           "in der vergangenen woche": ("week", -1), "in der letzten woche": ("week", -1),
           "diesen monat": ("month", 0), "in diesem monat": ("month", 0),
           "vergangenen monat": ("month", -1), "letzten monat": ("month", -1),
           "im vergangenen monat": ("month", -1),
           "dieses jahr": ("year", 0), "dieses jahres": ("year", 0), "in diesem jahr": ("year", 0),
           "letztes jahr": ("year", -1), "letzten jahres": ("year", -1), "vergangenes jahr": ("year", -1),
           "vergangenen jahres": ("year", -1), "im vergangenen jahr": ("year", -1),
           "im letzten jahr": ("year", -1), "im vorjahr": ("year", -1),
           "nächstes jahr": ("year", 1), "im nächsten jahr": ("year", 1), "im kommenden jahr": ("year", 1)},
    "fr": {"aujourd'hui": ("day", 0), "hier": ("day", -1), "avant-hier": ("day", -2),
           "cette semaine": ("week", 0), "la semaine dernière": ("week", -1),
           "la semaine passée": ("week", -1), "ce mois-ci": ("month", 0),
           "le mois dernier": ("month", -1), "le mois passé": ("month", -1),
           "cette année": ("year", 0), "l'année dernière": ("year", -1), "l'an dernier": ("year", -1),
           "l'année passée": ("year", -1), "l'an passé": ("year", -1),
           "l'année prochaine": ("year", 1), "l'an prochain": ("year", 1)},
}
_DIRECTIONS = {"last": "last", "this past": "last", "letzten": "last", "vergangenen": "last",
               "dernier": "last", "passé": "last", "prochain": "next"}

# German puts a bare year right after the finite verb or a temporal adverb.
_DE_YEAR_CUES = ("bereits|schon|erst|zuletzt|dann|später|danach|damals|zuvor|beide|"
                 "unterzeichnete[n]?|schloss(?:en)?|kam(?:en)?|folgte[n]?|besiegelte[n]?|wurde[n]?|war(?:en)?|"
                 "gründete[n]?|vereinbarte[n]?|unterschrieb(?:en)?|beschloss(?:en)?|begann(?:en)?|trat(?:en)?")
# a year before the participle of a founding ("die 1967 besiegelt wurde", "das 1986 unterzeichnete Abkommen")
_DE_PARTICIPLES = (r"unterzeichnet\w*|besiegelt\w*|geschlossen\w*|gegründet\w*|begründet\w*|vereinbart\w*|"
                   r"eingegangen\w*|beschlossen\w*")
_DE_COUNT_NOUNS = (r"Besucher\w*|Einwohner\w*|Menschen|Euro|Mitarbeiter\w*|Teilnehmer\w*|Gäste|Schüler\w*|"
                   r"Studierende\w*|Kilometer|km|Tonnen|Container|Arbeitsplätze|Unternehmen|Firmen|Stück|"
                   r"Exemplare|Jahre")

# Anniversaries need a twinning word nearby; "more than 20 years" and "after two years of talks" are not dates.
_TWINNING_CUES = {
    "en": r"twin|sister|friendship|friendly\s+cit|partner|relations|co-?operation",
    "de": r"partner|freundschaft|jumelage|zusammenarbeit|beziehungen|verschwister",
    "fr": r"jumel|partenariat|amiti|coopération|relations|villes?\s+s(?:œ|oe)urs",
}
_NOT_AN_ANNIVERSARY = {
    "en": r"\b(?:more\s+than|over|nearly|almost|about|some|around|at\s+least|after|within|for)\s+$",
    "de": r"\b(?:über|mehr\s+als|fast|knapp|rund|etwa|nahezu|gut|nach|in|für|innerhalb\s+von)\s+$",
    "fr": r"(?<!\w)(?:plus\s+de|près\s+de|presque|environ|quelque|au\s+moins|après|pendant|en)\s+$",
}


# Number words 1-69: units 1-9, 10-19, tens 20-60; compounds and ordinals are generated.
_NUMBER_WORDS = {
    "en": ("one two three four five six seven eight nine",
           "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
           "twenty thirty forty fifty sixty"),
    "de": ("ein zwei drei vier fünf sechs sieben acht neun",
           "zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn",
           "zwanzig dreißig vierzig fünfzig sechzig"),
    "fr": ("un deux trois quatre cinq six sept huit neuf",
           "dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf",
           "vingt trente quarante cinquante soixante"),
}
_EN_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                "nine": "ninth", "twelve": "twelfth"}


def _compound_numbers(lang: str, ten: str, unit: str) -> list[str]:
    if lang == "de":
        return [f"{unit}und{ten}"]
    if lang == "fr" and unit == "un":
        return [f"{ten} et un", f"{ten}-et-un"]
    return [f"{ten}-{unit}"]


def _ordinal(lang: str, cardinal: str) -> str:
    """The en/fr ordinal of a cardinal word: 'twenty-five' -> 'twenty-fifth', 'trente' -> 'trentième'."""
    if lang == "en":
        head, _, last = cardinal.rpartition("-")
        last = _EN_ORDINALS.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
        return f"{head}-{last}" if head else last
    for end, stem in (("cinq", "cinqu"), ("neuf", "neuv")):
        if cardinal.endswith(end):
            return cardinal[: -len(end)] + stem + "ième"
    return cardinal.rstrip("e") + "ième"


def _number_words(lang: str) -> dict[str, int]:
    """Cardinal number words 1-69 of `lang`, and ordinals in English and French."""
    units, teens, tens = (group.split() for group in _NUMBER_WORDS[lang])
    words = {w: n for n, w in enumerate(units + teens, start=1)}
    for t, ten in enumerate(tens, start=2):
        words[ten] = t * 10
        for u, unit in enumerate(units, start=1):
            words.update(dict.fromkeys(_compound_numbers(lang, ten, unit), t * 10 + u))
    if lang == "de":
        return words | {"eins": 1, "dreissig": 30}
    ordinals = {_ordinal(lang, w): n for w, n in words.items()}
    return words | ordinals | ({"premier": 1, "première": 1} if lang == "fr" else {})


def _build_lookups() -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, tuple[str, int]]]:
    months, weekdays, numbers, relative = {}, {}, {}, {}
    for lang in LANGUAGES:
        for number, names in enumerate(_MONTHS[lang], start=1):
            months.update(dict.fromkeys(names.split(), number))
        for number, names in enumerate(_WEEKDAYS[lang]):
            weekdays.update(dict.fromkeys(names.split(), number))
        numbers.update(_number_words(lang))
        relative.update(_RELATIVE[lang])
    return months, weekdays, numbers, relative


_MONTH_NUMBER, _WEEKDAY_NUMBER, _NUMBER, _RELATIVE_OFFSET = _build_lookups()

# ---------------------------------------------------------------- resolvers


def _key(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split()).rstrip(".")


def _coarser(a: str, b: str) -> str:
    return _PRECISIONS[min(_PRECISIONS.index(a), _PRECISIONS.index(b))]


def _parse_number(text: str) -> int | None:
    digits = re.match(r"\d+", text)
    return int(digits.group()) if digits else _NUMBER.get(_key(text))


def _years_in(m: re.Match) -> int | None:
    """The number of years a phrase like 'zwei Jahrzehnte' or '20th' counts."""
    n = _parse_number(m.group("n"))
    unit = (m.groupdict().get("unit") or "").lower()
    return n * 10 if n and unit.startswith(("decade", "jahrzehnt", "décenni")) else n


def _shift_month(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


def _resolve_yearless(month: int, day: int | None, anchor: _Anchor, direction: str | None) -> date | None:
    """The (month, day) nearest the anchor: on or before it, strictly before ('last') or after it ('next')."""
    target = (month, day or 0)
    ref = (anchor.day.month, anchor.day.day if day else 0)
    year = anchor.day.year
    if direction == "next":
        year += target <= ref
    elif direction == "last":
        year -= target >= ref
    else:
        year -= target > ref
    try:
        return date(year, month, day or 1)
    except ValueError:  # 29 February of a common year
        return None


def _resolve_calendar(m: re.Match, anchor: _Anchor | None) -> _Value | None:
    g = m.groupdict()
    month_name = g.get("month") or g.get("month2")
    month = _MONTH_NUMBER[_key(month_name)] if month_name else int(g["mnum"]) if g.get("mnum") else None
    day = int(g["day"]) if g.get("day") else None
    precision = "day" if day else "month" if month else "year"
    kind = "range" if g.get("day2") or g.get("year2") else "absolute"
    if not g.get("year"):
        if anchor is None or month is None:
            return None
        direction = _DIRECTIONS.get(_key(g.get("dir") or ""))
        found = _resolve_yearless(month, day, anchor, direction)
        kind = "range" if kind == "range" else "future" if direction == "next" else "relative"
        return (found, precision, kind) if found else None
    try:
        return date(int(g["year"]), month or 1, day or 1), precision, kind
    except ValueError:
        return None


def _resolve_slashed(m: re.Match, anchor: _Anchor | None) -> _Value | None:
    """a/b/yyyy in English: a date only when one side cannot be a month."""
    a, b = int(m["a"]), int(m["b"])
    if a == b or (a > 12) != (b > 12):
        day, month = max(a, b), min(a, b)
        try:
            return date(int(m["year"]), month, day), "day", "absolute"
        except ValueError:
            return None
    return None


def _resolve_relative(m: re.Match, anchor: _Anchor | None) -> _Value | None:
    if anchor is None or m["d"].isupper():  # "CENTRAL GERMANY TODAY" is a masthead
        return None
    unit, offset = _RELATIVE_OFFSET[_key(m["d"])]
    base = anchor.day
    if unit == "day":
        value, precision = base + timedelta(days=offset), "day"
    elif unit == "week":
        value, precision = base + timedelta(weeks=offset), "month"
    elif unit == "month":
        value, precision = _shift_month(base, offset), "month"
    else:
        value, precision = date(base.year + offset, 1, 1), "year"
    return value, _coarser(precision, anchor.precision), "future" if offset > 0 else "relative"


def _resolve_weekday(m: re.Match, anchor: _Anchor | None) -> _Value | None:
    """The most recent such weekday on or before the anchor; strictly before after 'last'/'letzten'/'dernier'."""
    if anchor is None:
        return None
    back = (anchor.day.weekday() - _WEEKDAY_NUMBER[m["wd"].lower()]) % 7
    if back == 0 and m.groupdict().get("dir"):
        back = 7
    return anchor.day - timedelta(days=back), _coarser("day", anchor.precision), "relative"


def _resolve_years_ago(m: re.Match, anchor: _Anchor | None) -> _Value | None:
    years = _years_in(m)
    if anchor is None or not years:
        return None
    return date(anchor.day.year - years, 1, 1), "year", "relative"


def _resolve_anniversary(
    m: re.Match, anchor: _Anchor | None, cue: re.Pattern, exclude: re.Pattern
) -> _Value | None:
    """Published year minus N, when a twinning word stands in the same sentence and N is exact."""
    years = _years_in(m)
    if anchor is None or not years or years > 100:
        return None
    text, start, end = m.string, m.start(), m.end()
    if exclude.search(text[max(0, start - 20):start]):
        return None
    if not cue.search(_sentence_around(text, start, end)):
        return None
    return date(anchor.day.year - years, 1, 1), "year", "anniversary"


_SENTENCE_BREAK = re.compile(r"(?<!\d)[.!?](?=\s)|\n\s*\n")


def _sentence_around(text: str, start: int, end: int, reach: int = 100) -> str:
    left = _SENTENCE_BREAK.split(text[max(0, start - reach):start])[-1]
    right = _SENTENCE_BREAK.split(text[end:end + reach])[0]
    return left + text[start:end] + right


# ---------------------------------------------------------------- patterns


def _alternation(words, case_sensitive: bool = False, dotted=frozenset()) -> str:
    forms = []
    for word in sorted(set(words), key=len, reverse=True):
        variants = (word.capitalize(), word.upper()) if case_sensitive else (word,)
        forms += [re.escape(v) + (r"\.?" if word in dotted else "") for v in variants]
    body = "|".join(forms)
    return f"(?-i:{body})" if case_sensitive else f"(?:{body})"


_YEAR = r"(?:19\d\d|20\d\d|2100)"
_DIGIT = r"[0-9]"  # what a rule with a day number (_DAY) needs
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_MNUM = r"(?:1[0-2]|0?[1-9])"


def _year(name: str = "year") -> str:
    return rf"(?<![\w.,/:])(?P<{name}>{_YEAR})(?![\w]|[.,/:-]\d|\s?%)"


def _numeric_rules(lang: str) -> list[_Rule]:
    """ISO, yyyy.mm.dd, yyyy年m月d日, dd.mm.yyyy everywhere; dd/mm/yyyy in de/fr, unambiguous a/b/yyyy in en;
    years in cells."""
    slashed = (rf"(?<![\w/.])(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>{_YEAR})(?![\d/])", _resolve_slashed)
    if lang != "en":
        slashed = (rf"(?<![\w/.])(?P<day>{_DAY})/(?P<mnum>{_MNUM})/(?P<year>{_YEAR})(?![\d/])", _resolve_calendar)
    iso = rf"(?<![\w.-])(?P<year>{_YEAR})(?P<sep>[-/.])(?P<mnum>{_MNUM})(?P=sep)(?P<day>{_DAY})(?!\d)"
    rules = [
        (iso, _resolve_calendar),
        (rf"(?P<year>{_YEAR})年(?P<mnum>{_MNUM})月(?P<day>{_DAY})日", _resolve_calendar),  # Chinese sites' datelines
        (rf"(?<![\w.])(?P<day>{_DAY})\.\s?(?P<mnum>{_MNUM})\.\s?(?P<year>{_YEAR})(?!\d|\.\d)", _resolve_calendar),
        slashed,
        (rf"\((?:(?:alle|all|both|beide|tous|toutes|since|seit|depuis)\s+)?(?P<d>{_YEAR})\)", _resolve_year_group),
        (rf"(?:^|(?<=[\t|]))[ ]*(?P<d>{_YEAR})[ ]*(?=[\t|]|$)", _resolve_year_group),
    ]
    return [(*rule, _YEAR) for rule in rules]  # each needs a year: texts without one skip them all


def _resolve_year_group(m: re.Match, anchor: _Anchor | None) -> _Value | None:
    return date(int(m["d"]), 1, 1), "year", "absolute"


def _language_rules(lang: str) -> list[_Rule]:
    """The word patterns of one language; a group `d`, when present, is the reported span."""
    case = _CASE_SENSITIVE_NAMES[lang]
    months = [w for names in _MONTHS[lang] for w in names.split()]
    dotted = frozenset(w for names in _MONTHS[lang] for w in names.split()[1:])
    month_names = _alternation(months, case, dotted)
    weekday_names = _alternation([w for names in _WEEKDAYS[lang] for w in names.split()], case)
    numbers = r"[^\W\d_]+(?:(?:-|\s+et\s+)[^\W\d_]+)*"  # any word: the resolver keeps number words only
    relative = _alternation(_RELATIVE[lang]).replace("'", "['’]").replace(r"\ ", r"\s+")

    def month(name: str = "month") -> str:
        return rf"\b(?P<{name}>{month_names})(?!\w)"

    def day(name: str = "day", bound: bool = True) -> str:
        suffix = {"en": r"(?:st|nd|rd|th)?", "de": r"\.?", "fr": r"(?:er)?"}[lang]
        return (r"(?<![\w.,/:-])" if bound else "") + rf"(?P<{name}>{_DAY}){suffix}(?!\d)"

    weekday = rf"(?P<wd>{weekday_names})"
    article = {"en": r"(?:the\s+)?", "de": r"(?:den\s+)?", "fr": ""}[lang]  # "Tuesday, the 9th of May"
    weekday_prefix = rf"(?:{weekday_names},?\s+{article})?"
    num = rf"(?<![\w.,])(?P<n>\d{{1,3}}|{numbers})"
    D, D2, M, M2, Y, Y2 = day(), day("day2", bound=False), month(), month("month2"), _year(), _year("year2")
    anniversary = partial(_resolve_anniversary, cue=re.compile(_TWINNING_CUES[lang], re.I),
                          exclude=re.compile(_NOT_AN_ANNIVERSARY[lang], re.I))
    shared = [(rf"\b(?P<d>{relative})(?!\w)", _resolve_relative)]

    if lang == "en":
        sep = r"\s*(?:-|–|—|~|to|through|till|until|and)\s*"
        qual = r"(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|(?:early|mid|late)(?:\s*-\s*|\s+))"
        season = r"(?:the\s+)?(?:spring|summer|autumn|fall|winter)(?:\s+of)?\s+"
        return shared + [
            (rf"{weekday_prefix}{M}\s+{D}(?:,?\s*{Y})?", _resolve_calendar, _DIGIT),
            (rf"{weekday_prefix}{D}\s+(?:of\s+)?{M}(?:,?\s+{Y})?", _resolve_calendar, _DIGIT),
            (rf"{M}\s+{D}{sep}(?:{M2}\s+)?{D2}(?:,?\s*{Y})?", _resolve_calendar, _DIGIT),
            (rf"{D}\s*(?:{M}\s*)?{sep}{D2}\s+(?:of\s+)?{M2}(?:,?\s+{Y})?", _resolve_calendar, _DIGIT),
            (rf"(?:{qual})?{M}(?:\s+of)?,?\s+{Y}", _resolve_calendar, _YEAR),
            (rf"\b(?:in|during|since|until|till|from|through)\s+(?P<d>{M})", _resolve_calendar),
            (rf"(?P<d>\b{qual}{M})", _resolve_calendar),
            (rf"\b(?:{qual}|{season}){Y}", _resolve_calendar, _YEAR),
            (rf"\b(?:in|since|until|till|during|(?:the\s+)?year|dates?\s+(?:back\s+)?(?:from|to))\s+(?P<d>{Y})",
             _resolve_calendar, _YEAR),
            (rf"\b(?:from|between)\s+(?P<d>{Y}\s*(?:-|–|to|and|until|till)\s*{Y2})", _resolve_calendar, _YEAR),
            (rf"\b(?P<d>(?P<dir>last|this\s+past)\s+{weekday})(?!\w)", _resolve_weekday),
            (rf"\b(?:on|this)\s+(?P<d>{weekday})(?!\w)", _resolve_weekday),
            (rf"\b{num}\s+(?P<unit>years?|decades?)\s+ago\b", _resolve_years_ago),
            (rf"(?:\bthe\s+)?{num}(?:(?<=\d)(?:st|nd|rd|th))?[\s-]+anniversary\b", anniversary),
            (rf"{num}\s+(?P<unit>years|decades)(?=\s+of\b)", anniversary),
            (rf"{num}-year(?:-old|-long)?\s+(?:[\w-]+\s+)?(?:partnership|friendship|twinning|relationship"
             rf"|sister[\s-]+cit(?:y|ies))", anniversary),
            (rf"\b(?:turns|turned)\s+(?P<d>{num}(?:\s+(?P<unit>years)(?:\s+old)?)?)(?!\w)", anniversary),
        ]
    if lang == "de":
        qual = r"(?:Anfang|Mitte|Ende)\s+"
        season = r"(?:Frühjahr|Frühling|Sommer|Herbst|Winter)\s+(?:des\s+Jahres\s+)?"
        daytime = r"(?:abend|morgen|vormittag|nachmittag|mittag)?"  # "am Dienstagabend"
        return shared + [
            (rf"{weekday_prefix}{D}\s*{M}(?:\s+{Y})?", _resolve_calendar, _DIGIT),
            (rf"{D}\s*(?:{M}\s*)?(?:-|–|bis(?:\s+zum)?)\s*{D2}\s*{M2}(?:\s+{Y})?", _resolve_calendar, _DIGIT),
            (rf"(?:{qual})?{M}\s+{Y}", _resolve_calendar, _YEAR),
            (rf"\b(?:im|seit|ab|bis)\s+(?P<d>{M})", _resolve_calendar),
            (rf"(?P<d>\b{qual}{M})", _resolve_calendar),
            (rf"\b(?:{qual}(?:des\s+Jahres\s+)?|{season}){Y}", _resolve_calendar, _YEAR),
            (rf"\b(?:im\s+Jahre?|im|seit|ab|bis|Jahre?s?)\s+(?P<d>{Y})", _resolve_calendar, _YEAR),
            # a year as the adverb of a finite verb ("schloss 2013", "Bereits 1984 unterzeichnete", "kamen beide
            # 1985 hinzu"), not a count ("bereits 2000 Besucher")
            (rf"\b(?:{_DE_YEAR_CUES})\s+(?:(?:bereits|schon|beide|erst|zuletzt|dann|nun)\s+)?(?P<d>{Y})"
             rf"(?!\s+(?:{_DE_COUNT_NOUNS})\b)", _resolve_calendar, _YEAR),
            (rf"\b(?:von|zwischen)\s+(?P<d>{Y}\s*(?:-|–|bis|und)\s*{Y2})", _resolve_calendar, _YEAR),
            (rf"(?P<d>{Y})\s+(?:(?:offiziell|feierlich|formell)\s+)?(?:{_DE_PARTICIPLES})\b", _resolve_calendar, _YEAR),
            (rf"\b(?P<d>(?P<dir>letzten|vergangenen|gestrigen)\s+{weekday}{daytime})(?!\w)", _resolve_weekday),
            (rf"\b(?:am|diesen)\s+(?P<d>{weekday}{daytime})(?!\w)", _resolve_weekday),
            (rf"\bvor\s+{num}\s+(?P<unit>Jahren|Jahrzehnten)\b", _resolve_years_ago),
            (rf"{num}\s+(?P<unit>Jahre|Jahrzehnte)\s+(?:[\w-]+\s+)?\w*(?:partnerschaft|freundschaft|jumelage)\w*",
             anniversary),
            (r"(?<![\w.,])(?P<n>\d{1,3}-|[^\W\d_]+?)jährige[nmrs]?\s+\w+", anniversary),
            (r"(?<![\w.,])(?P<n>\d{1,3})\.\s+(?:Jahrestag|Jubiläum|Partnerschaftsjubiläum)", anniversary),
            (rf"\bseit\s+{num}\s+(?P<unit>Jahren|Jahrzehnten)\b", anniversary),
            (rf"\b(?:wird|werden|wurde|wurden)\s+(?P<d>{num}\s+(?P<unit>Jahre|Jahrzehnte)\s+alt)\b", anniversary),
        ]
    qual = r"(?:(?:à\s+la\s+)?mi-|(?:au\s+)?début\s+|(?:à\s+la\s+)?fin\s+|courant\s+)"
    season = r"(?:printemps|été|automne|hiver)\s+(?:de\s+)?"
    direction = r"\s+(?P<dir>dernier|prochain)"
    return shared + [
        (rf"{weekday_prefix}{D}\s+{M}(?:\s+{Y}|{direction})?", _resolve_calendar, _DIGIT),
        (rf"{D}\s*(?:{M}\s*)?(?:-|–|au|et)\s*{D2}\s+{M2}(?:\s+{Y})?", _resolve_calendar, _DIGIT),
        (rf"(?:{qual})?{M}\s+(?:de\s+)?{Y}", _resolve_calendar, _YEAR),
        (rf"\b(?:en|depuis|dès|jusqu['’]en|(?:au\s+)?mois\s+d(?:e\s+|['’]))\s*(?P<d>{M}(?:{direction})?)",
         _resolve_calendar),
        (rf"(?P<d>(?<!\w){qual}{M})", _resolve_calendar),
        (rf"(?<!\w)(?:{qual}|{season}){Y}", _resolve_calendar, _YEAR),
        (rf"(?<!\w)(?:en|depuis|dès|jusqu['’]en|année|an|remonte\s+à|date\s+de)\s+(?P<d>{Y})", _resolve_calendar,
         _YEAR),
        (rf"(?<!\w)(?:de|entre)\s+(?P<d>{Y}\s*(?:-|–|à|et)\s*{Y2})", _resolve_calendar, _YEAR),
        (rf"(?<!\w)(?P<d>{weekday}\s+(?P<dir>dernier|passé))(?!\w)", _resolve_weekday),
        (rf"(?<!\w)ce\s+(?P<d>{weekday})(?!\w)", _resolve_weekday),
        # after a past participle, as news write it: "a signé mardi", "ont été reçus jeudi" (not "mardi 3 mai")
        (rf"(?<!\w)\w+(?:é|ée|és|ées|i|ie|is|it|u|ue|us)\s+(?P<d>{weekday})(?!\w)(?!\s+(?:\d|prochain|dernier|passé))",
         _resolve_weekday),
        (rf"(?<!\w)il\s+y\s+a\s+{num}\s+(?P<unit>ans|décennies)(?!\w)", _resolve_years_ago),
        (rf"(?<!\w)(?:les\s+)?{num}\s+(?P<unit>ans|décennies)(?=\s+(?:du|de|des|d['’]))", anniversary),
        (rf"(?<![\w.,])(?P<n>\d{{1,3}}(?:e|è|ème|eme|ième)|{numbers})\s+anniversaire\b", anniversary),
        (rf"(?<!\w)depuis\s+{num}\s+(?P<unit>ans|décennies)(?!\w)", anniversary),
        (rf"(?<!\w)(?:fête|fêtent|fêtera|fêteront|souffle|soufflent)\s+(?:ses|leurs)\s+(?P<d>{num}\s+(?P<unit>ans))(?!\w)",
         anniversary),
    ]


@cache
def _rules(lang: str) -> tuple[tuple[re.Pattern, _Resolver, re.Pattern | None], ...]:
    """(pattern, resolver, what every match holds or None) per rule: a year (_YEAR) or a digit (_DIGIT), which
    the month names that prefilter most rules do not say; a text without it skips the rule."""
    return tuple((re.compile(pattern, re.I | re.M), resolve, re.compile(holds[0]) if holds else None)
                 for pattern, resolve, *holds in _numeric_rules(lang) + _language_rules(lang))


@cache
def _prefilter(lang: str) -> Prefilter:
    """Most texts hold none of the words a rule needs (a month name, 'anniversary', 'seit'), nor a year:
    skipping those rules makes the stage ~2x faster."""
    return Prefilter([pattern for pattern, _, _ in _rules(lang)])


_HAS_YEAR = re.compile(_YEAR)


def has_year(text: str) -> bool:
    """Whether `text` holds a year (1900-2100): every rule marked _YEAR needs one."""
    return _HAS_YEAR.search(text) is not None


# ---------------------------------------------------------------- public API

_ISO = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?")


def _parse_iso(value: str) -> tuple[date, str] | None:
    m = _ISO.fullmatch(value.strip())
    if not m or not 1900 <= int(m["year"]) <= 2100:
        return None
    precision = "day" if m["day"] else "month" if m["month"] else "year"
    try:
        return date(int(m["year"]), int(m["month"] or 1), int(m["day"] or 1)), precision
    except ValueError:
        return None


def _anchor(published: str | None) -> _Anchor | None:
    if published is None:
        return None
    parsed = _parse_iso(published)
    if parsed is None:
        raise ValueError(f"published must be an ISO date cut to its precision (2021-01-04, 2021-01, 2021), "
                         f"got {published!r}")
    start, precision = parsed
    if precision == "year":
        return _Anchor(date(start.year, 12, 31), precision)
    if precision == "month":
        return _Anchor(start.replace(day=calendar.monthrange(start.year, start.month)[1]), precision)
    return _Anchor(start, precision)


def find_dates(text: str, lang: str, published: str | None = None,
               spans: Sequence[tuple[int, int]] | None = None) -> list[DateMatch]:
    """Every date expression in `text` (en, de or fr; other languages give []), sorted and non-overlapping.

    Where candidates overlap the longest wins. `published` (ISO, possibly cut to month or
    year) resolves relative expressions; it stands for the last day of its period. `spans`, the
    text's sentences, limit the reading to them: a rule is then tried only on the sentences that
    hold its words (a third less time than on a whole paragraph), and no date spans two sentences.
    """
    if lang not in LANGUAGES:
        return []
    anchor = _anchor(published)
    found = []
    rules = _rules(lang)
    for start, end in spans if spans is not None else ((0, len(text)),):
        chunk, held = text[start:end], {}  # per `holds` pattern of the rules, whether the sentence has it
        for i in _prefilter(lang).candidates(chunk):
            pattern, resolve, holds = rules[i]
            if holds is not None:
                if holds not in held:
                    held[holds] = holds.search(chunk) is not None
                if not held[holds]:
                    continue
            for m in pattern.finditer(text, start, end):
                value = resolve(m, anchor)
                if value is None or not 1900 <= value[0].year <= 2100:
                    continue
                s, e = m.span("d") if "d" in pattern.groupindex else m.span()
                day, precision, kind = value
                iso = day.isoformat()[:_ISO_LENGTH[precision]]
                found.append(DateMatch(s, e, text[s:e], iso, precision, kind))
    kept: list[DateMatch] = []
    for match in sorted(found, key=lambda d: (d.start - d.end, d.start)):
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda d: d.start)


def parse_date(value: str, lang: str | None = None) -> tuple[str, str] | None:
    """(iso, precision) of the first absolute date in a short string such as a header line, else None.

    ISO forms (2021-01-04 16:14, 2018-09, 1995) are read first; then the date rules of `lang`,
    or of en, de and fr in turn when `lang` is None.
    """
    parsed = _parse_iso(value)
    if parsed:
        day, precision = parsed
        return day.isoformat()[:_ISO_LENGTH[precision]], precision
    for code in (lang,) if lang else LANGUAGES:
        for match in find_dates(value, code):
            return match.iso, match.precision
    return None
