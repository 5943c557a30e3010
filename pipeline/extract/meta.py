"""Header lines of a plain text -> title and publication date (the date rules are those of link.dates)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..link.dates import LANGUAGES, DateMatch, find_dates, has_year
from .normalize import is_boilerplate

HEADER_BLOCKS = 6  # a title or dateline further down is part of the body
MIN_TITLE_WORDS = 4  # shorter header lines are section labels unless nothing longer comes

_TIME = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b|\b(am|pm|uhr|h)\b", re.IGNORECASE)
_PUBLISHED = r"published( on)?|posted( on)?|release date|date of publication|veröffentlicht( am)?|erschienen( am)?|publié( le)?|date de publication"
_UPDATED = r"(last )?updated( on)?|last modified|stand|aktualisiert( am)?|mis à jour( le)?"
_LABEL = re.compile(
    rf"(?:^|[|·•]\s*)(?:(?P<published>{_PUBLISHED})|(?P<updated>{_UPDATED})|source|quelle|date|datum)\s*:?\s",
    re.IGNORECASE,
)
# "BELFAST, 21 October 2016 (…)", "PINGYAO (Shanxi), 22 septembre 2025 (Xinhua)", "CHÂTEAUROUX (Indre), 3 juin …"
_AGENCY_DATELINE = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .'’/-]{2,40}(\s*\([^)\n]{1,30}\))?,\s+")
_PUBLICATION_WORD = re.compile(rf"{_PUBLISHED}|{_UPDATED}", re.IGNORECASE)  # what a label of rank 0 or 2 holds
_DOMAIN = re.compile(r"^(https?://)?([\w-]+\.)+[a-z]{2,}(/\S*)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”»)]?$")
_SEGMENT_BREAK = re.compile(r"[|·•]")
_BYLINE = re.compile(r"\s*[–—,-]?\s*(?i:von|by|par)\s+[A-ZÄÖÜÉ][\w.'’-]+(?:\s+[A-ZÄÖÜÉ][\w.'’-]+){0,3}\s*[–—,-]?\s*")


@dataclass(frozen=True, slots=True)
class Block:
    """A blank-line separated chunk of a plain text; `heading` when the source marks it (markdown #)."""

    lines: tuple[str, ...]
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Header:
    title: str | None
    published: str | None
    precision: str | None
    body: tuple[Block, ...]  # the text's blocks from the title on, header metadata lines removed


def search_date(text: str) -> DateMatch | None:
    """The leftmost calendar date of day or month precision in `text`, in en, de or fr wording (2021-01-04,
    19.04.2023, '5. Mai 2021', 'Apr 19, 2023', 'mars 2022'), or None."""
    if not has_year(text):
        return None  # no date rule matches without a year: most lines of a text skip the date rules
    found = [d for lang in LANGUAGES for d in find_dates(text, lang) if d.precision != "year"]
    return min(found, key=lambda d: (d.start, -d.end), default=None)


def read_dateline(line: str) -> tuple[DateMatch, int] | None:
    """(date, rank) when `line` is a dateline: a labelled date ('Updated: …', 'Publié le …') or a bare date.

    Rank 0 is a publication date, 1 a date without label kind, 2 an update date ('Stand', 'Updated').
    """
    date = search_date(line)
    if date is None:
        return None
    agency = _AGENCY_DATELINE.match(line)
    if agency and date.start <= agency.end() + 12:
        return date, 0
    label = _LABEL.search(line[: date.start] + " ")
    if label:
        return date, 0 if label["published"] else 2 if label["updated"] else 1
    # the date's own segment of a meta line ("China im Fokus | Wirtschaft | 23.11.2023"), a byline beside it dropped
    start = max((m.end() for m in _SEGMENT_BREAK.finditer(line, 0, date.start)), default=0)
    stop = next((m.start() for m in _SEGMENT_BREAK.finditer(line, date.end)), len(line))
    before, after = ("" if _BYLINE.fullmatch(part) else part for part in (line[start:date.start], line[date.end:stop]))
    rest = _TIME.sub(" ", before + " " + after)
    if len(re.findall(r"\w+", rest)) <= 2 and len(before) + len(date.text) + len(after) <= 40:
        return date, 1
    return None


def publication_date(line: str) -> DateMatch | None:
    """The date of `line` when it is a dateline that says its date is the publication or update date (anywhere in
    a text). Only a wire dateline or a publication or update label makes one, so the date rules (the slow part)
    read no line that has neither, as most lines of a text have not."""
    if len(line.split()) > 12 or not (_AGENCY_DATELINE.match(line) or _PUBLICATION_WORD.search(line)):
        return None
    dateline = read_dateline(line)
    return dateline[0] if dateline and dateline[1] != 1 else None


def is_body_block(block: Block) -> bool:
    """A block of running text (ends the header): long, or a sentence of some length."""
    text = " ".join(block.lines)
    return not block.heading and (len(text) >= 250 or (len(text.split()) >= 15 and bool(_SENTENCE_END.search(text))))


def read_header(blocks: list[Block]) -> Header:
    """Title and publication date from the header blocks; the body starts at the title, metadata lines dropped."""
    zone = 0
    while zone < min(len(blocks), HEADER_BLOCKS) and not is_body_block(blocks[zone]):
        zone += 1
    datelines: list[tuple[int, int, DateMatch]] = []  # (rank, order, date)
    kept: list[tuple[Block, bool]] = []  # header blocks without their metadata lines, and whether they had any
    for block in blocks[:zone]:
        lines = []
        for line in block.lines:
            dateline = read_dateline(line)
            if dateline:
                datelines.append((dateline[1], len(datelines), dateline[0]))
            elif not (is_boilerplate(line) or _DOMAIN.match(line)):
                lines.append(line)
        if lines:
            kept.append((Block(tuple(lines), block.heading), len(lines) < len(block.lines)))
    title, header = _split_at_title(kept)
    if not datelines and zone < len(blocks) and _AGENCY_DATELINE.match(blocks[zone].lines[0]):
        dateline = read_dateline(blocks[zone].lines[0])  # a dateline opening the first paragraph stays in it
        datelines = [(0, 0, dateline[0])] if dateline else []
    if not datelines:
        later = (publication_date(line) for block in blocks[zone:] for line in block.lines)
        first = next((date for date in later if date), None)
        datelines = [(0, 0, first)] if first else []
    published = min(datelines, key=lambda d: d[:2])[2] if datelines else None
    return Header(title, published and published.iso, published and published.precision, header + tuple(blocks[zone:]))


def _split_at_title(kept: list[tuple[Block, bool]]) -> tuple[str | None, tuple[Block, ...]]:
    """The title line and the header blocks from it on, the title a block of its own; lines before it are dropped,
    and so are the short lines of a later metadata block ('nrwheute' beside '3 Min. Lesezeit': a source name).

    The title is the first heading, else the first line of MIN_TITLE_WORDS words, else the first line.
    """
    lines = [(i, j, line) for i, (block, _) in enumerate(kept) for j, line in enumerate(block.lines) if len(line) <= 300]
    rules = (lambda block, line: block.heading, lambda block, line: len(line.split()) >= MIN_TITLE_WORDS, lambda block, line: True)
    at = next(((i, j) for rule in rules for i, j, line in lines if rule(kept[i][0], line)), None)
    if at is None:
        return None, tuple(block for block, _ in kept)
    i, j = at
    block, had_metadata = kept[i]
    later = [(Block(block.lines[j + 1 :]), had_metadata)] + kept[i + 1 :]
    header = [Block((block.lines[j],), block.heading)]
    for block, had_metadata in later:
        content = tuple(line for line in block.lines if not had_metadata or len(line.split()) > 3)
        header.append(Block(content, block.heading))
    return header[0].lines[0], tuple(b for b in header if b.lines)
