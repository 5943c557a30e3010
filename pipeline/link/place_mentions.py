"""Stage 5: sentences and NER spans -> place mentions linked to the gazetteer, and the places a
document is about. A name the NER did not tag as a location needs context to count as a place."""
from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections import Counter

from ..annotate import Annotation
from ..records import PlaceSpan
from ..triggers import find_triggers
from .unlisted import find_unlisted, in_compound, seat_of, seat_region

_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_PARTICLES = {"de", "du", "des", "von", "van", "of", "aus", "from"}  # "de Metz" tagged as a person is the city
_FEATURE_AFTER = re.compile(
    r"[\s-]+(River|Fluss|Lake|See|Sea|Mountains?|Gebirge|Street|Straße|Square|Platz|Road|Avenue|Bridge|"
    r"Brücke|Cathedral|Garden|Gardens|Ufer|rivière|fleuve|Valley|Tal|Bay|Island|Insel)\b")
# its country after a place: "Cegled, Hungary", "Kortrijk in Belgium", "Tibériade<TAB>Israël", "Sevan (Arménie)"
_COUNTRY_AFTER = re.compile(r"(?:\s*[,\t(]|\s+(?:in|en|au|aux)\s+(?:the\s+)?)\s*"
                            r"([A-ZÄÖÜÉ][\w'-]+(?: [A-ZÄÖÜÉ][\w'-]+)?)")
# "dem niederländischen Roermond", "der japanischen Hafenstadt Naruto": a country's adjective
_WORD_BEFORE = re.compile(r"([^\W\d_][\w-]*)\s+(?:[A-ZÄÖÜ][a-zäöüß]+stadt\s+)?$")
# "die Salzstadt an der Ilmenau", "eine Stadt am Main": the river a town lies on
_RIVER_BEFORE = re.compile(r"\b(?:[A-ZÄÖÜ][a-zäöüß]*stadt|Stadt|Gemeinde|Metropole)\s+(?:an der|am)\s+$")
_ARTICLE_BEFORE = re.compile(r"\b(?:ein|eine|einen|einem|einer|eines|der|die|das|den|dem|des)\s+$")
_CELL_BREAK = re.compile(r"[\t\n]")
_WORD_CHAR = re.compile(r"[\w-]")  # beside a name, one that goes on: "Rendsburg-Eckernförde", "Lingener"
_POSSESSIVE = re.compile(r"['’]s\b")
_GENITIVE = re.compile(r"\b([A-ZÄÖÜ][\wäöüß-]{3,})s\b")
_LISTED_YEAR = re.compile(r"\s*\((seit |since |depuis |en |in )?\d{4}\)")  # "Kirkcaldy (seit 1962)"
_NAMED_CITY = re.compile(r"\b(?i:ville|city|town|stadt|commune|municipality|gemeinde)\s+(?:de\s+|d['’]|of\s+)?"
                         r"([A-ZÄÖÜÉ][\w'’-]+(?:[ -][A-ZÄÖÜÉ][\w'’-]+)*)")
# a lower-case kind word picks the district reading of a name: "le district de Wuzhong", "the district of X"
_NAMED_DISTRICT = re.compile(r"(?<!\bun )(?<!\ba )\b"
                             r"(?:district|county|borough|prefecture|arrondissement|comté|préfecture)\s+"
                             r"(?:of\s+(?:the\s+)?|de\s+(?:la\s+|l['’])?|du\s+|d['’])?"
                             r"[A-ZÄÖÜÉ][\w'’-]+(?:[ -][A-ZÄÖÜÉ][\w'’-]+)*")
_PARTNER_WORD_BEFORE = re.compile(  # also across a short qualifier before a colon: "partnerships, all in Europe: with"
    r"(partner\w*|sister cities|twin towns?|twinned with|jumel\w*|Partnerst[aä]dt\w*|Partnerschaft\w*|"
    r"\w*freundschaft\w*|friendship\w*|amitié|\w*vertrag|agreement|accord)(?:[^.:;\n]{0,25}:)?\s*:?\s*"
    r"((with|mit|avec)\s+)?((the|die|der|dem|den|le|la|l['’])\s*)?([a-zäöüéè-]+\s+)?$", re.IGNORECASE)
