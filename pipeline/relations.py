"""Stage 6: linked places + dates + sentences -> typed city-pair relations, one per pair and document.

A clause states a relation when it has a relation word (models/relation_triggers.tsv) and its
parties: places that are not part of an organisation's name ("University of Amiens"), not a
locative qualifier ("Ningbo in Zhejiang", "Neukölln à Berlin", "une ville du Zhejiang"), not a
seat ("das Ministerium in Wiesbaden"), not the region a city of the same country lies in.
Who pairs with whom:
- the owner a clause names pairs with the others ("Duisburg's partner cities include A, B",
  "zu den Partnerstädten Duisburgs", "Partnerstädte der Bundesstadt"), so two partners of one
  city never pair with each other;
- a list of partners with years, or after the relation word, belongs to the owner named just
  before, the subject of the paragraph, or the document's city;
- "The city signed …", "Bonn, its twin", "our partnerships with A and B" carry a subject from
  before, a partner abroad being preferred; "the two cities" restate the last pair;
- "… the twinning between A and B" is a pair of its own; otherwise the clause's first place is
  the hub ("X and Y signed", "X has partnerships with A");
- a clause without relation word only goes on with a list ("…, and with Lyon", "Hesse followed
  with Jiangxi");
- a table row pairs with the document's city (a region's row with the document's region), or its
  two places with each other.
Status and type come from the clause's own cues (each partner the relation word nearest before
it); the date from the partner's own year, else the clause's date nearest the relation word, never
one of a visit, a celebration, a dateline or the future, and a proposal's only when it states a
signing.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .annotate import LIST_MARKER
from .link.place_mentions import HOME_COUNTRIES
from .literals import Prefilter
from .records import Place, PlaceSpan, Relation
from .triggers import PRIORITY, Trigger, first_match, load_patterns

PRECISION_RANK = {"day": 3, "month": 2, "year": 1, None: 0}
REGION_LEVEL = frozenset({"province", "state", "region"})
DISTRICT_LEVEL = frozenset({"district", "county"})


def is_org_modifier(text: str, span: PlaceSpan, lang: str, sent_start: int, sent_end: int) -> bool:
    """True when the place names an organisation rather than a party: "Zhengzhou University",
    "University of Amiens", "Wirtschaftsförderung von Duisburg", "port de Marseille"."""
    after = text[span.end:min(sent_end, span.end + 40)]
    before = text[max(sent_start, span.start - 90):span.start]
    return any((heads.candidates(after) and head_after.match(after))
               or (heads.candidates(before) and head_before.search(before))
               for head_after, head_before, heads in _org_heads(lang))


@lru_cache(maxsize=None)
def _org_heads(lang: str) -> tuple[tuple[re.Pattern, re.Pattern, Prefilter], ...]:
    """Per org_head cue of a language: the cue after a place (capitalised words between), before it, and
    a prefilter for its words (most places have none of them near)."""
    return tuple((
        re.compile(r"^[\s'’s-]*(?-i:[A-Z][\w-]+\s+){0,3}(?:" + head.pattern + ")", re.IGNORECASE),
        re.compile(r"(?:" + head.pattern + r")\w*\s+(?:of|von|der|des|de|du|d'|de la)\s+(?:the\s+)?"
                   r"(?-i:[A-Z][\w-]+\s*(?:,|und|and|et|sowie)\s+)?$", re.IGNORECASE),
        Prefilter([head]),
    ) for head in load_patterns().get(lang, {}).get("org_head", []))


def contains(region: Place, city: Place) -> bool:
    """A region and a place of the same country are never a pair ("Jinan in Shandong province"); two districts
    are ("Landkreis Schwandorf" and "Landkreis Görlitz")."""
    return region.kind != "city" and region.country is not None and region.country == city.country \
        and not (region.kind in DISTRICT_LEVEL and city.kind in DISTRICT_LEVEL)


def pick_date(dates, anchor: int, text: str, lang: str):
    """The date that states when the relation was made. An anniversary ("40 years of partnership")
    dates the establishment, so it beats the date of the celebration, unless a date of the same
    year is more precise; otherwise the date nearest the trigger that does not date a visit."""
    anniversaries = [d for d in dates if d.kind == "anniversary"]
    if anniversaries:
        year = anniversaries[0].iso
        same_year = [d for d in dates if d.kind != "anniversary" and d.iso.startswith(year)]
        return max(same_year, key=lambda d: len(d.iso)) if same_year else anniversaries[0]

    def score(d):
        visit = first_match(lang, "visit", text[max(0, d.start - 40):d.start]) is not None
        return visit, min(abs(d.start - anchor), abs(d.end - anchor))
    return min(dates, key=score, default=None)


_VERBS = r"(war|ist|sind|hat|haben|wird|wurde|waren|was|is|are|were|has|had|est|sont|était)\b"
_FINITE_VERB = re.compile(_VERBS)
# a clause that leaves out the verb of the one before: "…, Sheffield with Bochum", "…, Vannes avec Cuxhaven"
_GAPPED = r"[A-ZÄÖÜÉ][\w'’-]+(?:[ -][A-ZÄÖÜÉ][\w'’-]+)?\s+(?:with|mit|avec)\s+(?:(?:the|dem|der|le|la|l['’])\s*)?[A-ZÄÖÜÉ]"
CLAUSE_BREAK = re.compile(
    r";\s+|:\s+"
    rf"|,\s+(?={_VERBS})"
    r"|,\s+(?=[A-ZÄÖÜ][\w-]+\s+(ist|sind|hat|haben|war|wurde|is|has|was|est|a|signs|signed|agrees|agreed|"
    r"concludes|concluded|signe|signent|conclut|unterzeichnet|unterzeichnete|unterzeichneten|schließt|schloss)\b)"
    r"|,\s+(?=(the same year|in the same year|when|while|whereas|which|who|where|after|before|and|but|"
    r"während|wobei|als|nachdem|bevor|und|aber|doch|tandis que|alors que|lorsque|quand|après|avant|et|mais)\b)"
    r"|\s+(?=(while|whereas|während|tandis que)\s)"
    r"|,\s+(?=(zuvor|davor|danach|später|previously|later|earlier|auparavant|ensuite|plus tard)\b)"
    r"|,\s+(?=(zu|in|von|mit|bei|an|auf|aus|für|nach|of|with|to)\s+(der|dem|denen|welcher|welchem|which|whom)\b)"
    r"|,\s+(?=" + _GAPPED + ")")
_GAPPED_CLAUSE = re.compile(_GAPPED)


_OWNED_BY = re.compile(  # "zu den Partnerstädten Duisburgs", "villes jumelles de Rennes", "twin towns of Kiel"
    r"(Partnerst[aä]dte[n]?|Freundschaftsst[aä]dte[n]?|partner cities|twin towns?|sister cities|"
    r"villes? jumelles?|villes? partenaires?|villes? jumelées?(\s+avec)?)\s+"
    r"((von|der Stadt|of|de|d['’]|de la ville de)\s*)?$", re.IGNORECASE)
# the German singular owns only in the genitive or after "von" ("die einzige Partnerstadt Passaus", "Partnerstadt
# von Kiel"); "die Partnerstadt Kiel" is an apposition
_OWNED_BY_ONE = re.compile(r"(Partnerstadt|Freundschaftsstadt|Schwesterstadt)\s+(von\s+)?$", re.IGNORECASE)
# "BORDEAUX, 14 octobre 2023 (AFP) -", "Berlin/Herne, 23. Mai 2019 (dpa/lnw) -", "PINGYAO (Shanxi), 22 septembre
# 2025 (Xinhua) --": where and when it was written
_DATELINE = re.compile(r"[A-ZÄÖÜÉ][\w .'’/-]{2,40}(\s*\([^)\n]{1,30}\))?,[^()\n]{0,40}\([^)\n]{1,40}\)\s*[-–—]+\s*")
_IN = r"\s*,?\s*(in|im|en|dans|of)\s+(the\s+|der\s+|den\s+|la\s+|le\s+)?"
_OF = r"(of\s+(the\s+)?|de\s+(la\s+|l['’])?|du\s+)?"
_REGION_OF_PREVIOUS = re.compile(_IN + r"([\w.-]+\s+){0,3}?" + _OF, re.IGNORECASE)  # a place, then where it lies
_REGION_WORD_BEFORE = re.compile(  # the same, saying it is a region: "im US-Bundesstaat Delaware" (also a city),
    # "dans la région espagnole de"; the kind word may open the region's name ("in der englischen Grafschaft Derbyshire")
    _IN + r"([\w.-]+\s+)?(?P<kind>state|[\w-]*bundesstaat|d[ée]partement|department|province|provinz|r[ée]gion|"
    r"county|comt[ée]|grafschaft|borough|bezirk|canton|kanton|pr[ée]fecture|prefecture|gebiet|oblast|woiwodschaft|"
    r"voivodeship|vo[ïi]vodie|kraj)\s+([a-zäöüéè]+\s+)?" + _OF,
    re.IGNORECASE)
_PART_OF_PREVIOUS = re.compile(  # "Xinbei, einem Stadtbezirk der ostchinesischen Millionenstadt Changzhou"
    r"\s*,\s*((ein|einem|einer|eines|a|an|the|one of the|un|une|l['’]un|l['’]une)\s+)?([\w-]+\s+)?"
    r"([\w-]*bezirk\w*|[\w-]*distrikt\w*|districts?|stadtteil\w*|ortsteil\w*|vorort\w*|suburbs?|boroughs?|"
    r"townships?|counties|county|arrondissements?|quartiers?|communes?)\s+"
    r"(der|des|von|of|de|du|d['’])\s*(the\s+|la\s+|l['’])?([\w-]+\s+){0,2}?", re.IGNORECASE)
_NEAR_PREVIOUS = re.compile(  # "Bègles, near Bordeaux", "Itzehoe, north of Hamburg", "40 Kilometer nördlich von Chengdu"
    r"\s*,?\s*(bei|nahe|unweit von|near|close to|outside|près de|non loin de|à côté de|"
    r"([\w.,]+\s+(km|kilomet\w+|miles?)\s+)?((north|south|east|west)(-?(east|west))?(ern)?\s+of|"
    r"(nord|süd|ost|west)?(nördlich|südlich|östlich|westlich)\s+(von|der|des)|au\s+(nord|sud|est|ouest)(-est|-ouest)?\s+d[eu]))"
    r"\s+(the\s+|la\s+|l['’])?([a-zäöüéè-]+\s+)?", re.IGNORECASE)
_QUALIFIER = re.compile(  # where a list item lies: ", dans le borough londonien de Barnet", " bei Moskau"
    rf"(?:{_REGION_WORD_BEFORE.pattern}|{_NEAR_PREVIOUS.pattern})(?-i:[A-ZÄÖÜÉ][\w'’-]*(?:[ -][A-ZÄÖÜÉ][\w'’-]*)*)",
    re.IGNORECASE)
_OFFICIAL_OF = re.compile(  # "the mayor of Foshan": the other signatory is the document's own official
    r"\b(mayor|lord mayor|Bürgermeister\w*|Oberbürgermeister\w*|maire|délégation|delegation)\s+"
    r"(of|von|aus|de|du|d['’])\s+(the\s+)?$", re.IGNORECASE)
_BETWEEN = re.compile(r"\b(between|zwischen|entre)\s+((the|den|dem|der|l['’]|la|le|les)\s*)?(\w+\s+)?$",
                      re.IGNORECASE)
_CITY_NP = re.compile(r"\b(die|diese|the|this|la|cette)\s+(Stadt|city|town|ville|Metropole|métropole)\b"
                      r"(?!\s+(of\s+|de\s+|d['’])?(?-i:[A-ZÄÖÜÉ]))", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(  # "Neben Changzhou hat Essen …": a place after a preposition is no subject
    r"\b(neben|besides|mit|with|in|im|nach|to|from|von|aus|für|for|bei|avec|à|dans|en|de|du|vers|pour|après|after|"
    r"avant|before|vor)\s+$",
    re.IGNORECASE)
_BESIDES_BEFORE = re.compile(r"\b(neben|außer|besides|apart from|in addition to|outre|en plus de)\s+$", re.IGNORECASE)
_RELATIVE = re.compile(r"\s*(which|who|that|die|der|das|welche|qui|que|lesquelles|lesquels)\b", re.IGNORECASE)
_HEADING_OF = re.compile(  # "Partner cities of Bonn", "Partnerschaften der Stadt Freiburg", "jumelles de la ville de Metz"
    r"\b(of|von|der|des|de|du|d['’])\s+((the|la)\s+)?((city|town|Stadt|Gemeinde|ville|commune)\s+(of\s+|de\s+|d['’])?)?$",
    re.IGNORECASE)
_FIRST_PERSON = re.compile(r"(our|unser|notre|nos)\b", re.IGNORECASE)
_UNNAMED_BEFORE = re.compile(
    r"\b(a|an|one|another|un|une|ein|eine|einer|einem|einen)\s+"
    r"((?!(sister|twin|partner|friendship|friendly|partenaire|jumel\w*|amie?)\b)[\w-]+\s+)?(city|town|district|county|"
    r"municipality|ville|commune|Stadt|Kommune|Gemeinde|Bezirk|Stadtbezirk|Kreis)\s+"
    r"(in|of|from|near|du|de|des|d['’]|en|dans|im|aus|bei)\s+((the|la|le|l['’]|der|dem)\s*)?"
    r"(province\s+(of|de|du)\s+|Provinz\s+)?$", re.IGNORECASE)
_RELATIVE_START = re.compile(  # ", zu der Guangzhou als Hauptstadt gehört": a relative clause describes
    r"\W*((zu|in|von|mit|bei|an|auf|aus|für|nach|of|with|to|à|de|avec|dans|pour)\s+)?"
    r"(der|dem|denen|welche[rmns]?|which|whom|whose|qui|que|dont|où|lequel|laquelle|lesquels|lesquelles)\b",
    re.IGNORECASE)
_WITH = re.compile(r"\w*\s+(with|mit|avec)\s+((the|der|dem|den|le|la|les|l['’])\s*)?", re.IGNORECASE)
_CONJUNCTION = re.compile(r"(\W*(and|but|und|aber|doch|et|mais)\s+)?", re.IGNORECASE)
_SAME_YEAR = re.compile(  # "…in 1984, the same year in which Lower Saxony signed …": the clause before dates it
    r"\W*((and|und|et)\s+)?((in|im)\s+)?(the\s+same\s+year|(selben|gleichen)\s+Jahr|la\s+même\s+année|"
    r"l['’]année\s+même)\b", re.IGNORECASE)
_LIST_GOES_ON = re.compile(  # what may stand before the place of a clause that only goes on with a list
    r"\W*((and|und|et|sowie|as well as|ainsi que|or|oder|ou|then|dann|puis)\s+)?((also|auch|aussi|later|später)\s+)?"
    r"((in\s+|im\s+)?(the\s+same\s+year|selben\s+Jahr|gleichen\s+Jahr|la\s+même\s+année)\s+(as|wie|que)\s+)?"
    r"((with|mit|avec|to|zu|à|and with)\s+)?((the|die|der|dem|den|le|la|les|l['’])\s*)?([a-zäöüéè-]+\s+)?",
    re.IGNORECASE)


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence: each clause can state its own pair with its own subject."""
    spans, pos = [], start
    for m in CLAUSE_BREAK.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(s, e) for s, e in spans if s < e]


