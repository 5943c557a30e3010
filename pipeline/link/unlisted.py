"""Places the gazetteer lacks: districts and small towns (under 15,000 people) named where only a
place can stand. They get a local id ("local:bad-godesberg") and no coordinates.

A name is such a place
- after or before a kind word: "Landkreis Altötting", "the district of Bad Godesberg", "der
  Istanbuler Stadtbezirk Beşiktaş", "the Rems-Murr District";
- as an item of a list of known places in a sentence with a relation word, when it carries what a
  place carries: its year ("Murska Sobota (seit 1987)"), its country's adjective ("dem englischen
  Thurrock"), the city it lies in ("Hammersmith and Fulham à Londres") or an NER location tag.
Its country comes from that adjective or city, else stays unknown. Its other mentions count where
the NER tags them as locations. A kind word before or after a town's name ("Landkreis Freising",
"Province of Prato") names the region around the town (`seat_of`, `seat_region`), here and in
`place_mentions`. Towns of one country joined by hyphens name one place ("Charlottenburg-Wilmersdorf").
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..literals import Prefilter
from ..records import Place, PlaceSpan
from ..triggers import load_patterns
from .places import KIND_WORDS, fold_name

_CAPITAL = r"[A-ZÄÖÜÉŞÇŁŚŻ][\w'’-]*"
_NAME = rf"{_CAPITAL}(?:(?:[ -]|\s(?:and|upon|on|am|an der|sur|de|del)\s){_CAPITAL}){{0,3}}"  # "Spittal an der Drau"
_KIND_BEFORE = re.compile(  # the name after a kind word, and a city's adjective before that word ("Pekinger")
    rf"(?:\b(?P<adj>[A-ZÄÖÜ]\w+er)\s+)?\b(?P<kind>Landkreis|Kreis|Stadtbezirk|Bezirk|Stadtteil|"
    rf"(?i:district|borough|county|arrondissement|quartier))\s+"
    rf"(?:(?i:of\s+(?:the\s+)?|de\s+(?:la\s+)?|du\s+|d['’]|von\s+))?(?P<name>{_NAME})")
_BEZIRKS = re.compile(rf"\bBezirks\w+\s+(?:von|in)\s+(?P<name>{_NAME})")  # "die Bezirksbürgermeisterin von Ehrenfeld"
_KIND_AFTER = re.compile(rf"\b(?P<name>{_NAME}\s(?:District|County|Borough))\b")  # "the Rems-Murr District"
_ITEM = re.compile(rf"(?P<adj>[a-zäöüéè]+\s+)?(?P<name>{_NAME})")
_GAP = re.compile(  # between two items of a list
    r"\s*(\([^)]*\))?\s*(,\s*(and|und|et|sowie)?|\b(and|und|et|sowie)\b)\s*((the|die|der|dem|den|das|le|la|l['’])\s*)?")
_BEFORE_ITEM = re.compile(  # the item before a known one: "dem englischen Thurrock und dem niederländischen "
    rf"(?P<adj>[a-zäöüéè]+\s+)?(?P<name>{_NAME})(\s+(?:à|in)\s+\S+)?{_GAP.pattern}([a-zäöüéè-]+\s+)?$")
_KREIS_AFTER = re.compile(r"(?<![\w-])(?P<name>[A-ZÄÖÜ][\w'’]+(?:-[A-ZÄÖÜ][\w'’]+)*)-Kreis(?![\w-])")  # "Rhein-Sieg-Kreis"
_KIND_RULES = Prefilter([_KIND_BEFORE, _BEZIRKS, _KIND_AFTER, _KREIS_AFTER])  # most sentences hold none of them
# towns joined by hyphens name one place, a merged town or a city's district ("Charlottenburg-Wilmersdorf",
# "Hamburg-Altona"), when they all are towns of one country ("die Partnerschaft Aachen-Ningbo" names two)
_COMPOUND = re.compile(r"(?<![\w-])[A-ZÄÖÜ][\w'’]+(?:-[A-ZÄÖÜ][\w'’]+)+(?![\w-])")
_GERMAN_DISTRICT = ("landkreis", "kreis")  # "Kreis Siegen-Wittgenstein" is "Siegen-Wittgenstein District"
_AFTER_ITEM = re.compile(r"\s*\((?:seit |since |depuis |en |in )?\d{4}\)|\s+(?:à|in|im)\s+")
_ARTICLES = re.compile(r"\b(the|der|die|das|den|dem|le|la|les|l['’])\b", re.IGNORECASE)
_LEAD = re.compile(r"\s*(\((?:seit |since |depuis |en |in )?\d{4}\)|\s+(?:à|in|im)\s+\S+)?")


# A region named after its seat is not that town: "Landkreis Freising", "des Kreises Offenbach", "Bezirk Xinbei",
# "the Province of Prato", "Xinbei District"
_SEAT_KINDS = {"landkreis": "district", "kreis": "district", "stadtbezirk": "district", "bezirk": "district",
               "district": "district", "county": "county", "comté": "county", "province": "province", "provinz": "province",
               "provincia": "province", "prefecture": "prefecture", "präfektur": "prefecture", "state": "state"}
_SEAT_WORD = r"(Landkreis|Kreis|Stadtbezirk|Bezirk|(?i:district|county|comté|province|provincia|provinz|prefecture|präfektur))" \
             r"(?:es|s)?"
_SEAT_PREFIX = re.compile(_SEAT_WORD + r"\s+(?:(?i:of|di|de|du|von)\s+)?")
_SEAT_BEFORE = re.compile(r"\b" + _SEAT_PREFIX.pattern + "$")
_SEAT_SUFFIX = re.compile(r"\s+(District|County|Province|Prefecture|State)$")  # "New York State" is no city
_SEAT_NAMES = {"district": "{} District", "county": "{} County", "province": "Province of {}", "prefecture": "{} Prefecture",
               "state": "{} State"}


def seat_of(text: str, start: int, end: int) -> tuple[str, str, str] | None:
    """(the town's name, the region's kind, its kind word as written) when the span, with a kind word in it or
    before it, names the region around a town ("Landkreis Schwandorf", "des Kreises Offenbach",
    "Province of Prato"; not the first of two in "Kreis Rendsburg-Eckernförde"), else None: the gazetteer holds
    the towns, not these regions."""
    name = text[start:end]
    if text[end:end + 1] == "-":
        return None
    inside = _SEAT_PREFIX.match(name) or _SEAT_SUFFIX.search(name)
    if inside:
        kind_word = inside[1] if inside.start() == 0 else ""  # the name order only counts for a word before it
        return (name[inside.end():] if kind_word else name[:inside.start()]), _SEAT_KINDS[inside[1].lower()], kind_word
    before = _SEAT_BEFORE.search(text, max(0, start - 20), start)
    return (name, _SEAT_KINDS[before[1].lower()], before[1]) if before else None


def seat_region(name: str, kind: str, kind_word: str, town: Place) -> Place:
    """The region named after its seat town ("Landkreis Freising" is not Freising): "Freising District",
    "Province of Prato"; `kind` is district, county, province, prefecture or state."""
    return _local(region_name(name, kind, kind_word, town.country), kind, town.country)


def region_name(name: str, kind: str, kind_word: str = "", country: str | None = None) -> str:
    """A region's name in English from its own and its kind: "Freising District", "Province of Prato"; a text's
    "County Durham" keeps its order, and an Irish county is always named so ("le comté de Cork": County Cork)."""
    if kind == "county" and (kind_word == "County" or country == "IE"):
        return f"County {name}"
    return _SEAT_NAMES[kind].format(name)


def in_compound(text: str, start: int, end: int, gazetteer) -> bool:
    """Whether text[start:end] ends or starts inside a hyphenated name of one place the gazetteer lacks
    (`_COMPOUND`): "Bezirk Charlottenburg" in "Bezirk Charlottenburg-Wilmersdorf" names no Charlottenburg."""
    if text[end:end + 1] != "-" and text[start - 1:start] != "-":
        return False
    return any(m.start() < end and start < m.end() and _compound_country(m.group(), gazetteer)
               for m in _COMPOUND.finditer(text, max(0, start - 80), end + 80))


def _compound_country(name: str, gazetteer) -> str | None:
    if gazetteer.resolve(name, ner_label="LOC") is not None:
        return None
    parts = [gazetteer.resolve(part, ner_label="LOC") for part in name.split("-")]
    countries = {p.country if p is not None and p.kind == "city" else None for p in parts}
    return countries.pop() if len(countries) == 1 and None not in countries else None


def _local(name: str, kind: str, country: str | None) -> Place:
    return Place(f"local:{fold_name(name).replace(' ', '-')}", name, country, kind=kind)


def find_unlisted(text: str, sentences, triggers, found: list[PlaceSpan], entities, companies, gazetteer
                  ) -> list[PlaceSpan]:
    """Spans of places the gazetteer does not know, not overlapping `found` or an organisation; list items
    only in sentences with relation words (`triggers`, one list per sentence)."""
    taken = [(p.start, p.end) for p in found]
    located = {p.start: p.place for p in found}
    ner_loc = {(e.start, e.end, e.text) for e in entities if e.label == "LOC"}
    organisations = [(e.start, e.end) for e in entities if e.label == "ORG"] + list(companies)
    new: dict[str, Place] = {}
    spans: list[PlaceSpan] = []

    def add(start: int, end: int, place: Place) -> None:
        """A new place named text[start:end], unless the span is taken or part of an organisation's name ("the
        Rems-Murr District" tagged as an organisation is still the district)."""
        if any(s < end and start < e for s, e in taken) or not _is_name(text[start:end], gazetteer) or any(
                s < end and start < e and re.search(r"\w", _ARTICLES.sub("", text[s:start] + text[end:e]))
                for s, e in organisations):
            return
        place = new.setdefault(fold_name(place.name), place)
        spans.append(PlaceSpan(start, end, place))
        taken.append((start, end))

    for sent, relation_words in zip(sentences, triggers):
        kinds = _KIND_RULES.candidates(text[sent.start:sent.end])
        for m in _KIND_BEFORE.finditer(text, sent.start, sent.end) if 0 in kinds else ():
            seat = _SEAT_KINDS.get(m["kind"].lower())
            town = gazetteer.resolve(m["name"], ner_label="LOC") if seat else None
            if town is not None and town.kind == "city":  # "Landkreis Freising": the district around the town
                add(*m.span("name"), seat_region(m["name"], seat, m["kind"], town))
            else:  # a German Kreis and an English county are named as the regions around towns; others keep theirs
                adj = m["adj"] and gazetteer.resolve(m["adj"][:-2], ner_label="LOC")
                named = m["kind"].lower() in _GERMAN_DISTRICT or m["kind"] == "County"
                add(*m.span("name"), _local(region_name(m["name"], seat, m["kind"]) if named else m["name"],
                                            KIND_WORDS.get(fold_name(m["kind"]), "district"), adj.country if adj else None))
        for m in _BEZIRKS.finditer(text, sent.start, sent.end) if 1 in kinds else ():
            add(*m.span("name"), _local(m["name"], "district", None))
        for m in _KIND_AFTER.finditer(text, sent.start, sent.end) if 2 in kinds else ():
            add(*m.span("name"), _local(m["name"], "district", None))
        for m in _KREIS_AFTER.finditer(text, sent.start, sent.end) if 3 in kinds else ():
            add(m.start(), m.end(), _local(region_name(m["name"], "district"), "district", None))
        for m in _COMPOUND.finditer(text, sent.start, sent.end):
            country = _compound_country(m.group(), gazetteer)
            if country:
                add(m.start(), m.end(), _local(m.group(), "city", country))
        if not relation_words:
            continue
        known = [p for p in found if sent.start <= p.start < sent.end]
        for p in known:  # the item after a known place, and the one before it
            lead = _LEAD.match(text, p.end)
            gap = _GAP.match(text, lead.end())
            item = _ITEM.match(text, gap.end()) if gap else None
            if item and item.start() < sent.end:
                _list_item(text, item, located, ner_loc, gazetteer, add)
            before = _BEFORE_ITEM.search(text, max(sent.start, p.start - 80), p.start)
            if before:
                _list_item(text, before, located, ner_loc, gazetteer, add)
    return spans + _again(spans, ner_loc, taken)


