"""PDF file -> TextDoc in reading order: columns from each page's own gutter, running furniture and line-end hyphens removed.

pdfium gives text runs (a line piece drawn by one text object) with loose boxes. Everything after
`read_runs` is a free function over plain `Run`/`Line` data, so the layout rules are testable
without a PDF. Known limit: a two-cell table row whose cells both miss the gutter reads as columns.
"""
from __future__ import annotations

import ctypes
import re
import statistics
import zlib
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..records import TextDoc
from . import ExtractionError, check_text_length
from .normalize import normalize_text, split_paragraphs

BAND = 0.1  # share of the page height at the top and bottom where running headers and footers live
CELL_GAP = 1.0  # a horizontal gap wider than this many font sizes separates columns or table cells
WORD_GAP = 0.15  # a gap wider than this many font sizes between two runs is a space
PAGE_NUMBER = re.compile(
    r"[-–—(\[]?\s*(?:(?:page|seite|p\.|s\.)\s*)?\d{1,3}(?:\s*(?:of|von|/|sur|de)\s*\d{1,3})?\s*[-–—)\]]?",
    re.IGNORECASE,
)
SUSPENDED_BEFORE = {"und", "oder", "bzw", "sowie", "bis", "and", "or", "nor", "to", "et", "ou"}
LINE_END_HYPHENS = "-\u2010\u00ad"
# Bounds against hostile files. pdfium holds every parsed character (~150 bytes each) of a page at once, so
# a compressed stream is measured before pdfium inflates it: 16 MiB holds a full embedded CJK font, while a
# page's text drawing takes some kilobytes. Images are left out: reading text never decodes them.
MAX_STREAM_BYTES = 16 * 1024 * 1024
MAX_PAGES = 2000
MAX_OBJECTS = 1_000_000  # text, path and image objects over all pages: bounds the time a page reused N times costs
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


@dataclass(frozen=True, slots=True)
class Run:
    """Text on one line of the page."""

    text: str
    x0: float
    x1: float
    bottom: float  # bottom of the line box (baseline plus descent), from the top of the page
    size: float


@dataclass(frozen=True, slots=True)
class Line:
    """One line in reading order: `cells` > 1 for a table row; `flow` names its column on its page."""

    text: str
    x0: float
    x1: float
    bottom: float  # bottom of the line box (baseline plus descent), from the top of the page
    size: float
    flow: tuple = ()
    fill: float = 1.0  # how far the line reaches towards its column's right edge (0..1)
    cells: int = 1


# ---------------------------------------------------------------- pdfium


def extract_pdf(path: str, doc_id: str) -> TextDoc:
    """Read the PDF at `path`; raises ExtractionError when it is not a readable PDF with a text layer."""
    check_pdf_bytes(path)
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise ExtractionError("PDF is encrypted") from err
        raise ExtractionError(f"not a valid PDF: {err}") from err
    try:
        if len(pdf) > MAX_PAGES:
            raise ExtractionError(f"PDF has {len(pdf):,} pages > limit {MAX_PAGES:,}")
        pages, height, n_chars, n_objects = [], 0.0, 0, 0
        for page in pdf:
            n_objects += pdfium_c.FPDFPage_CountObjects(page.raw)
            if n_objects > MAX_OBJECTS:
                raise ExtractionError(f"PDF too complex: more than {MAX_OBJECTS:,} drawing objects")
            textpage = page.get_textpage()
            n_chars += textpage.count_chars()
            check_text_length(n_chars)
            pages.append(read_runs(page, textpage))
            height = max(height, page.get_height())
            textpage.close()
            page.close()
        meta_title = pdf.get_metadata_value("Title")
    finally:
        pdf.close()
    if not any(pages):
        raise ExtractionError("PDF has no text layer (scanned?)")
    lines = order_document(pages, height)
    text = normalize_text(join_lines(lines))
    return TextDoc(
        doc_id=doc_id,
        text=text,
        title=find_title(lines) or sensible_title(meta_title),
        paragraphs=split_paragraphs(text),
        n_pages=len(pages),
    )


def check_pdf_bytes(path: str) -> None:
    """Reject files that do not start like a PDF, lost their end (pdfium would silently repair them), or hold
    a decompression bomb."""
    with open(path, "rb") as fh:
        data = fh.read()
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a valid PDF: no %PDF header")
    if b"%%EOF" not in data[-2048:]:
        raise ExtractionError("not a valid PDF: truncated (no %%EOF at the end)")
    check_streams(memoryview(data))