@dataclass
class _Context:
    """What a sentence hands on to the next one."""

    subject: Place | None = None  # the place the last sentence opened with or named as owner
    owner: Place | None = None  # the owner the last sentence named ("Nürnbergs Partnerstädte:")
    paragraph: int = -1  # where `subject` was named
    table_relation: str | None = None  # the relation a partner table's rows state
    table_owner: Place | None = None  # the place the last list heading named ("Die Partnerregionen von X")
    listing: tuple[Place, str] | None = None  # (hub, relation) of the last sentence that stated pairs
    pair: tuple[Place, Place] | None = None  # the last pair stated, for "the two cities"
    stated: list[tuple[Relation, bool]] | None = None  # what the sentence before stated
    partners: dict[str, list[Place]] = field(default_factory=dict)  # place_id -> places paired with it so far
    regions: tuple[Place, ...] = ()  # the document's provinces, states and regions, those of its city's country first


def extract_relations(doc_id: str, text: str, sentences, places: list[PlaceSpan], dates,
                      companies: list[tuple[int, int]], main_places: list[Place], triggers) -> list[Relation]:
    """Every pair the document states, merged to one per pair (sister > friendship > cooperation).
    `main_places` are the cities the document is about, most central first; `triggers` the sentences'
    relation words (`triggers.sentence_triggers`)."""
    counts = Counter(p.place.place_id for p in places if p.place.kind in REGION_LEVEL)
    home = main_places[0].country if main_places else None
    context = _Context(regions=tuple(sorted({p.place.place_id: p.place for p in places if p.place.place_id in counts}
                                            .values(), key=lambda r: (r.country != home, -counts[r.place_id]))))
    places, dates = sorted(places, key=lambda p: p.start), sorted(dates, key=lambda d: d.start)
    place_starts, date_starts = [p.start for p in places], [d.start for d in dates]
    found: list[tuple[Relation, bool]] = []  # (relation, its status is stated)
    for sent, relation_words in zip(sentences, triggers):
        sent_places = places[bisect_left(place_starts, sent.start):bisect_left(place_starts, sent.end)]
        sent_dates = dates[bisect_left(date_starts, sent.start):bisect_left(date_starts, sent.end)]
        new = _sentence_relations(doc_id, text, sent, relation_words, sent_places, sent_dates, companies,
                                  main_places, context)
        if new:
            context.pair = (new[-1][0].a, new[-1][0].b)
        context.stated = new
        for r, _ in new:
            context.partners.setdefault(r.a.place_id, []).append(r.b)
            context.partners.setdefault(r.b.place_id, []).append(r.a)
        found.extend(new)
    return merge_relations(found)


