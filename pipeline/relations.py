"""Stage 6: linked places + dates + sentences -> typed city-pair relations, one per pair and document.

A sentence states a relation when it has a relation trigger (models/relation_triggers.tsv) and
two parties: places that are not part of an organisation's name ("University of Amiens"),
not the same place, not a place and the region it lies in. With more than two places the
sentence's first place (or the owner in "X's partner cities") is the hub the others pair with,
so two partners of one city never pair with each other. A sentence that opens with "The city"
carries the hub of the sentence before it. A table row under a partner-city heading pairs with
the document's main place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .config import MODELS
from .records import Place, Relation

PRIORITY = {"sister_city": 3, "friendship_city": 2, "cooperation": 1}
PRECISION_RANK = {"day": 3, "month": 2, "year": 1, None: 0}


@dataclass(frozen=True, slots=True)
class PlaceSpan:
    start: int
    end: int
    place: Place


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


def _search(lang: str, kind: str, text: str):
    for pattern in load_patterns().get(lang, {}).get(kind, []):
        m = pattern.search(text)
        if m:
            return m
    return None


def find_triggers(text: str, lang: str) -> list[Trigger]:
    found = []
    for kind in PRIORITY:
        for pattern in load_patterns().get(lang, {}).get(kind, []):
            found.extend(Trigger(m.start(), m.end(), kind) for m in pattern.finditer(text))
    return found


def is_org_modifier(text: str, span: PlaceSpan, lang: str, sent_start: int, sent_end: int) -> bool:
    """True when the place names an organisation rather than a party: "Zhengzhou University",
    "University of Amiens", "Wirtschaftsförderung von Duisburg", "port de Marseille"."""
    after = text[span.end:min(sent_end, span.end + 40)]
    before = text[max(sent_start, span.start - 90):span.start]
    heads = load_patterns().get(lang, {}).get("org_head", [])
    for pattern in heads:
        if re.match(r"^[\s'’s-]*(?-i:[A-Z][\w-]+\s+){0,3}(?:" + pattern.pattern + ")", after, re.IGNORECASE):
            return True
        if re.search(r"(?:" + pattern.pattern + r")\w*\s+(?:of|von|der|des|de|du|d'|de la)\s+(?:the\s+)?"
                     r"(?-i:[A-Z][\w-]+\s*(?:,|und|and|et|sowie)\s+)?$", before,
                     re.IGNORECASE):
            return True
    return False


def contains(region: Place, city: Place) -> bool:
    """A region and a place of the same country are never a pair ("Jinan in Shandong province")."""
    return region.kind != "city" and region.country == city.country


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
        visit = _search(lang, "visit", text[max(0, d.start - 40):d.start]) is not None
        return visit, min(abs(d.start - anchor), abs(d.end - anchor))
    return min(dates, key=score, default=None)


CLAUSE_BREAK = re.compile(
    r";\s+|,\s+(?=(the same year|in the same year|when|while|whereas|which|who|where|after|before|and|but|"
    r"während|wobei|als|nachdem|bevor|und|aber|doch|tandis que|alors que|lorsque|quand|après|avant|et|mais)\b)"
    r"|\s+(?=(while|whereas|während|tandis que)\s)")


_RELATIVE = re.compile(r"\s*(which|who|that|die|der|das|welche|qui|que|lesquelles|lesquels)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"(our|unser|notre|nos)\b", re.IGNORECASE)


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence: each clause can state its own pair with its own subject."""
    spans, pos = [], start
    for m in CLAUSE_BREAK.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(s, e) for s, e in spans if s < e]


