"""Tests for pipeline.link.dates: date expressions in en/de/fr to ISO strings cut to their precision."""
from collections import Counter
from pathlib import Path

import pytest

from pipeline.link.dates import DateMatch, _rules, find_dates, parse_date
from pipeline.literals import Prefilter, needles

SEEDS = Path("/work/shared/seeds")


def spans(text: str, lang: str, published: str | None = None) -> list[tuple[str, str, str]]:
    return [(m.text, m.iso, m.precision) for m in find_dates(text, lang, published)]


EN = [
    ("On May 9, 2018, the cities signed.", None, [("May 9, 2018", "2018-05-09", "day")]),
    ("signed on 9 May 2018 in Amiens", None, [("9 May 2018", "2018-05-09", "day")]),
    ("on the 9th of May, 2018", None, [("9th of May, 2018", "2018-05-09", "day")]),
    ("Tuesday, May 8, 2018", None, [("Tuesday, May 8, 2018", "2018-05-08", "day")]),
    ("On October 19 ~ 23, 2018, Amiens sent", None, [("October 19 ~ 23, 2018", "2018-10-19", "day")]),
    ("October 19-23, 2018", None, [("October 19-23, 2018", "2018-10-19", "day")]),
    ("from 19 to 23 October 2018", None, [("19 to 23 October 2018", "2018-10-19", "day")]),
    ("October 30 - November 2, 2018", None, [("October 30 - November 2, 2018", "2018-10-30", "day")]),
    ("Sept. 28, 2018", None, [("Sept. 28, 2018", "2018-09-28", "day")]),
    ("Jan. 5, 2020", None, [("Jan. 5, 2020", "2020-01-05", "day")]),
    ("In mid-May 2018, the vice mayor came", None, [("mid-May 2018", "2018-05", "month")]),
    ("in early June 2019", None, [("early June 2019", "2019-06", "month")]),
    ("by late 2017 the plan", None, [("late 2017", "2017", "year")]),
    ("at the end of May 2018", None, [("the end of May 2018", "2018-05", "month")]),
    ("in the spring of 2012", None, [("the spring of 2012", "2012", "year")]),
    ("in March 2011 the line opened", None, [("March 2011", "2011-03", "month")]),
    ("twinned in 1982.", None, [("1982", "1982", "year")]),
    ("partners since 1986", None, [("1986", "1986", "year")]),
    ("from 1982 to 1990", None, [("1982 to 1990", "1982", "year")]),
    ("Source: X | 2021-01-04 16:14", None, [("2021-01-04", "2021-01-04", "day")]),
    ("published 2021/01/04", None, [("2021/01/04", "2021-01-04", "day")]),
    ("on 13/01/2021", None, [("13/01/2021", "2021-01-13", "day")]),
    ("on 01/13/2021", None, [("01/13/2021", "2021-01-13", "day")]),
    ("on 04/01/2021", None, []),  # ambiguous: 4 January or April 1
    ("on 14.02.2020", None, [("14.02.2020", "2020-02-14", "day")]),
    ("Duisburg (1982)", None, [("1982", "1982", "year")]),
    ("Duisburg\tGermany\t1982\n", None, [("1982", "1982", "year")]),
    ("From October 7th to 15th, a delegation", "2024-10-23", [("October 7th to 15th", "2024-10-07", "day")]),
    ("the visit on December 20", "2024-01-05", [("December 20", "2023-12-20", "day")]),
    ("In May, the mayor visited", "2021-01-04", [("May", "2020-05", "month")]),
    ("signed yesterday", "2021-01-04", [("yesterday", "2021-01-03", "day")]),
    ("signed the day before yesterday", "2021-01-04", [("the day before yesterday", "2021-01-02", "day")]),
    ("signed last Tuesday", "2021-01-07", [("last Tuesday", "2021-01-05", "day")]),
    ("signed last Tuesday", "2021-01-05", [("last Tuesday", "2020-12-29", "day")]),
    ("signed on Tuesday", "2021-01-05", [("Tuesday", "2021-01-05", "day")]),
    ("met this week", "2021-01-04", [("this week", "2021-01", "month")]),
    ("met last week", "2021-01-04", [("last week", "2020-12", "month")]),
    ("met last month", "2021-01-04", [("last month", "2020-12", "month")]),
    ("signed last year", "2021-01-04", [("last year", "2020", "year")]),
    ("signed last year", "2021", [("last year", "2020", "year")]),
    ("signed yesterday", "2021-03", [("yesterday", "2021-03", "month")]),
    ("two years ago the cities met", "2021-01-04", [("two years ago", "2019", "year")]),
    ("the 20th anniversary of the twinning", "2021-01-04", [("the 20th anniversary", "2001", "year")]),
    ("the twentieth anniversary of the sister-city relationship", "2021-01-04",
     [("the twentieth anniversary", "2001", "year")]),
    ("celebrate 20 years of partnership", "2018-05-01", [("20 years", "1998", "year")]),
    ("two decades of friendship between the cities", "2024-07-22", [("two decades", "2004", "year")]),
    ("their 25-year sister city relationship", "2020-06-01", [("25-year sister city", "1995", "year")]),
    ("the twinning was sealed after two years of talks", "2014-03-27", []),
    ("CENTRAL GERMANY TODAY", "2014-03-27", []),
    ("signed yesterday", None, []),  # relative without published: skipped, never today's date
    ("the 20th anniversary of the twinning", None, []),
]