def _sentence_relations(doc_id, text, sent, relation_words, places, dates, companies, main_places, context) -> list:
    """The pairs one sentence states; `places` and `dates` are those starting in it."""
    main_place = main_places[0] if main_places else None
    chunk, lang = text[sent.start:sent.end], sent.language
    dateline = _DATELINE.match(text, sent.start)
    parties = [p for p in _parties(text, sent, places, companies, lang) if not (dateline and p.start < dateline.end())]
    triggers = [Trigger(sent.start + t.start, sent.start + t.end, t.relation) for t in relation_words]
    celebrated = first_match(lang, "celebration", chunk) is not None  # "feierten am Samstag 40 Jahre": not a founding
    sent_dates = [d for d in dates if d.end <= sent.end and d.kind != "future"
                  and not (dateline and d.start < dateline.end()) and not (celebrated and d.kind == "relative")]
    if "\t" in chunk:
        return _table_row(doc_id, text, sent, parties, triggers, sent_dates, main_place, context)
    if context.table_relation and _is_list_row(text, sent, parties):  # its place alone: "Madison (Wisconsin)"
        return _table_row(doc_id, text, sent, parties[:1], triggers, sent_dates, main_place, context)
    local_subject = context.subject if context.paragraph == sent.paragraph else None
    lead = triggers and len(parties) <= 1 and chunk.rstrip().endswith(":")  # "Orléans est jumelée avec :"
    if lead or (first_match(lang, "list_heading", chunk) and len(parties) <= 1 and len(chunk) < 120):
        context.table_relation = _best(triggers) or "sister_city"
        if parties and (lead or len(chunk.split()) <= 12 and _HEADING_OF.search(text, sent.start, parties[0].start)):
            context.table_owner = parties[0].place  # "Partner cities of Bonn", "Partnerregionen von Hessen"
        else:  # "Elle est jumelée avec :" goes on with the paragraph's subject
            context.table_owner = local_subject if lead else None
    elif len(chunk.split()) > 12:
        context.table_relation = None
    owner = _owner(text, sent.start, parties)
    # what the sentence is about: the owner it names ("Jinan is one of the twin towns of Augsburg"),
    # unless the owner only sits in an apposition of the place it opens with ("Lyon, Guangzhou's sister city,")
    subjects = [p for p in parties if not _PREPOSITION_BEFORE.search(text, max(sent.start, p.start - 12), p.start)]
    first = subjects[0] if subjects and subjects[0].start - sent.start < 40 else None
    in_apposition = first and owner and re.fullmatch(r"\s*,\s*", text[first.end:owner.start])
    opener = (first if in_apposition or not owner else owner).place if (first or owner) else None
    previous_owner, context.owner = context.owner, owner.place if owner and triggers else None
    if opener is not None:
        context.paragraph = sent.paragraph
    if not triggers:
        continued = _continued_list(doc_id, text, sent, sent.start, sent.end, parties, sent_dates, context.listing) \
            if parties else []
        continued = continued or _signing_date(chunk, lang, parties, sent_dates, context.stated)
        context.subject = opener or context.subject
        context.listing = context.listing if continued else None
        return continued
    found = []
    clauses = split_clauses(text, sent.start, sent.end)
    in_clause = [_unique([p for p in parties if cs <= p.start < ce]) for cs, ce in clauses]
    said_in = [[t for t in triggers if cs <= t.start < ce] for cs, ce in clauses]  # each clause's relation words
    dated_in = [[d for d in sent_dates if cs <= d.start < ce] for cs, ce in clauses]  # and its dates
    free_dates = [d for d in sent_dates if not any(cs <= d.start < ce and m for (cs, ce), m in zip(clauses, in_clause))]
    hub: Place | None = None
    pending: Place | None = None  # the first place of a clause without trigger ("Aquitaine, today part of …,")
    triggered_before = False
    for n, ((c_start, c_end), members) in enumerate(zip(clauses, in_clause)):
        own = said_in[n]
        told_after = []  # the dates of the clause after a colon that tells this one's relation
        if not own and n + 1 < len(clauses) and not in_clause[n + 1] and (
                _RELATIVE.match(text, clauses[n + 1][0]) or text[c_end:clauses[n + 1][0]].strip() == ":"):
            # "X and Y, which signed", "Leipzig und Nanjing (Provinz Jiangsu): Städtepartnerschaft seit 1988"
            own, told_after = said_in[n + 1], dated_in[n + 1]
        triggered_before = triggered_before or bool(own)
        inner = _inner_pair(text, members, own)
        if inner:  # "X and Y signed in 1999, following the twinning between A and B": A–B is a pair of its own
            a, b, trigger = inner
            status, stated = _status(text[trigger.start:b.end], lang)
            date = _own_date(text, b, [], sent_dates)
            found.append((Relation(doc_id, a.place, b.place, trigger.relation, status, date.iso if date else None,
                                   date.precision if date else None, chunk.strip(), sent.start, sent.end, 0.7), stated))
            members = [m for m in members if m is not a and m is not b]
            own = [t for t in own if t is not trigger]
        if own and context.pair and first_match(lang, "pair_anaphor", text[c_start:c_end]) \
                and {m.place.place_id for m in members} <= {p.place_id for p in context.pair}:
            # "the two cities upgraded their ties to a full twinning in October 2009": the last pair
            status, stated = _status(text[c_start:c_end], lang)
            date = pick_date(dated_in[n], own[0].start, text, lang) \
                if _dates_it(status, text[c_start:c_end], lang) else None
            found.append((Relation(doc_id, *context.pair, _best(own), status, date.iso if date else None,
                                   date.precision if date else None, chunk.strip(), sent.start, sent.end, 0.7), stated))
            continue
        if not members:
            continue
        if len(members) == 1 and _names_unknown_partner(text, own, members[0]):
            hub = members[0].place  # "Keighley has been twinned with Poix-du-Nord": a partner we do not know
            continue
        clause = text[c_start:c_end]
        conjunction = _CONJUNCTION.match(clause).end()  # "…, et la ville compte …"
        if dateline and c_start < dateline.end():  # "CHÂTEAUROUX, 3 juin 2019 (AFP) - La préfecture de l'Indre …"
            conjunction = max(conjunction, dateline.end() - c_start)
        opening = first_match(lang, "anaphor", clause[conjunction:conjunction + 60])
        possessive = first_match(lang, "possessive", clause)
        colon_list = not own and n and text[c_start - 2:c_start].strip() == ":" \
            and (members[0].start - c_start < 5 or _BESIDES_BEFORE.fullmatch(text, c_start, members[0].start))
        gapped = not own and n and members[0].start == c_start and _GAPPED_CLAUSE.match(text, c_start, c_end)
        if colon_list or gapped:  # "partners: A, B", "Bochum ist mit fünf Städten verschwistert: Neben Xuzhou sind
            # das A, B …"; "Quimper est jumelée avec A, Vannes avec B": the relation word of the clause before
            own = said_in[n - 1]
        # a clause without relation word may go on with the list before: the last sentence's, or after a
        # semicolon this sentence's ("The city has been twinned with A since 1956; B and C followed in the 1960s")
        listing = context.listing if not n else (hub, found[-1][0].relation) if found and hub and \
            text[c_start - 2:c_start].strip() == ";" else None
        if not own and listing and (n or len(clauses) > 1):
            continued = _continued_list(doc_id, text, sent, c_start, c_end, members, dated_in[n], listing)
            if continued:
                found.extend(continued)
                hub = listing[0]  # "…, zuvor war 1947 Perpignan Partnerstadt geworden": the same city's partner
                continue
        if not own:
            if hub is None and len(members) == 1:
                hub = members[0].place  # the subject, for a clause that follows ("…, when it signed …")
            pending = pending or members[0].place
            if len(members) >= 2 or opening or not triggered_before or _RELATIVE_START.match(text, c_start) \
                    or not _LIST_GOES_ON.fullmatch(text, c_start, members[0].start):
                continue  # no trigger of its own: only a list going on ("…, and with Lyon") continues, not
                # a clause that names a place in passing ("…, and its exchange with Boston is known")
        # "The city signed …" carries the subject; "The state capital Magdeburg" is an apposition;
        # "our partnerships with A and B" and "Bonn, its twin" name the other side by a pronoun,
        # unless the clause names it too ("Augsburg pflegt mit seinen Partnerstädten A und B").
        # "Chengdu ist neben Oxford und Potsdam eine der Partnerstädte der Bundesstadt": all partners of a
        # city the clause names by a noun
        city_owner = first_match(lang, "city_owner", clause) is not None and _owner(text, c_start, members) is None
        listed = members if city_owner else \
            _listed_after(text, c_start + possessive.end(), members) if possessive else []
        outside = [m for m in members if m not in listed]
        apposition = opening and re.fullmatch(r"[\s,]*((de|du|des|de la|d['’]|of|of the|von|der)\s*)?",
                                              text[c_start + conjunction + opening.end():members[0].start])
        # "Bonn, its German twin": the possessive stands right beside its one place
        beside = possessive and len(members) == 1 and own and (
            re.fullmatch(r"\s*,\s*", text[members[0].end:c_start + possessive.start()])
            or c_start + possessive.end() <= members[0].start)
        # "Mit Sunderland und Tampere ist die Stadt verbunden": the city as a subject after its partners
        inside = not opening and _CITY_NP.search(clause) and members[0].start < c_start + _CITY_NP.search(clause).start()
        anaphoric = (opening and not apposition) or inside \
            or ((possessive or city_owner) and ((listed and not outside) or beside))
        first_person = possessive and _FIRST_PERSON.match(possessive.group())
        # partners lie in different countries: "Die Stadt … mit Kunming" is not the Chinese city before
        # "our …" and a later "the city" mean the document's own city; "The city", "its twin" the hub of the
        # clause before, else the city whose partners the last sentence named, else its subject
        last_hub = context.listing[0] if context.listing else previous_owner
        candidates = list(main_places) if first_person or inside else [hub, last_hub, context.subject, *main_places]
        before_colon = in_clause[n - 1][-1] if n and in_clause[n - 1] and re.fullmatch(
            r"\s*:\s*", text[in_clause[n - 1][-1].end:c_start]) else None
        if opening and before_colon:  # "… les partenaires historiques de Metz : la ville est jumelée avec …"
            candidates = [before_colon.place, *candidates]
        if opening and first_match(lang, "home_anaphor", clause[conjunction:conjunction + 60]):
            home = HOME_COUNTRIES.get(lang, ())  # "Die Landeshauptstadt pflegt …": a German city, not Qingdao
            candidates = [p for p in candidates if p is not None and p.country in home] or candidates
        abroad = [p for p in candidates if p is not None and p.country != members[0].place.country]
        carried = abroad[0] if abroad else (main_place if first_person else (context.subject or main_place))
        # and those of placeless clauses, not beyond a semicolon ("…; a request was turned down in 2016")
        clause_dates = dated_in[n] + told_after + [
            d for d in free_dates if not re.search(r"[;:]\s", text[min(d.end, c_start):max(d.start, c_end)])]
        if n and _SAME_YEAR.match(text, c_start):
            clause_dates += dated_in[n - 1]
        if len(members) >= 2 and _BETWEEN.search(text, max(c_start, members[0].start - 20), members[0].start) \
                and re.fullmatch(r"\s*(and|und|et)\s+((the|die|der|dem|le|la|l['’])\s*)?(\w+\s+)?",
                                 text[members[0].end:members[1].start]):
            c_hub, confidence = members[0].place, 0.9  # "between Bavaria and Shandong"
            members = members[:2]
        elif gapped and len(members) >= 2:
            c_hub, confidence = members[0].place, 0.7  # "…, Vannes avec Cuxhaven": the verb's subject left out
        elif colon_list and hub is not None and all(m.place.place_id != hub.place_id for m in members):
            c_hub, confidence = hub, 0.7  # "Bochum ist mit fünf Städten verschwistert: Sheffield …, Oviedo …"
        elif listed and outside:
            c_hub, confidence = outside[0].place, 0.9
        elif anaphoric and carried is not None:
            c_hub, confidence = carried, 0.7
        elif len(members) >= 2 and hub is not None and _FINITE_VERB.match(text, c_start):
            c_hub, confidence = hub, 0.7  # "Nancy, elle, est jumelée avec A et B": the verb's subject came before
        elif len(members) >= 2:
            c_hub = _hub(text, c_start, members, own, previous_owner or local_subject or main_place or carried,
                         clause_dates)
            confidence = 0.9 if len(members) == 2 else 0.7
        elif hub is not None:
            c_hub, confidence = hub, 0.7
        elif pending is not None and pending.country != members[0].place.country \
                and not _has_organisation(text, c_start, c_end, places, companies, lang):
            c_hub, confidence = pending, 0.7
        elif own and owner is None and (own[0].start < members[0].start or _OFFICIAL_OF.search(
                text, max(c_start, members[0].start - 40), members[0].start)) \
                and not _has_organisation(text, c_start, c_end, places, companies, lang) and (
                home := _counterpart(members[0].place, [*context.partners.get(members[0].place.place_id, ()),
                                                        local_subject, *main_places,
                                                        *(p.place for p in parties if p not in members),
                                                        *context.regions])):
            # "a twinning with Wuxi": the place the document already paired it with, the document's city, or one
            # of the level of the partner: the paragraph's subject, a place elsewhere in the sentence
            # ("Partnerregion Fujian: Rheinland-Pfalz und China"), the document's region
            c_hub, confidence = home, 0.5
        else:
            hub = members[0].place
            continue
        relation = _best(own or triggers)
        status, stated = _status(clause if own else chunk, lang)
        kinds = {t.relation for t in own or triggers}
        upgrade = status == "proposed" and len(kinds) > 1 and first_match(lang, "upgrade", clause)
        if upgrade:
            # "envisages upgrading the friendly ties with Linz to a sister-city relationship": the tie in
            # force is the lower one
            relation, status, stated = min(kinds, key=PRIORITY.get), "signed", True
        # a clause naming only the hub dates the pair too ("X completed the first wave in 1989, when it signed
        # with Y", "Y, with which X has been friends since 1991")
        clause_dates += [d for ds, m in zip(dated_in, in_clause) if m and {x.place.place_id for x in m} ==
                         {c_hub.place_id} for d in ds if d not in clause_dates]
        others = [p for p in members if p.place.place_id != c_hub.place_id]
        others = [p for p in others if not (p.place.kind != "city" and any(  # "Kunming … du Yunnan"
            o.place.kind == "city" and o.place.country == p.place.country and o.start < p.start for o in others))]
        if not _dates_it(status, clause if own else chunk, lang):
            clause_dates = []
        owned = {id(d) for o in others if (d := _own_date(text, o, [], clause_dates))}
        named = listed + [m for t in own for m in _listed_after(text, t.end, members)]
        for k, other in enumerate(others):
            if contains(c_hub, other.place) or contains(other.place, c_hub):
                continue
            date = _own_date(text, other, others[k + 1:], clause_dates)
            if c_hub.country == other.place.country and len(others) > 1 and other not in named \
                    and not _own_date(text, other, [], clause_dates):
                continue  # a list's own country is where it lies, unless named a partner ("Jena (seit 1987)",
                # "the older twins Karlsruhe and Linz")
            shared = clause_dates if len(others) == 1 else [d for d in clause_dates if id(d) not in owned]
            besides = _BESIDES_BEFORE.search(text, max(c_start, other.start - 20), other.start)
            if date is None and (len(others) == 1 or len(shared) == 1) and not besides:  # "Neben Xuzhou sind das …"
                date = pick_date(shared, (own or triggers)[0].start, text, lang)
            kind = relation if upgrade else _relation_of(text, other, own, relation, c_hub, lang)
            found.append((Relation(
                doc_id, c_hub, other.place, kind, status, date.iso if date else None,
                date.precision if date else None, chunk.strip(), sent.start, sent.end, confidence), stated))
        hub = c_hub
    found = found or _signing_date(chunk, lang, parties, sent_dates, context.stated)
    context.subject = opener or hub or context.subject
    context.listing = (hub, found[-1][0].relation) if found and hub else None
    if not found and len({p.place.place_id for p in parties}) == 1 and parties[0].place.kind == "city":
        context.listing = (parties[0].place, _best(triggers))  # "Bremen has seven partner cities." opens a list
    return found