def extract_relations(doc_id: str, text: str, sentences, places: list[PlaceSpan], dates,
                      companies: list[tuple[int, int]], main_place: Place | None) -> list[Relation]:
    """Every pair the document states, merged to one per pair (sister > friendship > cooperation)."""
    found: list[tuple[Relation, bool]] = []  # (relation, its status is stated)
    previous_hub: Place | None = None
    table_relation: str | None = None
    for sent in sentences:
        chunk = text[sent.start:sent.end]
        lang = sent.language
        parties = _parties(text, sent, places, companies, lang)
        triggers = [Trigger(sent.start + t.start, sent.start + t.end, t.relation) for t in find_triggers(chunk, lang)]
        if "\t" in chunk:  # a table row: pairs with the document's place under a partner heading
            if table_relation and main_place and parties:
                found.extend(_table_relations(doc_id, text, sent, parties, dates, main_place, table_relation))
            continue
        if _search(lang, "list_heading", chunk) and len(parties) <= 1 and len(chunk) < 120:
            table_relation = max(triggers, key=lambda t: PRIORITY[t.relation]).relation if triggers else "sister_city"
        elif len(chunk.split()) > 12:
            table_relation = None
        if not triggers:
            if parties:
                previous_hub = _hub(text, sent.start, parties).place
            continue
        best = max(triggers, key=lambda t: PRIORITY[t.relation])
        status, stated = _status(chunk, lang)
        sent_dates = [d for d in dates if sent.start <= d.start and d.end <= sent.end]
        hub: Place | None = None
        clauses = split_clauses(text, sent.start, sent.end)
        triggered_before = False
        for n, (c_start, c_end) in enumerate(clauses):
            members = [p for p in parties if c_start <= p.start < c_end]
            has_trigger = any(c_start <= t.start < c_end for t in triggers)
            # "Milan and Shanghai, which signed …": the trigger sits in the relative clause after it
            next_only_trigger = n + 1 < len(clauses) and _RELATIVE.match(text, clauses[n + 1][0]) and not any(
                clauses[n + 1][0] <= p.start < clauses[n + 1][1] for p in parties) and any(
                clauses[n + 1][0] <= t.start < clauses[n + 1][1] for t in triggers)
            triggered_before = triggered_before or has_trigger
            if not members:
                continue
            opening = _search(lang, "anaphor", text[c_start:c_start + 60])
            possessive = _search(lang, "possessive", text[c_start:c_end])
            if not (has_trigger or next_only_trigger):
                if hub is None and len(members) == 1:
                    hub = members[0].place  # the subject, for a clause that follows ("…, when it signed …")
                if len(members) >= 2 or opening or not triggered_before:
                    continue  # no trigger of its own: only a list going on ("… and Lyon") continues
            # "The city signed …" carries the subject; "The state capital Magdeburg" is an apposition;
            # "our partnerships with A and B" and "Bonn, its twin" name the other side by a pronoun.
            anaphoric = (opening and members[0].start - (c_start + opening.end()) > 8) or (possessive and (
                c_start + possessive.start() < members[0].start or (len(members) == 1 and has_trigger)))
            carried = main_place if possessive and _FIRST_PERSON.match(possessive.group()) else None
            carried = carried or previous_hub or main_place
            if anaphoric and carried is not None:
                c_hub = carried
            elif len(members) >= 2:
                c_hub = _hub(text, c_start, members).place
            elif hub is not None:
                c_hub = hub
            else:
                hub = members[0].place
                continue
            others = [p for p in members if p.place.place_id != c_hub.place_id]
            clause_dates = [d for d in sent_dates if c_start <= d.start < c_end] or sent_dates
            for k, other in enumerate(others):
                if contains(c_hub, other.place) or contains(other.place, c_hub):
                    continue
                if c_hub.country == other.place.country and len(others) > 1:
                    continue
                date = _own_date(text, other, others[k + 1:], clause_dates) if len(others) > 1 else None
                if date is None and (len(others) == 1 or len(clause_dates) == 1):
                    date = pick_date(clause_dates, best.start, text, lang)
                found.append((Relation(
                    doc_id, c_hub, other.place, best.relation, status, date.iso if date else None,
                    date.precision if date else None, chunk.strip(), sent.start, sent.end,
                    0.9 if len(members) == 2 and not anaphoric else 0.7), stated))
            hub = c_hub
        previous_hub = hub or previous_hub
    return merge_relations(found)


def _parties(text: str, sent, places: list[PlaceSpan], companies, lang: str) -> list[PlaceSpan]:
    """The places of a sentence that can be parties: not inside a company's or an organisation's name,
    not a locative qualifier of the place before ("Ningbo in Zhejiang", "Wuhan's Hanyang District")."""
    spans = [p for p in places if sent.start <= p.start and p.end <= sent.end
             and not any(cs <= p.start and p.end <= ce for cs, ce in companies)
             and not _in_company_parenthesis(text, p, companies)
             and not is_org_modifier(text, p, lang, sent.start, sent.end)]
    spans = _unique(spans)
    kept = []
    for k, span in enumerate(spans):
        prev = spans[k - 1] if k else None
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        if prev and span.place.kind != "city" and span.place.country == prev.place.country \
                and re.fullmatch(r"\s*,?\s*(in|im|en|dans|of)\s+(the\s+)?([a-zäöüé]+\s+)?(province\s+of\s+)?",
                                 text[prev.end:span.start], re.IGNORECASE):
            continue
        if span.place.kind != "city" and re.search(r"\b(in|im|en|dans)\s+(the\s+)?([a-zäöüé]+(ern|en|lichen)\s+)?$",
                                                   text[max(sent.start, span.start - 25):span.start]):
            continue  # "visited the city in eastern Zhejiang": where, not who
        if nxt and nxt.place.kind != "city" and nxt.place.country == span.place.country \
                and re.fullmatch(r"['’]s\s+", text[span.end:nxt.start]):
            continue
        kept.append(span)
    return kept


