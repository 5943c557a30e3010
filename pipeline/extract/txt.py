"""Plain-text and markdown bytes -> TextDoc: encoding detected, markup removed, header metadata read, boilerplate marked."""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator

from charset_normalizer import from_bytes
from markdown_it import MarkdownIt

from ..link.dates import parse_date
from ..records import TextDoc
from . import ExtractionError, check_text_length
from .meta import Block, read_header
from .normalize import LIST_ITEM, join_paragraphs, normalize_text, split_boilerplate

MAX_GARBAGE = 0.05  # share of control / unassigned / replacement characters a text may hold
MIN_LETTERS = 0.3  # share of letters among the visible characters of a text
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
DATE_FIELDS = ("date", "published", "pubdate")  # front-matter keys of a publication date
_COLUMN_GAP = re.compile(r"(?<=\S) {3,}(?=\S)")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)


def extract_txt(data: bytes, doc_id: str, fmt: str = "txt") -> TextDoc:
    """Read a .txt or .md file's bytes; raises ExtractionError for empty, binary, unreadable or too long content."""
    check_text_length(len(data) / 4)  # no encoding we read spends more than 4 bytes on a character
    text = normalize_text(decode_text(data))
    if not text:
        raise ExtractionError("empty file: whitespace only")
    fields: dict[str, str] = {}
    if fmt == "md":
        fields, text = split_front_matter(text)
        blocks = list(iter_markdown_blocks(text))
    else:
        blocks = [Block(aligned_cells([line.strip() for line in chunk.split("\n") if line.strip()]))
                  for chunk in text.split("\n\n")]
    header = read_header([block for block in blocks if block.lines])
    text, paragraphs = join_paragraphs(chunk for block in header.body for chunk in split_boilerplate(block.lines))
    if not text:
        raise ExtractionError("no main text: only metadata lines")
    published = next(filter(None, (parse_date(fields[key]) for key in DATE_FIELDS if key in fields)), None)
    return TextDoc(
        doc_id=doc_id,
        text=text,
        title=fields.get("title") or header.title,
        published=published[0] if published else header.published,
        published_precision=published[1] if published else header.precision,
        paragraphs=paragraphs,
    )


def aligned_cells(lines: list[str]) -> tuple[str, ...]:
    """A plain-text table's rows with tab-separated cells, as the other readers give tables: when two or more lines
    of a block have columns aligned with spaces ("Besançon      Frankreich      1959"), runs of three or more
    spaces separate cells."""
    if sum(1 for line in lines if _COLUMN_GAP.search(line)) < 2:
        return tuple(lines)
    return tuple(_COLUMN_GAP.sub("\t", line) for line in lines)


def decode_text(data: bytes) -> str:
    """Decode `data`: BOM, then UTF-16 without BOM, UTF-8, cp1252 for Western text, else charset-normalizer's guess."""
    if not data:
        raise ExtractionError("empty file")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None) or _sniff_utf16(data)
    if encoding:
        text = _decode_or_none(data, encoding)
    elif b"\x00" in data:
        raise ExtractionError("not a text file: binary content")
    else:
        text = _decode_or_none(data, "utf-8") or _decode_western(data)
    if text is not None:
        check_text_length(len(text))  # before the per-character checks below, which cost time and memory
    if text is None or _garbage_share(text) > MAX_GARBAGE:
        raise ExtractionError("not a text file: binary content")
    if _letter_share(text) < MIN_LETTERS:
        raise ExtractionError("no readable text: mostly symbols")
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: Latin text has a NUL in every other byte (odd positions for LE, even for BE)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0) / (len(data) / 2), data[1::2].count(0) / (len(data) / 2)
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode_western(data: bytes) -> str | None:
    """cp1252 (a superset of Latin-1's printable range) when the result reads as Western text.

    Western single-byte text is mostly ASCII; when most letters are not, the bytes are another script
    (Cyrillic, CJK) and charset-normalizer, unreliable between the Latin code pages, picks the encoding.
    """
    text = data.decode("cp1252", errors="replace")
    letters = [c for c in text if c.isalpha()]
    if letters and sum(not c.isascii() for c in letters) / len(letters) <= 0.3:
        return text
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def _decode_or_none(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # the ASCII control characters that are not whitespace
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _visible(text: str) -> int:
    """The number of characters that are not whitespace."""
    return sum(map(len, text.split()))


def _garbage_share(text: str) -> float:
    """Share of control characters, unassigned code points and replacement marks: binary data read as text."""
    bad = len(_ASCII_CONTROL.findall(text)) + sum(
        unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs") or c == "\ufffd"
        for c in _NON_ASCII.findall(text) if not c.isspace())
    visible = _visible(text)
    return bad / visible if visible else 0.0


def _letter_share(text: str) -> float:
    visible = _visible(text)
    return sum(map(str.isalpha, text)) / visible if visible else 1.0  # whitespace only: reported later


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-style front matter of a markdown file as {key: value} (title, date, ...) and the rest of the text."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    pairs = (line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)
    fields = {key.strip().lower(): value.strip().strip("\"'") for key, value in pairs}
    return {key: value for key, value in fields.items() if value}, text[m.end() :]


def iter_markdown_blocks(text: str) -> Iterator[Block]:
    """The words of a markdown text as blocks: headings, paragraphs, lists (a line an item, marked "- "), tables
    (tab-separated cells)."""
    lines: list[str] = []  # lines of the open list or table
    cells: list[str] | None = None  # cells of the open table row
    containers = 0  # depth of open lists and tables
    heading = False
    marker = ""  # LIST_ITEM before the first line of a list item
    for token in _MARKDOWN.parse(text):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open", "table_open"):
            containers += 1
        elif kind in ("bullet_list_close", "ordered_list_close", "table_close"):
            containers -= 1
            if not containers and lines:
                yield Block(tuple(lines))
                lines = []
        elif kind == "list_item_open":
            marker = LIST_ITEM
        elif kind in ("heading_open", "heading_close"):
            heading = kind == "heading_open"
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close" and cells is not None:
            lines.append("\t".join(cells))
            cells = None
        elif kind in ("inline", "fence", "code_block", "html_block"):
            content = _render_inline(token) if kind == "inline" else _strip_tags(token.content)
            content_lines = [line.strip() for line in content.split("\n") if line.strip()]
            if cells is not None:
                cells.append(" ".join(content_lines))
            elif containers and content_lines:
                lines += [marker + content_lines[0], *content_lines[1:]]
                marker = ""
            elif content_lines:
                yield Block(tuple(content_lines), heading)


def _render_inline(token) -> str:
    """Text of an inline token: emphasis and link markup dropped, link text kept, images and inline HTML dropped."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)
