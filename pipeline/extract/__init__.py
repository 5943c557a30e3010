"""Stage 2: a Source's bytes -> one clean main TextDoc (offsets of every later stage point into its text)."""
from __future__ import annotations

from ..records import Source, TextDoc


class ExtractionError(Exception):
    """The document cannot be read; the message is what `documents.error` shows."""


READERS = ("txt", "md", "html", "htm", "pdf")


def extract_text(source: Source) -> TextDoc:
    """Read `source` and return its clean main text; raises ExtractionError for a bad document."""
    fmt = source.format
    if fmt == "pdf":
        from .pdf import extract_pdf

        return extract_pdf(source.abspath, source.doc_id)
    with open(source.abspath, "rb") as fh:
        data = fh.read()
    if fmt in ("html", "htm"):
        from .html import extract_html

        return extract_html(data, source.doc_id)
    if fmt in ("txt", "md"):
        from .txt import extract_txt

        return extract_txt(data, source.doc_id, fmt)
    raise ExtractionError(f"unsupported format {fmt!r}")