DE = [
    ("die am 22. Juli 2004 als Partnerstädte gegründet wurden", None, [("22. Juli 2004", "2004-07-22", "day")]),
    ("22. Juli 2004", None, [("22. Juli 2004", "2004-07-22", "day")]),
    ("Dienstag, 22. Juli 2004", None, [("Dienstag, 22. Juli 2004", "2004-07-22", "day")]),
    ("am 14.02.2020 unterzeichnet", None, [("14.02.2020", "2020-02-14", "day")]),
    ("am 14.2.2020", None, [("14.2.2020", "2020-02-14", "day")]),
    ("am 14/02/2020", None, [("14/02/2020", "2020-02-14", "day")]),
    ("5. Mai 2021", None, [("5. Mai 2021", "2021-05-05", "day")]),
    ("am 3. Mrz. 2021", None, [("3. Mrz. 2021", "2021-03-03", "day")]),
    ("vom 19. bis 23. Oktober 2018", None, [("19. bis 23. Oktober 2018", "2018-10-19", "day")]),
    ("19.-23. Oktober 2018", None, [("19.-23. Oktober 2018", "2018-10-19", "day")]),
    ("die Einweihung im März 2011", None, [("März 2011", "2011-03", "month")]),
    ("Im November 2014 erhielt Düsseldorf", None, [("November 2014", "2014-11", "month")]),
    ("im Frühjahr 2012", None, [("Frühjahr 2012", "2012", "year")]),
    ("Mitte Mai 2018", None, [("Mitte Mai 2018", "2018-05", "month")]),
    ("Anfang 2019", None, [("Anfang 2019", "2019", "year")]),
    ("Ende des Jahres 2019", None, [("Ende des Jahres 2019", "2019", "year")]),
    ("seit 1982 Partnerstädte", None, [("1982", "1982", "year")]),
    ("im Jahr 1995", None, [("1995", "1995", "year")]),
    ("Schon 1991 unterschrieb Kiel", None, [("1991", "1991", "year")]),
    ("Tartu folgte 1996, Sopot kamen beide 2001 hinzu", None,
     [("1996", "1996", "year"), ("2001", "2001", "year")]),
    ("von 1982 bis 1990", None, [("1982 bis 1990", "1982", "year")]),
    ("gestern unterzeichnet", "2021-01-04", [("gestern", "2021-01-03", "day")]),
    ("vorgestern unterzeichnet", "2021-01-04", [("vorgestern", "2021-01-02", "day")]),
    ("heute unterzeichnet", "2021-01-04", [("heute", "2021-01-04", "day")]),
    ("die mit Reims, die 1967 besiegelt wurde", None, [("1967", "1967", "year")]),
    ("das 1986 feierlich unterzeichnete Abkommen", None, [("1986", "1986", "year")]),
    ("letzten Dienstag", "2021-01-07", [("letzten Dienstag", "2021-01-05", "day")]),
    ("am vergangenen Freitag", "2021-01-07", [("vergangenen Freitag", "2021-01-01", "day")]),
    ("am gestrigen Dienstag", "2021-01-06", [("gestrigen Dienstag", "2021-01-05", "day")]),
    ("am Dienstag", "2021-01-05", [("Dienstag", "2021-01-05", "day")]),
    ("am Dienstagabend", "2021-01-07", [("Dienstagabend", "2021-01-05", "day")]),
    ("vergangene Woche", "2021-01-04", [("vergangene Woche", "2020-12", "month")]),
    ("im vergangenen Jahr", "2021-01-04", [("im vergangenen Jahr", "2020", "year")]),
    ("in diesem Jahr", "2024-07-22", [("in diesem Jahr", "2024", "year")]),
    ("am 9. Februar", "2021-01-04", [("9. Februar", "2020-02-09", "day")]),
    ("im Juli", "2021-09-01", [("Juli", "2021-07", "month")]),
    ("vor zwei Jahren", "2021-01-04", [("vor zwei Jahren", "2019", "year")]),
    ("feiern 20 Jahre Partnerschaft", "2024-07-22", [("20 Jahre Partnerschaft", "2004", "year")]),
    ("20 Jahre Städtepartnerschaft", "2024-07-22", [("20 Jahre Städtepartnerschaft", "2004", "year")]),
    ("feiern zwei Jahrzehnte Freundschaft", "2024-07-22", [("zwei Jahrzehnte Freundschaft", "2004", "year")]),
    ("das 30-jährige Jubiläum der Partnerschaft", "2018-01-01", [("30-jährige Jubiläum", "1988", "year")]),
    ("das dreißigjährige Bestehen der Städtepartnerschaft", "2018-01-01",
     [("dreißigjährige Bestehen", "1988", "year")]),
    ("den 25. Jahrestag der Städtepartnerschaft", "2018-01-01", [("25. Jahrestag", "1993", "year")]),
    ("sind seit 20 Jahren Partnerstädte", "2018-01-01", [("seit 20 Jahren", "1998", "year")]),
    ("seit über 20 Jahren Partnerstädte", "2018-01-01", []),  # not an exact number of years
    ("feiern 20 Jahre Partnerschaft", None, []),
]

