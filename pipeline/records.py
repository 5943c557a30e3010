"""The few plain records that cross a stage boundary; every offset points into TextDoc.text."""
from __future__ import annotations

import copyreg
import operator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Source:
    """A file found in the corpus. `status` is 'pending' until a later stage reads it."""

    doc_id: str
    path: str  # relative to the corpus folder, '/'-separated
    abspath: str
    format: str  # txt, md, html, pdf, or the file's own extension
    size: int
    sha256: str | None
    status: str = "pending"  # pending | skipped | failed
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int
    start: int
    end: int
    language: str = "und"
    language_score: float = 0.0
    boilerplate: bool = False  # share/comment prompts, cookie and copyright lines: kept, but not analysed


@dataclass(frozen=True, slots=True)
class TextDoc:
    """One clean main text per document, with the metadata its source states."""

    doc_id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO 8601 cut to its precision
    published_precision: str | None = None  # day | month | year
    paragraphs: tuple[Paragraph, ...] = ()
    language: str = "und"
    language_score: float = 0.0
    n_pages: int | None = None


@dataclass(frozen=True, slots=True)
class Place:
    place_id: str  # geonames:<id> or a stable local id (region:<key>)
    name: str  # common English name
    country: str | None  # ISO 3166-1 alpha-2
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    geonameid: int | None = None
    kind: str = "city"  # city | region | country


@dataclass(frozen=True, slots=True)
class PlaceSpan:
    """A place named in the text: where, and which place it was linked to."""

    start: int
    end: int
    place: Place


@dataclass(frozen=True, slots=True)
class Mention:
    doc_id: str
    type: str  # PLACE, COMPANY, DATE, SECTOR, ORG, PERSON, ...
    text: str
    start: int
    end: int
    normalized: str | None = None  # place id, company name, ISO date or NACE letter
    precision: str | None = None  # for DATE: day | month | year


@dataclass(frozen=True, slots=True)
class Relation:
    doc_id: str
    a: Place
    b: Place
    relation: str  # sister_city | friendship_city | cooperation
    status: str  # signed | proposed
    date: str | None
    date_precision: str | None
    evidence: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class SectorHit:
    doc_id: str
    sector: str  # NACE Rev. 2 section letter
    term: str
    start: int
    end: int


@dataclass(slots=True)
class DocResult:
    """Everything the per-document work produces; corpus-wide tables are built from these."""

    source: Source
    doc: TextDoc | None = None
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    sectors: list[SectorHit] = field(default_factory=list)
    status: str = "ok"
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage


def _record_reducer(cls):
    fields = operator.attrgetter(*cls.__slots__)  # one C call for all fields (they are always several)
    return lambda record: (cls, fields(record))


# Slotted dataclasses pickle through a pure-Python __getstate__/__setstate__ pair that reads fields() for every
# record; rebuilding each from the tuple of its fields is several times faster. Registered here, beside the
# classes, so that every process uses it: the workers sending results, the parent storing them in the cache.
for _record in (Source, Paragraph, TextDoc, Place, PlaceSpan, Mention, Relation, SectorHit, DocResult):
    copyreg.pickle(_record, _record_reducer(_record))