def _list_item(text: str, item, located: dict, ner_loc: set, gazetteer, add) -> None:
    """A list item is a place when it carries its year, its country's adjective, its city or an NER tag."""
    start, end = item.span("name")
    after = _AFTER_ITEM.match(text, end)
    adj = item["adj"] and gazetteer.country_code(item["adj"].strip())
    year = after is not None and after.group().lstrip().startswith("(")
    city = located.get(after.end()) if after and not year else None
    if adj or city or year or (start, end, item["name"]) in ner_loc:
        add(start, end, _local(item["name"], "city", adj or (city.country if city else None)))


def _is_name(name: str, gazetteer) -> bool:
    """Not a word that is never a place, a country, a stop word ("Von", "Die") or an organisation's name
    ("Northeastern University in Shenyang")."""
    key = fold_name(name)
    return key not in gazetteer.never and key not in gazetteer.ner_only and gazetteer.country_code(name) is None \
        and not any(head.search(name) for head in _org_head_words())


@lru_cache(maxsize=1)
def _org_head_words() -> tuple[re.Pattern, ...]:
    """The org_head cues of all languages as whole words ("University", "Hafen")."""
    return tuple(re.compile(rf"\b(?:{p.pattern})\b", re.IGNORECASE)
                 for lang in ("en", "de", "fr") for p in load_patterns()[lang].get("org_head", []))


def _again(spans: list[PlaceSpan], ner_loc: set, taken) -> list[PlaceSpan]:
    """Other mentions of a place found here that the NER tags as locations ("Neu: Ehrenfeld und Haidian")."""
    by_name = {p.place.name: p.place for p in spans}
    return [PlaceSpan(s, e, by_name[name]) for s, e, name in sorted(ner_loc)
            if name in by_name and not any(ts < e and s < te for ts, te in taken)]