def _continued_list(doc_id, text, sent, start, end, parties, dates, listing) -> list:
    """A sentence or clause (start, end) without relation word that goes on with a list, `listing` being its
    (hub, relation): "Bourges and Dayton followed in the 1960s", "Liberec joined in 2001", "Hesse followed
    with Jiangxi in 1985, and …", "The oldest is the one with Reims"."""
    lang = sent.language
    if listing is None or not first_match(lang, "continuation", text[start:end]):
        return []
    hub, relation = listing
    members = _unique(parties)
    with_partner = [m for m in members if _goes_on_with(text[m.end:end], lang)]
    if with_partner:
        hub = with_partner[0].place
    found = []
    last = None  # (end, date) of the partner before: "Shenzhen kam 1997 hinzu, im selben Jahr wie … Antalya"
    for other in (m for m in members if m.place.place_id != hub.place_id):
        if contains(hub, other.place) or contains(other.place, hub):
            continue
        shared = [d for d in dates if re.search(r"\b(alle|all|both|beide|tous|toutes)\s*$", text[d.start - 8:d.start])]
        unowned = [d for d in dates if not any(_own_date(text, m, [], [d]) for m in members
                                               if m is not other and m.place.place_id != hub.place_id)]
        date = _own_date(text, other, [], dates) or (shared or (unowned if len(unowned) == 1 else [None]))[0]
        if date is None and last and _SAME_YEAR.search(text, last[0], other.start):
            date = last[1]
        last = (other.end, date)
        found.append((Relation(doc_id, hub, other.place, relation, "signed", date.iso if date else None,
                               date.precision if date else None, text[sent.start:sent.end].strip(), sent.start,
                               sent.end, 0.5), False))
    return found