FR = [
    ("signé le 9 février 2021", None, [("9 février 2021", "2021-02-09", "day")]),
    ("le 1er mars 2019", None, [("1er mars 2019", "2019-03-01", "day")]),
    ("mardi 9 février 2021", None, [("mardi 9 février 2021", "2021-02-09", "day")]),
    ("le 9 févr. 2021", None, [("9 févr. 2021", "2021-02-09", "day")]),
    ("du 19 au 23 octobre 2018", None, [("19 au 23 octobre 2018", "2018-10-19", "day")]),
    ("en mars 2011", None, [("mars 2011", "2011-03", "month")]),
    ("mi-mai 2018", None, [("mi-mai 2018", "2018-05", "month")]),
    ("début 2019", None, [("début 2019", "2019", "year")]),
    ("au printemps 2012", None, [("printemps 2012", "2012", "year")]),
    ("jumelées en 1988", None, [("1988", "1988", "year")]),
    ("depuis 1988", None, [("1988", "1988", "year")]),
    ("l'an 2000", None, [("2000", "2000", "year")]),
    ("de 1982 à 1990", None, [("1982 à 1990", "1982", "year")]),
    ("le 14/02/2020", None, [("14/02/2020", "2020-02-14", "day")]),
    ("le 9 février dernier", "2021-01-04", [("9 février dernier", "2020-02-09", "day")]),
    ("9 février dernier", "2021-03-01", [("9 février dernier", "2021-02-09", "day")]),
    ("le 9 mars prochain", "2021-03-01", [("9 mars prochain", "2021-03-09", "day")]),
    ("en mai dernier", "2021-01-04", [("mai dernier", "2020-05", "month")]),
    ("signé hier", "2021-01-04", [("hier", "2021-01-03", "day")]),
    ("signé avant-hier", "2021-01-04", [("avant-hier", "2021-01-02", "day")]),
    ("mardi dernier", "2021-01-07", [("mardi dernier", "2021-01-05", "day")]),
    ("la ville a signé mardi un accord", "2021-01-07", [("mardi", "2021-01-05", "day")]),  # as news write it
    ("les élus ont été reçus jeudi", "2021-01-07", [("jeudi", "2021-01-07", "day")]),
    ("un jeudi ensoleillé", "2021-01-07", []),
    ("la semaine dernière", "2021-01-04", [("la semaine dernière", "2020-12", "month")]),
    ("l’année dernière", "2021-01-04", [("l’année dernière", "2020", "year")]),
    ("il y a deux ans", "2021-01-04", [("il y a deux ans", "2019", "year")]),
    ("célèbrent les 30 ans du jumelage", "2018-06-01", [("les 30 ans", "1988", "year")]),
    ("le 30e anniversaire du jumelage", "2018-06-01", [("30e anniversaire", "1988", "year")]),
    ("le trentième anniversaire du jumelage", "2018-06-01", [("trentième anniversaire", "1988", "year")]),
    ("plus de 30 ans d'amitié", "2018-06-01", []),
    ("le jumelage signé après deux ans de négociations", "2018-06-01", []),
    ("les 30 ans du jumelage", None, []),
]