_LIST_GAP = re.compile(  # "Bourges und Inverness", "Sopot (1995), Tartu", "Sopot since 1995, and with Tartu",
    # "Amagasaki since 1959; Bourges", "Hackensack im US-Bundesstaat New Jersey, Cagnes-sur-Mer",
    # "Königswinter, en Rhénanie (1989), avec Valdepeñas"
    r"(,?\s*(\([^)]*\)|(since|seit|depuis|in|en)\s+\d{4}|(in|in the|on the|im|in der|an der|am|en|au|aux|dans l[ea]|"
    r"près de)\s+[\w'’. -]{2,40}?)){0,2}\s*(,\s*(and|und|et|sowie)?|;|and|und|et|sowie)\s*"
    r"((with|mit|avec)\s+)?((the|die|der|dem|den|le|la|l['’])\s*)?([a-zäöüéè-]+\s+)?")
# a person's title or a verb of saying before a name: "Mr Keighley", "Mayor Lincoln", "said Roth"
_PERSON_CUE_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|Herr|Frau|M|Mme|mayor|Mayor|Bürgermeister\w*|"
                                r"Oberbürgermeister\w*|maire|President|Präsident\w*|président\w*|said|sagte|a déclaré)\.?\s+$")
_PLACE_PREPOSITION = re.compile(r"\b(in|to|from|near|between|and|with|à|en|entre|et|avec|nach|aus|bei|zwischen|und|mit)\s+$")
# where a text was written, before its date, at a line's start or after a label: "Mürzzuschlag, 16. Oktober 2018",
# "Communiqué de presse | TROYES, le 14 juin 2016", "Kotka, Finland, 12 May 2019"
_DATELINE_PLACE = re.compile(
    r"^(?:[^\n,]{0,40}?\s[·|:–—-]\s*)?([A-ZÄÖÜÉ][\w'’-]+(?:[ -][A-ZÄÖÜÉ][\w'’-]+){0,2}),\s+"
    r"(?:[A-Z][a-z]+,\s+)?(?:(?:den|le|am)\s+)?(?:\d{1,2}\.?\s*(?:[^\W\d_]{3,}\.?|\d{1,2}\.)\s*\d{2,4}|"
    r"[A-Z][a-z]{2,}\.? \d{1,2}, \d{4})", re.MULTILINE)
MIN_UNTAGGED_POPULATION = 100_000
HOME_WEIGHT = 2
# The countries a language's own place names point to, between homonyms ("Brest" in French is the French one);
# English is written about places everywhere.
HOME_COUNTRIES = {"de": ("DE", "AT", "CH"), "fr": ("FR", "BE", "CH", "LU")}
# A city's own government signs for it: the place in "City of Edinburgh Council" is a party.
_GOVERNMENT = re.compile(
    r"\b(council|government|municipality|municipal|city hall|mayor|city of|rathaus|stadtrat|stadtverwaltung|"
    r"regierung|senat|stadt|mairie|conseil|gouvernement|ville de|métropole)\b", re.IGNORECASE)



