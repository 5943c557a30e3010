"""Stage 2: a Source's bytes -> one clean main TextDoc (offsets of every later stage point into its text)."""
from __future__ import annotations

import hashlib

from ..records import Source, TextDoc


class ExtractionError(Exception):
    """The document cannot be read; the message is what `documents.error` shows."""


class SourceChangedError(ExtractionError):
    """The file vanished, changed or became unreadable after it was hashed: a fact about this run, not about
    the file's content, so the runner never caches it and the next run reads the file again."""

    PREFIX = "file changed during the run"


READERS = ("txt", "md", "html", "htm", "pdf")
# Refused, not truncated: spaCy's default max_length, and ~300 pages of prose; a press release or a city
# profile is far shorter, so a longer text is a dump or an attack, and a cut text would hide that.
MAX_TEXT_CHARS = 1_000_000


def check_text_length(n_chars: int) -> None:
    if n_chars > MAX_TEXT_CHARS:
        raise ExtractionError(f"text too long: more than {MAX_TEXT_CHARS:,} characters (refused, not truncated)")


def extract_text(source: Source) -> TextDoc:
    """Read `source` and return its clean main text; raises ExtractionError for a bad document."""
    data = read_source(source)
    fmt = source.format
    if fmt == "pdf":
        from .pdf import extract_pdf

        doc = extract_pdf(source.abspath, source.doc_id)
    elif fmt in ("html", "htm"):
        from .html import extract_html

        doc = extract_html(data, source.doc_id)
    elif fmt in ("txt", "md"):
        from .txt import extract_txt

        doc = extract_txt(data, source.doc_id, fmt)
    else:
        raise ExtractionError(f"unsupported format {fmt!r}")
    check_text_length(len(doc.text))
    return doc


def read_source(source: Source) -> bytes:
    """The file's bytes, checked against the hash discovery recorded (the cache is keyed by that hash)."""
    try:
        with open(source.abspath, "rb") as fh:
            data = fh.read(source.size + 1)  # a file that grew since discovery is not read whole
    except FileNotFoundError:
        raise SourceChangedError(f"{SourceChangedError.PREFIX}: it vanished before it was read") from None
    except PermissionError:
        raise SourceChangedError(f"{SourceChangedError.PREFIX}: permission denied when it was read") from None
    except OSError as exc:
        raise SourceChangedError(f"{SourceChangedError.PREFIX}: cannot read it: {exc.strerror or exc}") from None
    if source.sha256 and hashlib.sha256(data).hexdigest() != source.sha256:
        raise SourceChangedError(f"{SourceChangedError.PREFIX}: its content changed after it was hashed")
    return data