@pytest.mark.parametrize(("lang", "text", "published", "expected"),
                         [("en", *row) for row in EN] + [("de", *row) for row in DE] + [("fr", *row) for row in FR])
def test_dates_find_dates(lang, text, published, expected):
    assert spans(text, lang, published) == expected


NOT_DATES = [
    ("en", "Jinan has 85 sister cities and 300,000 people"),
    ("en", "more than 8,000 years of Peiligang culture"),
    ("en", "its 2-hour rail circle covers 90% of the population"),
    ("en", "about 1/7 of the world volume and 60% of the market"),
    ("en", "May I ask a question?"),
    ("en", "May the cities prosper."),
    ("en", "the march to the square"),
    ("en", "they will march on"),
    ("en", "covers 2018 square kilometres"),
    ("en", "in 1850 the town was founded"),  # outside 1900-2100
    ("en", "the 20th anniversary of the company"),  # no twinning word
    ("de", "Die Band Juli spielte"),
    ("de", "20 Jahre später kam er zurück"),
    ("de", "in den letzten Jahren"),
    ("de", "rund 2000 Besucher"),
    ("de", "zum Fest kamen bereits 2000 Gäste"),
    ("de", "rund 2000 Verträge geschlossen"),
    ("de", "Der Bürgermeister wird 60 Jahre alt."),  # no twinning word: an age
    ("fr", "Mars est une planète et 2000 habitants"),
]


@pytest.mark.parametrize(("lang", "text"), NOT_DATES)
def test_dates_ignore_numbers_and_words_that_are_not_dates(lang, text):
    assert find_dates(text, lang, "2021-01-04") == []


@pytest.mark.parametrize(("value", "lang", "expected"), [
    ("Apr 19, 2023", None, ("2023-04-19", "day")),
    ("Updated: Apr 19, 2023 english.jinan.gov.cn Print", "en", ("2023-04-19", "day")),
    ("19.04.2023", None, ("2023-04-19", "day")),
    ("2021-01-04 16:14", None, ("2021-01-04", "day")),
    ("2021-01-04T16:14:00+08:00", None, ("2021-01-04", "day")),
    ("2018-09", None, ("2018-09", "month")),
    ("1995", None, ("1995", "year")),
    ("3 mars 2022", "fr", ("2022-03-03", "day")),
    ("3 mars 2022", None, ("2022-03-03", "day")),
    ("5. Mai 2021", "de", ("2021-05-05", "day")),
    ("September 2018", "en", ("2018-09", "month")),
    ("04/01/2021", "en", None),
    ("04/01/2021", "fr", ("2021-01-04", "day")),
    ("85 sister cities", None, None),
    ("yesterday", "en", None),
    ("", None, None),
])
def test_dates_parse_date(value, lang, expected):
    assert parse_date(value, lang) == expected


def test_dates_other_languages_give_nothing():
    assert find_dates("May 9, 2018", "und", "2021-01-04") == []


def test_dates_bad_published_is_a_programmer_error():
    with pytest.raises(ValueError, match="published"):
        find_dates("yesterday", "en", "04.01.2021")