def check_streams(data: memoryview) -> None:
    """Inflate every Flate stream that is not an image, a megabyte at a time and discarding the output,
    and refuse the file as soon as one grows beyond MAX_STREAM_BYTES."""
    raw = data.obj
    for match in _STREAM.finditer(raw):
        head = raw[max(0, match.start() - 1024):match.start()]
        head = head[head.rfind(b" obj") + 1:]  # this stream's own dictionary
        if b"/FlateDecode" not in head or b"/Image" in head:
            continue
        end = raw.find(b"endstream", match.end())
        pending = data[match.end():end if end > 0 else len(raw)]
        inflater, size, packed = zlib.decompressobj(), 0, len(pending)
        try:
            while pending and not inflater.eof and size <= MAX_STREAM_BYTES:
                size += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # a damaged stream: pdfium reads what it can
        if size > MAX_STREAM_BYTES:
            raise ExtractionError(f"PDF decompression bomb: a {packed:,}-byte stream inflates beyond "
                                  f"{MAX_STREAM_BYTES // 2**20} MiB")


def read_runs(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[Run]:
    """The upright text runs of a page, in page coordinates with y growing downwards.

    pdfium's text page breaks the text into lines in content-stream order; each line is cut where
    its text object changes (a pdfium line may join both columns), so a run never spans two objects.
    """
    raw, height = textpage.raw, page.get_height()
    n = textpage.count_chars()
    # pdfium writes U+FFFE (older builds U+0002) for a hyphen it takes for a line-end hyphenation
    text = textpage.get_text_range(0, n).replace("\ufffe", "-").replace("\x02", "-") if n else ""
    if len(text) != n:  # characters outside the BMP: index and string position differ
        return read_char_runs(raw, height, range(n))
    runs: list[Run] = []
    for piece in re.finditer(r"[^\r\n]+", text):
        for start, end in split_by_object(raw, *piece.span()):
            run = make_run(raw, height, text, start, end)
            if run.text:
                runs.append(run)
    return runs


def split_by_object(raw, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of text[start:end] drawn by one text object each; generated characters are left out."""
    spans, s = [], start
    while s < end:
        obj = text_object_address(raw, s)
        if not obj:  # a character pdfium generated (space, line break)
            s += 1
            continue
        lo, hi = s + 1, end  # an object's characters are consecutive: binary search for its end
        while lo < hi:
            mid = (lo + hi) // 2
            if text_object_address(raw, mid) == obj:
                lo = mid + 1
            else:
                hi = mid
        spans.append((s, lo))
        s = lo
    return spans


def make_run(raw, height: float, text: str, start: int, end: int) -> Run:
    """The run of text[start:end] from the loose boxes of its ends; an empty run for blank or rotated text."""
    chunk = text[start:end]
    first = start + len(chunk) - len(chunk.lstrip())
    if first == end or not is_upright(raw, first):
        return Run("", 0.0, 0.0, 0.0, 0.0)
    box = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(raw, start + len(chunk.rstrip()) - 1, box)
    x1 = box.right
    pdfium_c.FPDFText_GetLooseCharBox(raw, first, box)
    return Run(chunk.strip(), box.left, x1, height - box.bottom, pdfium_c.FPDFText_GetFontSize(raw, first))


def read_char_runs(raw, height: float, indexes: range) -> list[Run]:
    """One run per visible upright character, from its loose box (the advance width, not the ink)."""
    box = pdfium_c.FS_RECTF()
    runs = []
    for i in indexes:
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, i))
        if char.isspace() or not is_upright(raw, i):
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
        runs.append(Run(char, box.left, box.right, height - box.bottom, pdfium_c.FPDFText_GetFontSize(raw, i)))
    return runs


# FPDFText_GetTextObject with a plain address as result, to compare objects cheaply
text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)


def is_upright(raw, index: int) -> bool:
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
    return matrix.a > 0 and abs(matrix.b) <= 1e-3 * matrix.a and abs(matrix.c) <= 1e-3 * abs(matrix.d)


def find_title(lines: list[Line]) -> str | None:
    """The first block of large type on the first page (at least 1.3 times the body size), as one line."""
    if not lines:
        return None
    body = find_body_size(lines)
    first_page = [line for line in lines if line.flow[0] == lines[0].flow[0]]
    start = next((i for i, line in enumerate(first_page[:10]) if line.size >= 1.3 * body), None)
    if start is None:
        return None
    title = first_page[start].text
    for prev, line in zip(first_page[start:], first_page[start + 1 :]):
        if abs(line.size - prev.size) > 0.05 * prev.size:
            break
        title = join_hyphenated(title, line.text)
    return title


def sensible_title(title: str | None) -> str | None:
    """The metadata title unless it is empty or a file name/placeholder left by the authoring tool."""
    title = (title or "").strip()
    if len(title) < 4 or re.search(r"(?i)\.(docx?|pdf|indd|pptx?)$|^(untitled|microsoft word|unbenannt)", title):
        return None
    return title


# ---------------------------------------------------------------- lines and cells


def merge_runs(runs: list[Run]) -> list[list[Run]]:
    """Rows of runs sharing a baseline, each row split into segments at wide gaps (columns, table cells)."""
    rows: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.bottom, r.x0)):
        if rows and run.bottom - rows[-1][0].bottom <= 0.3 * max(run.size, rows[-1][0].size):
            rows[-1].append(run)
        else:
            rows.append([run])
    segments: list[list[Run]] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        row_segments = [[row[0]]]
        for run in row[1:]:
            prev = row_segments[-1][-1]
            if run.x0 - prev.x1 > CELL_GAP * max(run.size, prev.size):
                row_segments.append([run])
            else:
                row_segments[-1].append(run)
        segments.append([join_runs(seg) for seg in row_segments])
    return segments


def join_runs(runs: list[Run]) -> Run:
    """One run from neighbouring runs on a line, with a space where the gap between them is a word gap."""
    text = runs[0].text
    for prev, run in zip(runs, runs[1:]):
        gap = run.x0 - prev.x1
        space = gap > WORD_GAP * run.size and not text.endswith(" ") and not run.text.startswith(" ")
        text += (" " if space else "") + run.text
    size = max(runs, key=lambda r: len(r.text)).size
    return Run(" ".join(text.split()), runs[0].x0, max(r.x1 for r in runs), runs[0].bottom, size)


# ---------------------------------------------------------------- running headers and footers


def strip_furniture(rows: list[list[Run]], height: float, repeated: set[str], small: float | None) -> list[list[Run]]:
    """Drop the outermost rows in the top and bottom bands while every run in them is running furniture.

    Furniture: a digit-masked text from `repeated`, a page number, or (given `small`, for a document
    of one page where nothing can repeat) a row of at most three pieces set smaller than `small`.
    """

    def is_furniture(row: list[Run]) -> bool:
        if BAND * height < row[0].bottom < (1 - BAND) * height:
            return False
        if small is not None and len(row) <= 3 and all(r.size < small for r in row):
            return True
        return all(mask_digits(r.text) in repeated or PAGE_NUMBER.fullmatch(r.text) for r in row)

    start, end = 0, len(rows)
    while start < end and is_furniture(rows[start]):
        start += 1
    while end > start and is_furniture(rows[end - 1]):
        end -= 1
    return rows[start:end]


def find_body_size(items: list[Run] | list[Line]) -> float:
    """The font size that sets the most characters."""
    counts: Counter[float] = Counter()
    for item in items:
        counts[round(item.size, 1)] += len(item.text)
    return counts.most_common(1)[0][0]


def mask_digits(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def find_repeated(pages: list[list[list[Run]]], page_height: float) -> set[str]:
    """Digit-masked texts found in the top or bottom band of at least two pages."""
    counts: Counter[str] = Counter()
    for rows in pages:
        counts.update({mask_digits(r.text) for row in rows for r in row if not BAND * page_height < r.bottom < (1 - BAND) * page_height})
    return {text for text, n in counts.items() if n >= 2}


# ---------------------------------------------------------------- columns


def find_gutter(rows: list[list[Run]], min_side: int = 3) -> tuple[float, float] | None:
    """The widest vertical strip in the middle of the text crossed by the fewest column lines, if text lies on both
    sides. Column lines: neither table rows (3 cells or more) nor lines across most of the page, which a gutter
    does not divide ("Frankreich" in a table's middle column reaches into it)."""
    everything = [seg for row in rows for seg in row]
    width = max(s.x1 for s in everything) - min(s.x0 for s in everything)
    segments = [seg for row in rows if len(row) <= 2 for seg in row if seg.x1 - seg.x0 < 0.6 * width]
    if len(segments) < 2 * min_side:
        return None
    left = int(min(s.x0 for s in segments))
    right = int(max(s.x1 for s in segments)) + 1
    delta = [0] * (right - left + 2)
    for s in segments:
        delta[int(s.x0) - left] += 1
        delta[int(s.x1) + 1 - left] -= 1
    cover, level = [], 0
    for step in delta:
        level += step
        cover.append(level)
    lo, hi = (right - left) // 4, 3 * (right - left) // 4
    if hi <= lo:
        return None
    low = min(cover[lo:hi])
    best, start = None, None
    for x in range(lo, hi + 1):
        if x < hi and cover[x] == low:
            start = x if start is None else start
        elif start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    g0, g1 = best[0] + left, best[1] + left
    size = statistics.median(s.size for s in segments)
    if g1 - g0 < 0.5 * size:
        return None
    n_left = sum(s.x1 <= g0 for s in segments)
    n_right = sum(s.x0 >= g1 for s in segments)
    return (g0, g1) if n_left >= min_side and n_right >= min_side else None


def order_page(rows: list[list[Run]], page: int) -> list[Line]:
    """Lines of one page in reading order: each band of two-column rows left column first, full-width rows in place."""
    if not rows:
        return []
    gutter = find_gutter(rows)
    x_min = min(r.x0 for row in rows for r in row)
    x_max = max(r.x1 for row in rows for r in row)
    lines: list[Line] = []
    band: list[Run] = []
    for n, row in enumerate(rows + [[]]):
        if row and gutter and not is_spanning(row, gutter):
            band.extend(row)
            continue
        for side, (c0, c1) in enumerate(((x_min, gutter[0]), (gutter[1], x_max)) if band else ()):
            lines.extend(make_line([r], (page, n, side), c0, c1) for r in band if (r.x0 >= gutter[1]) == bool(side))
        band = []
        if row:
            lines.append(make_line(row, (page, "full"), x_min, x_max))
    return lines


def is_spanning(row: list[Run], gutter: tuple[float, float]) -> bool:
    """A row that crosses the gutter or has two cells on one side of it belongs to a full-width block."""
    sides = [r.x0 >= gutter[1] for r in row]
    return any(r.x0 < gutter[1] and r.x1 > gutter[0] for r in row) or len(sides) != len(set(sides))


def make_line(row: list[Run], flow: tuple, col0: float, col1: float) -> Line:
    x1 = max(r.x1 for r in row)
    fill = (x1 - col0) / max(col1 - col0, 1.0)
    return Line("\t".join(r.text for r in row), row[0].x0, x1, row[0].bottom, row[0].size, flow, fill, len(row))


def order_document(pages: list[list[Run]], height: float) -> list[Line]:
    """All lines of a document in reading order, running headers, footers and page numbers removed."""
    page_rows = [merge_runs(runs) for runs in pages]
    all_runs = [r for rows in page_rows for row in rows for r in row]
    if not all_runs:
        return []
    body_size = find_body_size(all_runs)
    repeated = find_repeated(page_rows, height)
    small = 0.95 * body_size if len(pages) == 1 else None
    lines: list[Line] = []
    for number, rows in enumerate(page_rows):
        lines.extend(order_page(strip_furniture(rows, height, repeated, small), number))
    return lines


# ---------------------------------------------------------------- paragraphs and hyphens


def join_lines(lines: list[Line]) -> str:
    """Paragraphs separated by blank lines, table rows one per line, line-end hyphenation undone."""
    pitch = typical_pitch(lines)
    vocabulary = {w.lower() for line in lines if "-" in line.text for w in re.findall(r"\w+(?:-\w+)+", line.text)}
    out = ""
    for prev, line in zip([None, *lines], lines):
        if prev is None:
            out = line.text
        elif line.cells > 1 and prev.cells > 1:
            out += "\n" + line.text
        elif is_paragraph_break(prev, line, pitch):
            out += "\n\n" + line.text
        else:
            out = join_hyphenated(out, line.text, vocabulary)
    return out


def typical_pitch(lines: list[Line]) -> float:
    """Median baseline distance of consecutive same-size lines in one column, in font sizes."""
    ratios = [
        (b.bottom - a.bottom) / a.size
        for a, b in zip(lines, lines[1:])
        if a.flow == b.flow and abs(a.size - b.size) < 0.05 * a.size and b.bottom > a.bottom and a.cells == b.cells == 1
    ]
    return statistics.median(ratios) if ratios else 1.2


def is_paragraph_break(prev: Line, line: Line, pitch: float) -> bool:
    if prev.cells > 1 or line.cells > 1 or abs(prev.size - line.size) > 0.1 * prev.size:
        return True
    if prev.flow == line.flow:
        return line.bottom - prev.bottom > 1.2 * pitch * prev.size
    # a new column or page: the paragraph goes on unless the last line looks like a paragraph's end
    ends_word = prev.text[-1:] in LINE_END_HYPHENS or line.text[:1].islower()
    return not (ends_word or (prev.fill > 0.8 and prev.text[-1:] not in ".!?:"))


def join_hyphenated(left: str, right: str, vocabulary: set[str] = frozenset()) -> str:
    """Join two lines of one paragraph, undoing a line-end hyphenation but keeping real hyphens.

    'interna-' + 'tional' -> 'international'; 'China-' + 'Europe' -> 'China-Europe' (capital after the
    hyphen); 'Wirtschafts-' + 'und Handelszentren' keeps the suspended hyphen; a compound that the
    document spells with a hyphen elsewhere keeps it.
    """
    stem = re.search(r"\w+$", left[-100:-1])
    if left[-1:] not in LINE_END_HYPHENS or not stem:
        return f"{left} {right}"
    head = left[:-1]
    word = re.match(r"\w*", right).group()
    if word.lower() in SUSPENDED_BEFORE:
        return f"{head}- {right}"
    if left[-1] == "\u00ad":
        return head + right
    if right[:1].isupper() or right[:1].isdigit() or f"{stem.group()}-{word}".lower() in vocabulary:
        return f"{head}-{right}"
    return head + right