def _signing_date(chunk: str, lang: str, parties, dates, stated) -> list:
    """"The agreement was signed on Tuesday at a ceremony in Taiyuan": a sentence that states no pair but dates
    the signing of the one pair the sentence before stated without a date, naming no other place."""
    if not stated or not dates or first_match(lang, "signing", chunk) is None:
        return []
    relation, said = stated[-1]
    pair = {relation.a.place_id, relation.b.place_id}
    if relation.date or any({r.a.place_id, r.b.place_id} != pair for r, _ in stated) \
            or any(p.place.place_id not in pair for p in parties):
        return []
    return [(replace(relation, date=dates[0].iso, date_precision=dates[0].precision), said)]


def _goes_on_with(after: str, lang: str) -> bool:
    """Whether a place is followed by a continuation word and, within two words, "with" ("Sachsen folgte 1985 mit
    Hubei", "Hesse followed with Jiangxi", "la Saxe a suivi avec le Hubei"): the place is a new hub, not one more partner of the last one."""
    word = first_match(lang, "continuation", after)
    return word is not None and re.fullmatch(r"\s*(\w+\s+)?", after[:word.start()]) is not None \
        and re.match(r"\s+([\w.]+\s+){0,2}?(with|mit|avec)\b", after[word.end():]) is not None