def link_places(text: str, ann: Annotation, gazetteer, triggers, companies=()) -> list[PlaceSpan]:
    """Places named in analysed sentences: NER locations plus gazetteer names the NER missed, each
    resolved with the countries named in the same sentence as context.

    A name the NER did not tag as a location (untagged, or tagged as a person or organisation, as
    small English models do with "Edinburgh") must be a region, a city of some size, or be followed
    by its country ("Cegled, Hungary"): small towns called "Summit" or "Area" are words, not places.
    `triggers` are the sentences' relation words (`triggers.sentence_triggers`)."""
    sentences = ann.sentences
    starts = [s.start for s in sentences]
    countries: dict[int, set[str]] = {}  # per sentence, the countries it names; read when a name needs them

    def countries_in(i: int) -> set[str]:
        """The countries sentence i names, also by a region of theirs ("Brest in Brittany")."""
        if i not in countries:
            sent = sentences[i]
            countries[i] = set(filter(None, map(gazetteer.country_named, _WORDS.findall(text[sent.start:sent.end]))))
        return countries[i]

    @functools.cache
    def lower_words() -> frozenset[str]:
        """The document's lower-case words: a name it also writes as a word ("city council") names no town."""
        return frozenset(w for w in _WORDS.findall(text) if w.islower())

    def sentence_at(pos: int) -> int | None:
        i = bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < sentences[i].end else None

    def language_at(pos: int) -> str:
        i = sentence_at(pos)
        return "en" if i is None else sentences[i].language

    # an entity across table cells, or one holding a relation word ("Hefeis Partnerstädten"), is noise
    others = [(e.start, e.end, e.label) for e in ann.entities if e.label in ("ORG", "PER", "MISC", "NORP", "FAC")
              and not _CELL_BREAK.search(text, e.start, e.end) and not find_triggers(e.text, language_at(e.start))]
    others += [(s, e, "ORG") for s, e in companies]
    candidates: dict[tuple[int, int], str | None] = {}
    for e in ann.entities:
        if e.label == "LOC":
            candidates[(e.start, e.end)] = "LOC"
    # a name the NER tags as a location once, or that dates the text, is one wherever the document names it
    # ("Lingen", "Bourgoin-Jallieu", "Presseaussendung · Mürzzuschlag, 16. Oktober 2018")
    located = {e.text for e in ann.entities if e.label == "LOC"} | {m[1].title() if m[1].isupper() else m[1]
                                                                  for m in _DATELINE_PLACE.finditer(text)}
    located |= _cities_read_as_persons(text, ann.entities, gazetteer)
    for name in {name for name in located if not gazetteer.needs_context(name)}:
        for i in _occurrences(text, name):
            before, after = text[i - 1:i], text[i + len(name):i + len(name) + 1]
            if not (_WORD_CHAR.match(before) or _WORD_CHAR.match(after)):  # not in "Rendsburg-Eckernförde"
                candidates.setdefault((i, i + len(name)), "LOC")
    for sent in sentences:
        masked = _POSSESSIVE.sub("  ", text[sent.start:sent.end])  # "Edinburgh's" -> "Edinburgh  "
        if sent.language == "de":  # genitive "Duisburgs Partnerstadt" -> "Duisburg  Partnerstadt", not "Invernes s"
            masked = _GENITIVE.sub(lambda m: m.group(1) + " " if gazetteer.resolve(m.group(1))
                                   and not gazetteer.resolve(m.group()) else m.group(), masked)
        for s, e, _ in gazetteer.scan(masked):
            candidates.setdefault((sent.start + s, sent.start + e), None)
        for m in _NAMED_CITY.finditer(text, sent.start, sent.end):  # "la Ville de Tours", "die Stadt Essen"
            candidates[m.span(1)] = "LOC"
        for m in _NAMED_DISTRICT.finditer(text, sent.start, sent.end):
            candidates[m.span()] = "LOC"
    found: list[PlaceSpan] = []
    country_end = 0  # the end of the last country named: "Republic of Korea" holds no town "Republic"
    for (start, end), label in sorted(candidates.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        country_end = max(country_end, _country_name_end(text, start, gazetteer))
        if start < country_end:
            continue
        if any(os_ <= start and end <= oe and (oe - os_) > (end - start) and not _GOVERNMENT.search(text, os_, oe)
               and _has_other_words(text[os_:start] + " " + text[end:oe], gazetteer) for os_, oe, _ in others) \
                and not _LISTED_YEAR.match(text, end):
            continue  # part of an organisation's or a person's name (a city's own council still names it);
            # "Suivront Södertälje (1970)": a list item with its year is a place whatever the tagger joined it to
        if found and start < found[-1].end:
            continue  # overlaps the last place found (candidates come by start, so found spans are in order)
        if _FEATURE_AFTER.match(text, end) or _RIVER_BEFORE.search(text, max(0, start - 40), start) \
                or in_compound(text, start, end, gazetteer):
            continue  # "the Somme River", "Rhein-Ufer", "die Salzstadt an der Ilmenau", "Charlottenburg-Wilmersdorf"
        i = sentence_at(start)
        near = set() if i is None else countries_in(i)
        word_too = label != "LOC" and gazetteer.needs_context(text[start:end])  # "Essen<TAB>Allemagne"
        place = _resolve(gazetteer, text[start:end], near, "LOC" if word_too else label, language_at(start),
                         lower_words)
        if place is not None and place.kind == "country":
            country_end = end
        if place is None or place.kind == "country":
            continue
        if label is None and language_at(start) == "de" and _ARTICLE_BEFORE.search(text, max(0, start - 8), start) \
                and not gazetteer.is_own_name(text[start:end], place):
            continue  # "einen Passus": a German noun after its article, not El Paso by another name
        seat = place.kind == "city" and seat_of(text, start, end)
        if seat:  # "Landkreis Freising": the kind word makes even a small town's name a place
            place = seat_region(*seat, place)
        elif label != "LOC" and (word_too or place.kind == "city" and (place.population or 0) < MIN_UNTAGGED_POPULATION) \
                and not _is_listed_place(text, start, end, found, gazetteer, place):
            continue
        found.append(PlaceSpan(start, end, place))
    found += find_unlisted(text, sentences, triggers, found, ann.entities, companies, gazetteer)
    return _one_sense(text, sorted(found, key=lambda p: p.start), gazetteer)


_WORDS_AFTER = re.compile(r"[\w'’-]+(?:\s+[\w'’-]+){1,3}")


def _country_name_end(text: str, start: int, gazetteer) -> int:
    """The end of a country's name of two to four words that starts at `start` ("Republic of Korea", "Czech
    Republic"), which the NER may leave untagged; else 0."""
    m = _WORDS_AFTER.match(text, start)
    words = list(_WORDS.finditer(text, start, m.end())) if m else []
    for n in range(len(words), 1, -1):
        if gazetteer.country_code(" ".join(w.group() for w in words[:n])):
            return words[n - 1].end()
    return 0


def _cities_read_as_persons(text: str, entities, gazetteer) -> set[str]:
    """Names of cities the NER tags as persons, as small models do with towns ("Cirencester is twinned with"):
    one word, a city's own name, after a preposition at least once ("between Cirencester and Yichun"), never
    part of a longer person's name ("Claudia Roth") nor after a title ("Mayor Lincoln")."""
    persons = [e.text for e in entities if e.label == "PER"]
    surnames = {word for name in persons if " " in name for word in name.split()}
    found = set()
    for name in {name for name in persons if " " not in name and name not in surnames}:
        place = gazetteer.resolve(name, ner_label="LOC")
        if place is None or place.kind != "city" or not gazetteer.is_own_name(name, place):
            continue
        before = [text[max(0, i - 25):i] for i in _occurrences(text, name)]
        if any(_PLACE_PREPOSITION.search(b) for b in before) and not any(_PERSON_CUE_BEFORE.search(b) for b in before):
            found.add(name)
    return found


def _one_sense(text: str, found: list[PlaceSpan], gazetteer) -> list[PlaceSpan]:
    """A name means the same place throughout a document: "Hanyang" after "Wuhan's Hanyang District" is
    that district, not Seoul, of which it is an old name."""
    counts = Counter(p.place.place_id for p in found)
    first: dict[str, PlaceSpan] = {}
    for span in found:
        first.setdefault(span.place.place_id, span)
    kept = []
    for span in found:
        name = text[span.start:span.end]
        rivals = [first[pid] for pid in gazetteer.ids(name) if pid in counts and pid != span.place.place_id]
        if counts[span.place.place_id] == 1 and rivals:  # another place of this document has this name too:
            # the sense it was named in first ("Gloucester (Royaume-Uni)", then "Trèves et Gloucester")
            earliest = min(rivals, key=lambda p: p.start)
            if earliest.start < first[span.place.place_id].start or counts[earliest.place.place_id] > 1:
                span = PlaceSpan(span.start, span.end, earliest.place)
        kept.append(span)
    return kept


def _is_listed_place(text: str, start: int, end: int, found: list[PlaceSpan], gazetteer, place) -> bool:
    """Context that makes a small town's name a place: its country after it ("Cegled, Hungary") or
    its country's adjective before it ("dem niederländischen Roermond"), a year in parentheses
    ("Kirkcaldy (seit 1962)"), a partner word before it ("Partnerstädten Bourges"), or a place it is
    listed with ("Bourges und Inverness")."""
    country = _COUNTRY_AFTER.match(text, end)
    if country and gazetteer.country_code(country.group(1)) == place.country:
        return True
    adjective = _WORD_BEFORE.search(text, max(0, start - 45), start)
    if adjective and gazetteer.country_code(adjective.group(1)) == place.country:
        return True
    if _LISTED_YEAR.match(text, end) or _PARTNER_WORD_BEFORE.search(text[max(0, start - 45):start]):
        return True
    previous = found[-1] if found else None
    return previous is not None and 0 <= start - previous.end <= 60 \
        and _LIST_GAP.fullmatch(text[previous.end:start]) is not None


def _has_other_words(rest: str, gazetteer) -> bool:
    """Whether an entity holds more than a place, its country and a preposition ("Windsor, Canada" is no
    organisation, "de Metz" no person)."""
    return any(len(w) > 1 and w not in _PARTICLES and gazetteer.country_code(w) is None for w in _WORDS.findall(rest))


_APOSTROPHE_END = re.compile(r"['’]s?$")


def _resolve(gazetteer, name: str, near, label, lang: str, lower_words):
    name = _APOSTROPHE_END.sub("", name.strip())
    home = HOME_COUNTRIES.get(lang, ())
    place = gazetteer.resolve(name, near_countries=sorted(near), ner_label=label, home_countries=home)
    if place is None and len(name) > 4 and name.endswith(("s", "er")):  # German "Düsseldorfs", "Duisburger"
        stem = name[:-1] if name.endswith("s") else name[:-2]
        place = gazetteer.resolve(stem, near_countries=sorted(near), ner_label="LOC", home_countries=home)
        if place is not None and (place.kind != "city" or (place.population or 0) < 100_000):
            place = None
    if place is None and label == "LOC" and name.lower() not in lower_words():
        place = gazetteer.town(name, near_countries=sorted(near), home_countries=home)  # "Le Raincy", tagged
    return place


def main_places(doc, places: list[PlaceSpan]) -> list:
    """The cities a document is about, most central first: named most often in any form (also "Nürnberger",
    "Duisburgs", "Hamburg's"), a mention in the title counting three times, and one of a city of the countries
    the text's language is spoken in HOME_WEIGHT times (a German text about Qingdao mostly comes from its German
    partner)."""
    title_end = doc.paragraphs[0].end if doc.paragraphs else 0
    forms: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for p in places:
        if p.place.kind in ("city", "district", "county"):
            forms.setdefault(p.place.place_id, set()).add(doc.text[p.start:p.end])
            first.setdefault(p.place.place_id, p.start)
    counts = {pid: sum(3 if start < title_end else 1 for start in _mentions(doc.text, names))
              for pid, names in forms.items()}
    by_id = {p.place.place_id: p.place for p in places}
    home = HOME_COUNTRIES.get(doc.language, ())
    weight = {pid: HOME_WEIGHT if by_id[pid].country in home else 1 for pid in counts}
    return [by_id[pid] for pid in sorted(counts, key=lambda pid: (-counts[pid] * weight[pid], first[pid]))]


def _mentions(text: str, names: set[str]) -> list[int]:
    """Starts of the non-overlapping mentions of any of the names, also inflected ("Nürnberger"), as
    `finditer` would find them; the regex is only tried where a name occurs (`str.find` is far faster
    than a regex that opens with `\\b`)."""
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")(?:s|er|ern|['’]s)?\b")
    candidates = sorted({i for name in names for i in _occurrences(text, name)})
    starts, end = [], 0
    for i in candidates:
        m = pattern.match(text, i) if i >= end else None
        if m:
            starts.append(i)
            end = m.end()
    return starts


def _occurrences(text: str, word: str):
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)
