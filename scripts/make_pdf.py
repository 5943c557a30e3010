"""Render a PDF source (.md, see the PDF source format) into a deterministic two-column A4 brochure PDF.

Usage:
    python scripts/make_pdf.py SRC.md OUT.pdf
    python scripts/make_pdf.py --all      # rebuild every known source/PDF pair

Layout: a full-width title on page 1, body text flowing in two balanced columns, full-width tables
(each table closes the column band above it), a running header and a footer with the page number on
every page. Words too long for the rest of a line are hyphenated. The front-matter key
`draw_order: reverse` writes every page's content stream backwards (footer first, right column
first, lines bottom-up) to test extractors that must not trust the stream order.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
PAIR_DIRS = (  # (source folder, PDF folder)
    ("scripts/pdf_sources", "corpus/profiles"),
    ("tests/gold/dev_src", "tests/gold/dev"),
    ("tests/data/pdf", "tests/data/pdf"),
)

PAGE_W, PAGE_H = A4
MARGIN_X, BODY_TOP, BODY_BOTTOM = 54.0, PAGE_H - 62.0, 56.0
GUTTER = 20.0
FULL_W = PAGE_W - 2 * MARGIN_X
COL_W = (FULL_W - GUTTER) / 2
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"

# (font, size, leading, space before)
STYLES = {
    "title": (BOLD, 20.0, 24.0, 0.0),
    "heading": (BOLD, 11.0, 14.0, 9.0),
    "para": (REGULAR, 9.5, 12.5, 5.0),
}
TABLE_SIZE, TABLE_MIN_SIZE, TABLE_PAD = 8.5, 6.5, 5.0
VOWELS = set("aeiouyäöüéèêàâôîûAEIOUYÄÖÜÉ")
DIGRAPHS = {"ch", "ck", "gh", "ph", "sh", "th", "wh"}


@dataclass(frozen=True)
class Line:
    """One typeset line of the column flow."""

    text: str
    font: str
    size: float
    leading: float
    space_before: float
    keep_with_next: bool = False


# ---------------------------------------------------------------- source


def parse_source(text: str) -> tuple[dict[str, str], list[tuple[str, object]]]:
    """Front matter and blocks: ('title'|'heading'|'para', str) or ('table', list of rows)."""
    meta: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        for raw in lines[1:end]:
            key, _, value = raw.partition(":")
            if key.strip():
                meta[key.strip()] = value.strip()
        lines = lines[end + 1 :]
    blocks: list[tuple[str, object]] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(("para", " ".join(para)))
            para.clear()
        if table:
            blocks.append(("table", [row[:] for row in table]))
            table.clear()

    for raw in lines:
        line = raw.strip()
        if line.startswith("|"):
            if para:
                flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                table.append(cells)
        elif not line:
            flush()
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            blocks.append(("title" if level == 1 else "heading", line[level:].strip()))
        else:
            if table:
                flush()
            para.append(line)
    flush()
    return meta, blocks


def read_source(path: str | Path) -> tuple[dict[str, str], str]:
    """(front matter, true reading-order text): blocks in source order, table cells tab-separated."""
    meta, blocks = parse_source(Path(path).read_text(encoding="utf-8"))
    parts = [
        "\n".join("\t".join(row) for row in value) if kind == "table" else value
        for kind, value in blocks
    ]
    return meta, "\n\n".join(parts)


# ---------------------------------------------------------------- line breaking


def find_hyphen_break(word: str, font: str, size: float, room: float) -> int:
    """Longest prefix length of `word` that fits `room` with a hyphen, at a plausible syllable break; 0 if none."""
    if "-" in word[:-1]:
        cut = word[:-1].rindex("-") + 1
        while cut > 0 and stringWidth(word[:cut], font, size) > room:
            cut = word[: cut - 1].rfind("-") + 1
        return cut
    core = word.rstrip(".,;:!?)\"'")
    if len(core) < 7 or not core.isalpha():
        return 0
    for cut in range(len(core) - 3, 2, -1):
        a, b, c = core[cut - 1], core[cut], core[cut + 1]
        syllable = (a in VOWELS and b not in VOWELS and c in VOWELS) or (
            a not in VOWELS and b not in VOWELS and c in VOWELS and core[cut - 2] in VOWELS and a + b not in DIGRAPHS
        )
        if syllable and stringWidth(core[:cut] + "-", font, size) <= room:
            return cut
    return 0


def wrap(text: str, font: str, size: float, width: float, hyphenate: bool = True) -> list[str]:
    """Break `text` into lines of at most `width`, hyphenating long words at line ends."""
    lines: list[str] = []
    current = ""
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current, i = candidate, i + 1
            continue
        prefix = f"{current} " if current else ""
        room = width - stringWidth(prefix, font, size)
        cut = find_hyphen_break(word, font, size, room) if hyphenate else 0
        if cut:
            head = word[:cut] if word[cut - 1] == "-" else word[:cut] + "-"
            lines.append(prefix + head)
            words[i] = word[cut:]
            current = ""
        elif current:
            lines.append(current)
            current = ""
        else:  # a single word wider than the column: let it overflow
            lines.append(word)
            i += 1
    if current:
        lines.append(current)
    return lines


def typeset_flow(kind: str, text: str) -> list[Line]:
    """The column lines of one heading or paragraph."""
    font, size, leading, before = STYLES[kind]
    texts = wrap(text, font, size, COL_W)
    return [
        Line(t, font, size, leading, before if n == 0 else 0.0, keep_with_next=kind == "heading" or (n == 0 and len(texts) > 1))
        for n, t in enumerate(texts)
    ]


# ---------------------------------------------------------------- page layout


class Layout:
    """Places lines on pages; collects per page a list of draw operations in reading order."""

    def __init__(self) -> None:
        self.pages: list[list[tuple]] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = BODY_TOP

    def text(self, x: float, y: float, text: str, font: str, size: float) -> None:
        self.pages[-1].append(("text", x, y, text, font, size))

    def rule(self, x0: float, x1: float, y: float, width: float) -> None:
        self.pages[-1].append(("rule", x0, x1, y, width))

    def place_title(self, text: str) -> None:
        font, size, leading, _ = STYLES["title"]
        for line in wrap(text, font, size, FULL_W, hyphenate=False):
            self.text(MARGIN_X, self.y - size, line, font, size)
            self.y -= leading
        self.y -= 12.0

    def place_columns(self, lines: list[Line]) -> None:
        """Flow `lines` through two columns, balanced when they end on this page."""
        start = 0
        while start < len(lines):
            room = self.y - BODY_BOTTOM
            height = self.find_balanced_height(lines, start, room)
            mid = fill_column(lines, start, height)
            end = fill_column(lines, mid, height)
            if mid == start:  # not even one line fits here
                self.new_page()
                continue
            used = max(self.draw_column(lines, start, mid, MARGIN_X), self.draw_column(lines, mid, end, MARGIN_X + COL_W + GUTTER))
            start = end
            if start < len(lines):
                self.new_page()
            else:
                self.y -= used + 6.0

    def find_balanced_height(self, lines: list[Line], start: int, room: float) -> float:
        """The smallest column height that holds all remaining lines in two columns, else `room`."""
        total = sum(line.leading + line.space_before for line in lines[start:])
        height = max(total / 2, 0.0)
        while height < room:
            mid = fill_column(lines, start, height)
            if fill_column(lines, mid, height) == len(lines):
                return height
            height += 1.0
        return room

    def draw_column(self, lines: list[Line], start: int, end: int, x: float) -> float:
        y = self.y
        for n, line in enumerate(lines[start:end]):
            y -= line.leading + (line.space_before if n else 0.0)
            self.text(x, y + (line.leading - line.size) * 0.8, line.text, line.font, line.size)
        return self.y - y

    def place_table(self, rows: list[list[str]]) -> None:
        size, widths = fit_table(rows)
        leading = size * 1.9
        self.y -= 4.0
        for r, row in enumerate(rows):
            if self.y - leading < BODY_BOTTOM:
                self.new_page()
            if r == 0:
                self.rule(MARGIN_X, MARGIN_X + FULL_W, self.y, 0.8)
            self.y -= leading
            x = MARGIN_X
            for cell, width in zip(row, widths):
                self.text(x + TABLE_PAD, self.y + size * 0.6, cell, BOLD if r == 0 else REGULAR, size)
                x += width
            self.rule(MARGIN_X, MARGIN_X + FULL_W, self.y, 0.8 if r == 0 else 0.3)
        self.y -= 12.0


def fill_column(lines: list[Line], start: int, height: float) -> int:
    """End index of the lines from `start` that fit in a column of `height` (no dangling heading)."""
    used, end = 0.0, start
    while end < len(lines):
        line = lines[end]
        need = line.leading + (line.space_before if end > start else 0.0)
        if used + need > height:
            break
        used += need
        end += 1
    while end - 1 > start and end < len(lines) and lines[end - 1].keep_with_next:
        end -= 1
    return end


def fit_table(rows: list[list[str]]) -> tuple[float, list[float]]:
    """Font size and column widths so that every cell fits on one line across the full width."""
    ncols = max(len(row) for row in rows)
    size = TABLE_SIZE
    while True:
        natural = [
            max(stringWidth(row[c], BOLD, size) if c < len(row) else 0.0 for row in rows) + 2 * TABLE_PAD for c in range(ncols)
        ]
        if sum(natural) <= FULL_W or size <= TABLE_MIN_SIZE:
            break
        size -= 0.5
    if sum(natural) > FULL_W:
        raise ValueError(f"table too wide for the page even at {size} pt: shorten its cells")
    spare = (FULL_W - sum(natural)) / ncols
    return size, [w + spare for w in natural]


def lay_out(blocks: list[tuple[str, object]]) -> Layout:
    layout = Layout()
    flow: list[Line] = []
    for kind, value in blocks:
        if kind == "title" and not flow and layout.y == BODY_TOP and len(layout.pages) == 1:
            layout.place_title(value)
        elif kind == "table":
            layout.place_columns(flow)
            flow = []
            layout.place_table(value)
        else:
            flow.extend(typeset_flow("heading" if kind == "title" else kind, value))
    layout.place_columns(flow)
    return layout


# ---------------------------------------------------------------- PDF writing


def draw_furniture(layout: Layout, meta: dict[str, str]) -> None:
    """Append the running header and the footer with its page number to every page."""
    for number, ops in enumerate(layout.pages, start=1):
        ops.insert(0, ("text", MARGIN_X, PAGE_H - 36.0, meta.get("header", ""), REGULAR, 8.0))
        ops.insert(1, ("rule", MARGIN_X, PAGE_W - MARGIN_X, PAGE_H - 42.0, 0.5))
        ops.append(("rule", MARGIN_X, PAGE_W - MARGIN_X, 42.0, 0.5))
        ops.append(("text", MARGIN_X, 30.0, meta.get("footer", ""), REGULAR, 8.0))
        label = f"Page {number} of {len(layout.pages)}"
        ops.append(("text", PAGE_W - MARGIN_X - stringWidth(label, REGULAR, 8.0), 30.0, label, REGULAR, 8.0))


def write_pdf(layout: Layout, meta: dict[str, str], title: str, out: str | Path) -> None:
    pdf = canvas.Canvas(str(out), pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(meta.get("author", "pipeline test renderer"))
    pdf.setCreator("scripts/make_pdf.py")
    for ops in layout.pages:
        for op in reversed(ops) if meta.get("draw_order") == "reverse" else ops:
            if op[0] == "text":
                _, x, y, text, font, size = op
                pdf.setFont(font, size)
                pdf.drawString(x, y, text)
            else:
                _, x0, x1, y, width = op
                pdf.setLineWidth(width)
                pdf.line(x0, y, x1, y)
        pdf.showPage()
    pdf.save()


def make_pdf(src: str | Path, out: str | Path) -> None:
    """Render the source file `src` into the PDF `out`."""
    meta, blocks = parse_source(Path(src).read_text(encoding="utf-8"))
    layout = lay_out(blocks)
    draw_furniture(layout, meta)
    title = next((value for kind, value in blocks if kind == "title"), "")
    write_pdf(layout, meta, title, out)


def iter_pairs(root: Path = ROOT):
    """Every (source, PDF) pair the project knows, by folder convention."""
    for src_dir, pdf_dir in PAIR_DIRS:
        for src in sorted((root / src_dir).glob("*.md")):
            yield src, root / pdf_dir / f"{src.stem}.pdf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--all", action="store_true", help="rebuild every known source/PDF pair")
    args = parser.parse_args(argv)
    if args.all:
        for src, out in iter_pairs():
            out.parent.mkdir(parents=True, exist_ok=True)
            make_pdf(src, out)
            print(f"{src.relative_to(ROOT)} -> {out.relative_to(ROOT)}")
        return 0
    if not (args.src and args.out):
        parser.error("give SRC.md OUT.pdf, or --all")
    make_pdf(args.src, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