def _counterpart(place: Place, candidates) -> Place | None:
    """The likeliest other side of a place named alone: abroad, and of its level (a province pairs with a
    state, a city or district with a city)."""
    abroad = [c for c in candidates if c is not None and c.country != place.country]
    level = [c for c in abroad if (c.kind in REGION_LEVEL) == (place.kind in REGION_LEVEL)]
    return (level or abroad or [None])[0]


def _inner_pair(text: str, members: list[PlaceSpan], own: list[Trigger]):
    """(A, B, relation word) for "… the twinning between A and B" after other places of the clause."""
    for a, b in zip(members[1:], members[2:]):
        before = sorted((t for t in own if t.end <= a.start), key=lambda t: t.start)
        if before and _BETWEEN.search(text, max(before[-1].end, a.start - 20), a.start) \
                and re.fullmatch(r"\s*(and|und|et)\s+((the|die|der|dem|le|la|l['’])\s*)?", text[a.end:b.start]):
            return a, b, before[-1]
    return None


def _strongest(triggers) -> Trigger | None:
    return max(triggers, key=lambda t: PRIORITY[t.relation], default=None)


def _best(triggers) -> str | None:
    strongest = _strongest(triggers)
    return strongest.relation if strongest else None


def _is_list_row(text: str, sent, parties: list[PlaceSpan]) -> bool:
    """A list item that opens with its one place ("- Wichita (États-Unis), depuis 1944 ;", "- Stuttgart,
    Germany (1955)", "- Madison (Wisconsin)", "- Hanoï (Viêt Nam) : accord de coopération signé en 2013, consacré
    à …"): a row of the list that its lead or heading opened."""
    marker = LIST_MARKER.match(text, sent.start, sent.end)
    return marker is not None and bool(parties) and parties[0].start == marker.end() \
        and all(contains(p.place, parties[0].place) or p.place.place_id == parties[0].place.place_id
                for p in parties[1:])


def _table_row(doc_id, text, sent, parties, triggers, dates, main_place, context) -> list:
    """A table row: a header row with partner words sets the table's relation; a data row pairs
    its place with the place the list heading named or the document's place, with the row's own
    relation word ("Ville amie") if any."""
    if not parties:
        if first_match(sent.language, "list_heading", text[sent.start:sent.end]) or triggers:
            context.table_relation = _best(triggers) or "sister_city"
        return []
    best = _strongest(triggers)  # the row's own relation word; its date the one after it ("friendship city 1983,
    # twin city since 2008")
    relation = best.relation if best else context.table_relation
    home = context.table_owner or main_place
    if relation is None or (home is None and len(parties) < 2):
        return []
    status, stated = _status(text[sent.start:sent.end], sent.language)
    date = next((d for d in dates if best and d.start > best.start), dates[0] if dates else None)
    if len(parties) >= 2:  # a row that names both sides ("Bavaria | Shandong | 1987")
        a, b = parties[0].place, parties[1].place
        return [(Relation(doc_id, a, b, relation, status, date.iso if date else None,
                          date.precision if date else None, text[sent.start:sent.end].strip(),
                          sent.start, sent.end, 0.7), stated)]
    for span in parties:
        if span.place.place_id == home.place_id or contains(home, span.place) or contains(span.place, home):
            continue
        # a row pairs with the place the list heading named ("Die Partnerregionen von Rheinland-Pfalz"), else a
        # region's row ("Burgund | Frankreich | 1962") with the document's region, a city's with its city
        owner = home
        if span.place.kind in REGION_LEVEL and context.table_owner is None:
            owner = _counterpart(span.place, [main_place, *context.regions]) or main_place
        return [(Relation(doc_id, owner, span.place, relation, status, date.iso if date else None,
                          date.precision if date else None, text[sent.start:sent.end].strip(),
                          sent.start, sent.end, 0.7), stated)]
    return []


