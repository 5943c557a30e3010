"""HTML bytes -> TextDoc of the article's main content (trafilatura); title and publication date from the page's markup."""
from __future__ import annotations

import re
from collections.abc import Iterator

import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.core import determine_returnstring
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.settings import Document, Extractor

from ..records import TextDoc
from . import MAX_TEXT_CHARS, ExtractionError
from .normalize import LIST_ITEM, join_paragraphs, normalize_text, split_boilerplate

# Without extensive search htmldate reads markup (meta tags, JSON-LD, <time>, the URL) and full ISO dates only,
# never a copyright year; fixed bounds instead of its default "today" keep results independent of the run's day.
DATE_CONFIG = {"extensive_search": False, "original_date": True, "min_date": "1990-01-01", "max_date": "2100-12-31"}
MAX_HTML_BYTES = 10 * MAX_TEXT_CHARS  # markup around the longest text we accept; trafilatura's time grows with it
# libxml2 stops nesting at 256 levels and silently drops what lies deeper; real pages stay far below this.
MAX_DEPTH = 200
_TOO_DEEP = etree.XPath("/".join(["*"] * MAX_DEPTH))  # the root's descendants MAX_DEPTH levels below it
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# trafilatura.extract's settings; its steps are called one by one to skip the content fingerprint (a simhash of
# the whole text) that `extract` computes for XML output and that nothing here reads.
MAIN_CONTENT = Extractor(output_format="xml", comments=False, tables=True, precision=True, with_metadata=False)


def extract_html(data: bytes, doc_id: str) -> TextDoc:
    """Read an HTML page's bytes; raises ExtractionError when it is empty or has no main content."""
    if not data.strip():
        raise ExtractionError("empty file")
    if len(data) > MAX_HTML_BYTES:
        raise ExtractionError(f"HTML too large: {len(data):,} bytes > limit {MAX_HTML_BYTES:,}")
    if _ENTITY_DECLARATION.search(data):
        # HTML never declares entities; XML ones (billion laughs, external files) are refused, never expanded.
        raise ExtractionError("HTML declares XML entities (<!ENTITY>): refused, entities are never expanded")
    tree = trafilatura.load_html(data)
    if tree is None or tree.find(".//body") is None:
        raise ExtractionError("HTML has no main content")
    if _TOO_DEEP(tree):
        raise ExtractionError(f"HTML nested more than {MAX_DEPTH} elements deep: refused")
    title, published = read_title_and_date(tree)
    document = trafilatura.bare_extraction(tree, options=MAIN_CONTENT)  # the tree was parsed once, for both
    xml = determine_returnstring(document, MAIN_CONTENT) if isinstance(document, Document) else None
    main = etree.fromstring(xml.encode("utf-8")).find("main") if xml else None
    chunks = [chunk for chunk in map(normalize_text, iter_main_chunks(main)) if chunk] if main is not None else []
    if not chunks:
        raise ExtractionError("HTML has no main content")
    title = normalize_text(title) if title else None
    if title and chunks[0].casefold() != title.casefold():
        chunks.insert(0, title)  # as in the text readers, the title opens the text
    text, paragraphs = join_paragraphs(part for chunk in chunks for part in split_boilerplate(chunk.split("\n")))
    return TextDoc(
        doc_id=doc_id,
        text=text,
        title=title,
        published=published,
        published_precision="day" if published else None,
        paragraphs=paragraphs,
    )


def read_title_and_date(tree: etree._Element) -> tuple[str | None, str | None]:
    """The title and date of trafilatura's `extract_metadata`, without the author, site name, categories, tags
    and licence it also reads (two thirds of its time): meta tags, then JSON-LD, then the <title>; htmldate
    with the canonical URL."""
    metadata = examine_meta(tree)
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # noqa: BLE001 - as in extract_metadata: a bug in trafilatura's JSON-LD reader
        pass
    fields = Document()
    fields.title = metadata.title or extract_title(tree)
    fields.date = find_date(tree, **DATE_CONFIG, url=metadata.url or extract_url(tree))
    fields.clean_and_trim()  # entities, spaces and length, as extract_metadata leaves them
    return fields.title, fields.date


def iter_main_chunks(main: etree._Element) -> Iterator[str]:
    """Paragraph texts of trafilatura's <main>: heads and paragraphs, lists (a line an item, marked "- "), tables
    (tab-separated cells)."""
    for element in main:
        if element.tag == "table":
            yield "\n".join("\t".join(_text(cell) for cell in row.iter("cell")) for row in element.iter("row"))
        elif element.tag == "list":
            yield "\n".join(LIST_ITEM + _text(item) for item in element.findall("item"))
        else:
            yield _text(element)


def _text(element: etree._Element) -> str:
    """Text of an element, trafilatura's <lb/> line breaks kept as newlines."""
    for lb in element.iter("lb"):
        lb.text = "\n"
    return "".join(element.itertext()).strip()
