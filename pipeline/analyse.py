"""Stages 5-6 for one annotated document: link places, dates, companies, sectors -> relations.

Fills a DocResult's mentions, places, sectors and relations from its text and its Annotation
(stage 4, `annotate`); everything here works on plain records, so it is testable without a model.
"""
from __future__ import annotations

from dataclasses import replace

from .annotate import Annotation, iter_segments
from .link.companies import find_companies, group_document_companies
from .link.dates import find_dates
from .link.place_mentions import link_places, main_places
from .link.places import load_gazetteer
from .link.sectors import find_sectors
from .records import DocResult, Mention, SectorHit
from .relations import extract_relations
from .triggers import sentence_triggers


def analyse(result: DocResult, ann: Annotation, lap) -> None:
    doc = result.doc
    text, doc_id = doc.text, doc.doc_id
    sentence_spans: dict[int, list[tuple[int, int]]] = {}  # paragraph index -> its sentences' spans
    for sent in ann.sentences:
        sentence_spans.setdefault(sent.paragraph, []).append((sent.start, sent.end))
    # each analysed paragraph: language, span, and its sentences' spans within it (dates and sectors read those)
    segments = [(lang, s, e, [(a - s, b - s) for a, b in sentence_spans.get(index, [])])
                for lang, s, e, index in iter_segments(doc)]
    dates = [replace(d, start=d.start + s, end=d.end + s)
             for lang, s, e, spans in segments for d in find_dates(text[s:e], lang, doc.published, spans)]
    gazetteer = load_gazetteer()
    companies = find_companies(text, ann.sentences, ann.entities, lambda name: _is_place_name(gazetteer, name))
    company_spans = [(s, e) for s, e, _ in companies]
    triggers = sentence_triggers(text, ann.sentences)
    places = link_places(text, ann, gazetteer, triggers, company_spans)
    ids = _company_ids(text, companies)
    taken = company_spans + [(e.start, e.end) for e in ann.entities if e.label == "ORG"] \
        + [(p.start, p.end) for p in places]  # "Ludwigshafen" names no port
    sectors = [SectorHit(doc_id, letter, term, s + hs, s + he)
               for lang, s, e, spans in segments for letter, term, hs, he in find_sectors(text[s:e], lang, spans)
               if not any(ts <= s + hs < te for ts, te in taken)]
    lap("link")
    result.relations = extract_relations(doc_id, text, ann.sentences, places, dates, company_spans,
                                         main_places(doc, places), triggers)
    lap("relations")
    mentions = [Mention(doc_id, "PLACE", text[p.start:p.end], p.start, p.end, p.place.place_id) for p in places]
    mentions += [Mention(doc_id, "DATE", d.text, d.start, d.end, d.iso, d.precision) for d in dates]
    mentions += [Mention(doc_id, "COMPANY", name, s, e, ids[name]) for s, e, name in companies]
    mentions += [Mention(doc_id, "SECTOR", h.term, h.start, h.end, h.sector) for h in sectors]
    mentions += [Mention(doc_id, "PERSON" if e.label == "PER" else e.label, e.text, e.start, e.end)
                 for e in ann.entities if e.label in ("ORG", "PER") and (e.start, e.end) not in company_spans]
    result.mentions = mentions
    result.places = sorted({p.place.place_id: p.place for p in places}.values(), key=lambda p: p.place_id)
    result.sectors = sectors


def _is_place_name(gazetteer, name: str) -> bool:
    """A country or a place, also in the German genitive ("Chinas", "Duisburgs")."""
    return any(gazetteer.country_code(n) is not None or gazetteer.resolve(n, ner_label="LOC") is not None
               for n in (name, name[:-1] if name.endswith("s") else name))


def _company_ids(text: str, companies) -> dict[str, str]:
    """Company id per surface form; "EDF (Électricité de France)" makes the second an alias of the first,
    and so every form of the document that shares the alias's id ("JAC" after "… Co., Ltd. (JAC Motors)")."""
    ids = group_document_companies([name for _, _, name in companies])
    for (_, prev_end, prev), (start, _, name) in zip(companies, companies[1:]):
        if text[prev_end:start].strip() == "(":
            alias_id = ids[name]
            ids.update((form, ids[prev]) for form, cid in ids.items() if cid == alias_id)
    return ids