def _parties(text: str, sent, places: list[PlaceSpan], companies, lang: str) -> list[PlaceSpan]:
    """The places of a sentence that can be parties: not inside a company's or an organisation's name,
    not a locative qualifier of the place before ("Ningbo in Zhejiang", "Wuhan's Hanyang District")."""
    spans = [p for p in places if sent.start <= p.start and p.end <= sent.end
             and not any(cs <= p.start and p.end <= ce for cs, ce in companies)
             and not _in_company_parenthesis(text, p, companies)
             and not is_org_modifier(text, p, lang, sent.start, sent.end)]
    spans = sorted((p for p in spans if p.place.kind != "country"), key=lambda p: p.start)
    kept = []
    for k, span in enumerate(spans):
        prev = spans[k - 1] if k else None
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        opened = prev and _REGION_WORD_BEFORE.match(text, prev.end, span.end)
        if opened and opened.start("kind") == span.start:
            continue  # "Glossop in der englischen Grafschaft Derbyshire": the kind word opens the region's name
        if prev and (_REGION_WORD_BEFORE.fullmatch(text, prev.end, span.start) or span.place.kind != "city"
                     and span.place.country == prev.place.country
                     and _REGION_OF_PREVIOUS.fullmatch(text, prev.end, span.start)):
            continue  # "Chandler, in the U.S. state of Arizona", "Clamart im Département Hauts-de-Seine"
        if prev and (_NEAR_PREVIOUS.fullmatch(text, prev.end, span.start)
                     or _PART_OF_PREVIOUS.fullmatch(text, prev.end, span.start)):
            continue  # "Bègles, near Bordeaux", "Sergiew Possad bei Moskau", "Xinbei, a district of Changzhou":
            # where the one before lies
        if span.place.kind != "city" and re.search(r"\b(in|im|en|dans)\s+(the\s+)?([a-zäöüé]+(ern|en|lichen)\s+)?$",
                                                   text[max(sent.start, span.start - 25):span.start]):
            continue  # "visited the city in eastern Zhejiang": where, not who
        if first_match(lang, "where", text[max(sent.start, span.start - 60):span.start]):
            continue  # "Das Wirtschaftsministerium in Wiesbaden", "dont le siège se dresse à", "in the region of"
        if _UNNAMED_BEFORE.search(text, max(sent.start, span.start - 60), span.start):
            continue  # "avec une ville du Zhejiang", "with a district of Beijing": a party the text does not name
        if prev and re.fullmatch(r",?\s+(à|in|im|en)\s+", text[prev.end:span.start]):
            continue  # "Neukölln à Berlin", "Wuhan in Hubei", "Osnabrück, in Lower Saxony": where the one before is
        if re.search(r"[A-ZÄÖÜÉ][\w'’-]*\s*\(\s*$", text[max(sent.start, span.start - 40):span.start]):
            continue  # "Wuhan (Hubei)", "Budafok-Tétény (Budapest XXII)": a name's qualifier in parentheses
        if prev and prev.place.kind in ("district", "county") and span.place.country == prev.place.country \
                and re.fullmatch(r"\s*,?\s*(of|der Stadt|de|du|in|im|à|au cœur de|in the heart of|im Herzen von)\s+"
                                 r"((the )?city of |la ville de )?", text[prev.end:span.start], re.IGNORECASE):
            continue  # "dem Bezirk Laoshan der Stadt Qingdao": the city a district lies in
        if prev and span.place.kind != "city" and prev.place.kind == "city" \
                and span.place.country == prev.place.country and text[prev.end:prev.end + 2].startswith(",") \
                and not re.search(r"\b(and|und|et|with|mit|avec)\b", text[prev.end:span.start]):
            continue  # "Jinan, die Hauptstadt der Provinz Shandong,": an apposition locates the city
        if nxt and nxt.place.kind != "city" and nxt.place.country == span.place.country \
                and re.fullmatch(r"['’]s\s+", text[span.end:nxt.start]):
            continue
        kept.append(span)
    return kept


def _has_organisation(text: str, start: int, end: int, places, companies, lang: str) -> bool:
    """An agreement with a firm or an institution in the clause ("… with Robert Bosch GmbH", "the Jiangsu
    Provincial Department of Commerce signed …") is not one between places."""
    return any(start <= cs < end for cs, _ in companies) or any(
        start <= p.start < end and is_org_modifier(text, p, lang, start, end) for p in places)


def _in_company_parenthesis(text: str, span: PlaceSpan, companies) -> bool:
    """"Yuxinou (Chongqing)": a place in parentheses right after a company name qualifies it."""
    return any(0 <= span.start - ce <= 2 and text[ce:span.start].strip() == "(" for _, ce in companies)


def _unique(spans: list[PlaceSpan]) -> list[PlaceSpan]:
    """The first mention of each place."""
    seen: set[str] = set()
    return [p for p in spans if not (p.place.place_id in seen or seen.add(p.place.place_id))]


# "partnerships with ten cities, including …": a list of some of them
_INCLUDING = r"[^.;:]{0,40}?[\s,]\s*(including|among them|such as|darunter|unter anderem|notamment|dont)\s+"


def _listed_after(text: str, pos: int, members: list[PlaceSpan]) -> list[PlaceSpan]:
    """The places enumerated right after `pos` ("seinen Partnerstädten Bourges und Inverness",
    "our partnerships with Marseille and St. Petersburg", "Partnerschaften mit zehn Städten, darunter A und B")."""
    listed = []
    for m in members:
        if m.start < pos:
            continue
        gap = text[pos:m.start]
        lead = r"(\w*\s*:?\s*((with|mit|avec|like|wie|comme)\s+)?|" + _INCLUDING + ")" if not listed \
            else r"\s*(,|and|und|et|sowie)\s*"
        if len(gap) > 60 or not re.fullmatch(lead + r"((the|die|der|dem|den|le|la|l['’])\s*)?([a-zäöüéè-]+\s+)?", gap):
            break
        listed.append(m)
        pos = m.end
        paren = re.match(r"\s*\([^)]*\)", text[pos:])
        pos += paren.end() if paren else 0
    return listed


_GENITIVE_S = re.compile(r"['’]?s")
_OWNER_AFTER = re.compile(r"(['’]?s)?\s+((?-i:[a-z]+|[A-Z][a-z]+)\s+){0,2}?(sister|twin|partner|friendship|international)",
                          re.IGNORECASE)
_WORD_END = re.compile(r"s?(?!\w)")
_AND_AFTER = re.compile(r"s?\s*(und|and|et)\b")
_COMPOUND_AFTER = re.compile(r"(s|er)\s+(Partner|Schwester|Freundschafts)")


def _owner(text: str, clause_start: int, parties: list[PlaceSpan]) -> PlaceSpan | None:
    """The party a clause names as the owner of the others: "X's partner cities", "Partnerstädte
    von X", "zu den Partnerstädten Duisburgs", "Augsburgs Partnerstadt"."""
    for span in parties:
        after = text[span.end:span.end + 30]
        before = text[max(clause_start, span.start - 40):span.start]
        genitive = _GENITIVE_S.match(after) or (text[span.end - 1] == "s" and not span.place.name.endswith("s"))
        if genitive and _OWNER_AFTER.match(after):
            return span
        if _OWNED_BY.search(before) and _WORD_END.match(after) and not _AND_AFTER.match(after):
            return span
        one = _OWNED_BY_ONE.search(before)
        if one and (one.group(2) or genitive):
            return span
        if _COMPOUND_AFTER.match(after):
            return span
    return None