def _in_company_parenthesis(text: str, span: PlaceSpan, companies) -> bool:
    """"Yuxinou (Chongqing)": a place in parentheses right after a company name qualifies it."""
    return any(0 <= span.start - ce <= 2 and text[ce:span.start].strip() == "(" for _, ce in companies)


def _unique(spans: list[PlaceSpan]) -> list[PlaceSpan]:
    seen, out = set(), []
    for span in sorted(spans, key=lambda s: s.start):
        if span.place.place_id not in seen and span.place.kind != "country":
            seen.add(span.place.place_id)
            out.append(span)
    return out


def _hub(text: str, clause_start: int, parties: list[PlaceSpan]) -> PlaceSpan:
    """The party the others relate to: an owner ("X's partner cities", "Partnerstädte von X",
    "jumelée avec X") or else the first place of the sentence."""
    for span in parties:
        after = text[span.end:span.end + 30]
        before = text[max(clause_start, span.start - 40):span.start]
        if re.match(r"^(['’]s|s)?\s+(sister|twin|partner|friendship|international)", after, re.IGNORECASE):
            return span
        if re.search(r"(Partnerst[aä]dte?|Partnerstädten|Freundschaftsst[aä]dte?)\s+(von|der Stadt)\s+$", before):
            return span
        if re.match(r"^(s|er)\s+(Partner|Schwester|Freundschafts)", after):
            return span
    return parties[0]


def _own_date(text: str, span: PlaceSpan, following: list[PlaceSpan], dates):
    """A date that follows a list item directly ("Wuhan (1982)", "Wuhan since 1982"), or follows
    the item coordinated with it ("Lille and Turin in 1958")."""
    for d in dates:
        gap = text[span.end:d.start]
        if 0 <= d.start - span.end <= 25 and re.fullmatch(r"[\s,(]*(\w+\s){0,2}[\s(]*", gap + " "):
            return d
    if following and re.fullmatch(r"\s+(and|und|et)\s+", text[span.end:following[0].start]):
        return _own_date(text, following[0], following[1:], dates)
    return None


def _status(chunk: str, lang: str) -> tuple[str, bool]:
    """(status, stated): a sentence without any cue says "signed" only by default."""
    signed = _search(lang, "signed", chunk) is not None
    if _search(lang, "proposed", chunk) or (_search(lang, "weak_proposed", chunk) and not signed):
        return "proposed", True
    return "signed", signed


def _table_relations(doc_id, text, sent, parties, dates, main_place: Place, relation: str) -> list:
    row_dates = [d for d in dates if sent.start <= d.start and d.end <= sent.end]
    out = []
    for span in parties:
        if span.place.place_id == main_place.place_id or contains(main_place, span.place) \
                or contains(span.place, main_place):
            continue
        date = row_dates[0] if row_dates else None
        out.append((Relation(doc_id, main_place, span.place, relation, "signed", date.iso if date else None,
                             date.precision if date else None, text[sent.start:sent.end].strip(),
                             sent.start, sent.end, 0.7), False))
        break  # one partner per row
    return out


def merge_relations(found: list[tuple[Relation, bool]]) -> list[Relation]:
    """One relation per unordered pair: the current (highest) relation type; signed when a sentence
    states a signing, else proposed when one says so; the date that relation was established."""
    groups: dict[tuple[str, str], list[tuple[Relation, bool]]] = {}
    for r, stated in found:
        groups.setdefault(tuple(sorted((r.a.place_id, r.b.place_id))), []).append((r, stated))
    merged = []
    for group in groups.values():
        top = max(PRIORITY[r.relation] for r, _ in group)
        of_type = [(r, stated) for r, stated in group if PRIORITY[r.relation] == top]
        if any(r.status == "signed" and stated for r, stated in of_type):
            status = "signed"
        elif any(r.status == "proposed" for r, _ in of_type):
            status = "proposed"
        else:
            status = "signed"
        pool = [r for r, _ in of_type if r.status == status] or [r for r, _ in of_type]
        dated = [r for r in pool if r.date] or [r for r, _ in of_type if r.date]
        date_src = min(dated, key=lambda r: (-PRECISION_RANK[r.date_precision], r.date)) if dated else None
        base = min(pool, key=lambda r: r.start)
        a, b = sorted((base.a, base.b), key=lambda p: p.name)
        merged.append(Relation(
            base.doc_id, a, b, base.relation, status, date_src.date if date_src else None,
            date_src.date_precision if date_src else None, base.evidence, base.start, base.end,
            max(r.confidence for r, _ in group)))
    return sorted(merged, key=lambda r: (r.start, r.a.name, r.b.name))