@pytest.mark.parametrize(("lang", "text", "count"), [
    ("en", "On May 9, 2018 and in mid-May 2018, since 1986, last week and the 20th anniversary of the twinning.", 5),
    ("de", "Am 22. Juli 2004, im März 2011, gestern und 20 Jahre Partnerschaft.", 4),
    ("fr", "Le 9 février dernier, en mars 2011, hier et les 30 ans du jumelage.", 4),
])
def test_dates_matches_are_sorted_non_overlapping_and_point_into_text(lang, text, count):
    found = find_dates(text, lang, "2021-01-04")
    assert len(found) == count
    assert all(text[m.start:m.end] == m.text for m in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_dates_read_only_the_spans_given():
    text = "Signed on 9 May 2018. Mayors met in 2019. Renewed on 3 March 2023, in Bonn."
    assert [m.text for m in find_dates(text, "en")] == ["9 May 2018", "2019", "3 March 2023"]
    found = find_dates(text, "en", spans=[(0, 20), (text.index("Renewed"), len(text))])
    assert [(m.text, m.start) for m in found] == [("9 May 2018", 10), ("3 March 2023", text.index("3 March"))]
    assert find_dates(text, "en", spans=[]) == []


def test_dates_match_is_frozen():
    match = find_dates("May 9, 2018", "en")[0]
    assert isinstance(match, DateMatch) and match.kind == "absolute"
    with pytest.raises(AttributeError):
        match.iso = "2000"


def test_dates_kinds():
    found = find_dates("On October 19 ~ 23, 2018, yesterday, the 20th anniversary of the twinning, 1995 (1995)",
                       "en", "2021-01-04")
    assert [m.kind for m in found] == ["range", "relative", "anniversary", "absolute"]


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*")).read_text(encoding="utf-8")


@pytest.mark.skipif(not SEEDS.exists(), reason="seed documents not available")
@pytest.mark.parametrize(("prefix", "lang", "published", "expected"), [
    ("000", "en", "2021-01-04", {("May 9, 2018", "2018-05-09"), ("mid-May 2018", "2018-05"),
                                 ("September 28, 2018", "2018-09-28"), ("October 19 ~ 23, 2018", "2018-10-19"),
                                 ("March 22, 2019", "2019-03-22")}),
    ("001", "de", None, {("22. Juli 2004", "2004-07-22"), ("März 2011", "2011-03"), ("November 2014", "2014-11")}),
    ("004", "en", "2023-04-19", {("Apr 19, 2023", "2023-04-19")}),
])
def test_dates_seed_dates(prefix, lang, published, expected):
    found = {(m.text, m.iso) for m in find_dates(seed(prefix), lang, published)}
    assert expected <= found


@pytest.mark.skipif(not SEEDS.exists(), reason="seed documents not available")
def test_dates_seed_profile_numbers_are_not_dates():
    assert find_dates(seed("003"), "en", "2021-01-04") == []


@pytest.mark.skipif(not SEEDS.exists(), reason="seed documents not available")
@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_dates_every_match_holds_what_its_rule_is_skipped_without(lang):
    """A rule is skipped for a text without one of its needles, or without the year or digit it needs."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [text for table in (EN, DE, FR) for text, *_ in table]
    rules = _rules(lang)
    needs = Counter(holds.pattern for _, _, holds in rules if holds is not None)
    assert needs[r"(?:19\d\d|20\d\d|2100)"] >= 8 and needs["[0-9]"] >= 2
    assert sum(needles(pattern) is not None for pattern, _, _ in rules) >= len(rules) - 1
    matches = [(m, holds) for pattern, _, holds in rules for text in texts for m in pattern.finditer(text)]
    assert len(matches) >= 20 and sum(holds is not None and holds.pattern == "[0-9]" for _, holds in matches) >= 5
    assert not [m.group() for m, holds in matches if holds is not None and not holds.search(m.group())]
    assert not [m.group() for m, _ in matches if not Prefilter([m.re]).candidates(m.group())]


@pytest.mark.parametrize(("lang", "text"), [("en", "next year"), ("de", "im kommenden Jahr"),
                                            ("fr", "en novembre prochain")])
def test_dates_future_expressions_are_marked_future(lang, text):
    assert [m.kind for m in find_dates(text, lang, "2021-01-04")] == ["future"]


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("de", "Die Städtepartnerschaft zwischen Essen und Changzhou wird 30 Jahre alt.", ("30 Jahre alt", "1994")),
    ("en", "The twinning of Leeds and Dortmund turns 55 this year.", ("55", "1969")),
    ("fr", "Le jumelage entre Rennes et Jinan fête ses 30 ans.", ("30 ans", "1994")),
])
def test_dates_a_partnership_turning_n_years_old_is_an_anniversary(lang, text, expected):
    found = [(d.text, d.iso) for d in find_dates(text, lang, "2024-05-14") if d.kind == "anniversary"]
    assert found == [expected]