def _hub(text: str, clause_start: int, members: list[PlaceSpan], triggers, carried: Place | None,
         dates) -> Place:
    """Whom the clause's places relate to: the owner it names; else, for a list of partners ("Zu den
    Partnerstädten zählen Nizza (1954), Krakau (1979) …", "the twinnings with A and B"), the subject
    carried from before; else its first place, not counting one after "besides" or after a preposition that opens
    the clause ("X and Y signed", "X has partnerships with A, B and C", "Neben Taiyuan unterhält Chemnitz
    Partnerschaften mit A, B und C", "Mit Qingdao hat Regensburg nun sieben Partnerstädte")."""
    owner = _owner(text, clause_start, members)
    if owner is not None:
        return owner.place
    if carried is not None and len(members) >= 2:
        own_dates = [_own_date(text, m, [], dates) for m in members]  # "Nizza (1954), Krakau (1979)", not one
        listed = all(own_dates) and len(set(map(id, own_dates))) == len(members)  # "Mit A ist B seit 1984 …"
        first = min(triggers, key=lambda t: t.start, default=None)
        after_trigger = first is not None and first.start < members[0].start
        if listed or (after_trigger and (len(members) >= 3 or _WITH.fullmatch(text, first.end, members[0].start))):
            return carried  # "Les jumelages avec Pittsburgh et Duisburg ont suivi": the partners of the subject
    return next((m for m in members if not _BESIDES_BEFORE.search(text, max(clause_start, m.start - 20), m.start)
                 and not _PREPOSITION_BEFORE.fullmatch(text[clause_start:m.start].lstrip())), members[0]).place


# its region and country after a list item: "Nishinomiya, Hyogo Prefecture, Japan (23 July 1985)"
_ADDRESS = re.compile(r",\s*[A-Z][\w'’-]*(\s+[A-Z][\w'’-]*)*\s+(Prefecture|Province|County|State|Region|Oblast|"
                      r"Voivodeship|Department),\s*[A-Z][\w'’-]*(\s+[A-Z][\w'’-]*){0,2}(?=\s*\()")
_ITEM_GAP = re.compile(r"[\s,(]*((?!(and|und|et)\b)\w+[\s()]+){0,4}")  # words, not a coordination


_WITH_NAME = re.compile(r"(\s+[\w-]+){0,2}?\s+(with|mit|avec)\s+((the|der|dem|den|la|le|l['’])\s*)?(?=[A-ZÄÖÜÉ])")


def _names_unknown_partner(text: str, own: list[Trigger], member: PlaceSpan) -> bool:
    """Whether a relation word after the clause's one place goes on with a name that is no place we know."""
    for t in own:
        after = _WITH_NAME.match(text, t.end)
        if member.end <= t.start and after and after.end() != member.start:
            return True
    return False


def _own_date(text: str, span: PlaceSpan, following: list[PlaceSpan], dates):
    """A date that follows a list item directly ("Wuhan (1982)", "Wuhan since 1982", "Donezk in der Ukraine
    (seit 1987)", "Trèves (Allemagne) depuis 1957"), also after where it lies ("Finchley, dans le borough londonien
    de Barnet, depuis 1962"), or follows the item coordinated with it ("Lille and Turin in 1958")."""
    qualifier = _QUALIFIER.match(text, span.end) or _ADDRESS.match(text, span.end)
    for end in (span.end, qualifier.end()) if qualifier else (span.end,):
        for d in dates:
            if 0 <= d.start - end <= 25 and _ITEM_GAP.fullmatch(text[end:d.start] + " "):
                return d
    if following and re.fullmatch(r"\s+(and|und|et)\s+", text[span.end:following[0].start]):
        return _own_date(text, following[0], following[1:], dates)
    return None


def _relation_of(text: str, other: PlaceSpan, own: list[Trigger], relation: str, hub: Place, lang: str) -> str:
    """The relation word nearest before a partner where a clause holds several ("…, qui n'est jumelée qu'avec
    Rome, entretient un accord de coopération avec Pékin"); a region's "partenariat" with another region is a
    twinning (GOLD_FORMAT: Partnerprovinz)."""
    before = [t for t in own if t.end <= other.start]
    if len({t.relation for t in own}) > 1 and before:
        nearest = max(before, key=lambda t: t.start)
        relation = nearest.relation if not re.search(r"[.;:]", text[nearest.end:other.start]) else relation
    if relation == "cooperation" and hub.kind in REGION_LEVEL and other.place.kind in REGION_LEVEL and all(
            first_match(lang, "region_partnership", text[t.start:t.end]) for t in own if t.relation == "cooperation"):
        return "sister_city"
    return relation


def _dates_it(status: str, chunk: str, lang: str) -> bool:
    """Whether the clause's dates can date its relation: a proposal only by a signing it states (a letter
    of intent), not by a council's vote or a signing planned for later."""
    return status != "proposed" or first_match(lang, "signed", chunk) is not None


def _status(chunk: str, lang: str) -> tuple[str, bool]:
    """(status, stated): a sentence without any cue says "signed" only by default."""
    signed = first_match(lang, "signed", chunk) is not None
    if first_match(lang, "proposed", chunk) or (first_match(lang, "weak_proposed", chunk) and not signed):
        return "proposed", True
    return "signed", signed


def merge_relations(found: list[tuple[Relation, bool]]) -> list[Relation]:
    """One relation per unordered pair: the current relation type (the highest in force, else the
    highest planned); signed when a sentence
    states a signing, else proposed when one says so; the date that relation was established (its
    earliest year, most precise)."""
    groups: dict[tuple[str, str], list[tuple[Relation, bool]]] = {}
    for r, stated in found:
        groups.setdefault(tuple(sorted((r.a.place_id, r.b.place_id))), []).append((r, stated))
    merged = []
    for group in groups.values():
        # a tie in force outranks a planned higher one ("friendship treaty 2013" vs "plans a twinning")
        in_force = [(r, stated) for r, stated in group if r.status == "signed"] or group
        top = max(PRIORITY[r.relation] for r, _ in in_force)
        of_type = [(r, stated) for r, stated in group if PRIORITY[r.relation] == top]
        if any(r.status == "signed" and stated for r, stated in of_type):
            status = "signed"
        elif any(r.status == "proposed" for r, _ in of_type):
            status = "proposed"
        else:
            status = "signed"
        pool = [r for r, _ in of_type if r.status == status] or [r for r, _ in of_type]
        dated = [r for r in pool if r.date] or [r for r, _ in of_type if r.date]
        # the earliest year: later dates in a document are visits, renewals, celebrations
        date_src = min(dated, key=lambda r: (r.date[:4], -PRECISION_RANK[r.date_precision])) if dated else None
        # the same date told more precisely elsewhere ("1986" in a table, "en octobre 1986" in the text)
        finer = [r for r, _ in group if date_src and r.date and r.date.startswith(date_src.date)]
        date_src = max(finer, key=lambda r: PRECISION_RANK[r.date_precision], default=date_src)
        base = min(pool, key=lambda r: r.start)
        a, b = sorted((base.a, base.b), key=lambda p: p.name)
        merged.append(Relation(
            base.doc_id, a, b, base.relation, status, date_src.date if date_src else None,
            date_src.date_precision if date_src else None, base.evidence, base.start, base.end,
            max(r.confidence for r, _ in group)))
    return sorted(merged, key=lambda r: (r.start, r.a.name, r.b.name))
