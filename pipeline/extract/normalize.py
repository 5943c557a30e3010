"""Text clean-up shared by every reader: NFC, ligatures, whitespace, boilerplate lines, paragraph spans."""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..literals import Prefilter
from ..records import Paragraph

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_LIGATURE_RE = re.compile("|".join(LIGATURES))
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
BOILERPLATE_FILE = Path(__file__).resolve().parents[2] / "models" / "boilerplate.txt"
PARAGRAPH_SEPARATOR = "\n\n"
LIST_ITEM = "- "  # how the readers mark a list item's first line, as plain text writes it


def normalize_text(text: str) -> str:
    """NFC, ligatures expanded, line ends unified, runs of blank lines folded to one."""
    text = unicodedata.normalize("NFC", text)
    text = _LIGATURE_RE.sub(lambda m: LIGATURES[m.group()], text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Spans of the blank-line separated paragraphs of `text`."""
    paras, pos = [], 0
    for m in list(_PARA_BREAK.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk.rstrip())
            paras.append(Paragraph(len(paras), pos + lead, pos + trail))
        pos = m.end() if m else len(text)
    return tuple(paras)


def join_paragraphs(chunks: Iterable[tuple[str, bool]]) -> tuple[str, tuple[Paragraph, ...]]:
    """Join (paragraph text, is_boilerplate) pairs with blank lines; return the text and its paragraph spans."""
    parts: list[str] = []
    paras: list[Paragraph] = []
    pos = 0
    for chunk, boilerplate in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if parts:
            pos += len(PARAGRAPH_SEPARATOR)
        parts.append(chunk)
        paras.append(Paragraph(len(paras), pos, pos + len(chunk), boilerplate=boilerplate))
        pos += len(chunk)
    return PARAGRAPH_SEPARATOR.join(parts), tuple(paras)


@functools.cache
def load_boilerplate(path: Path = BOILERPLATE_FILE) -> tuple[re.Pattern[str], re.Pattern[str], Prefilter]:
    """The regexes in `path` (one a line, # comments) as two case-insensitive patterns: the rules that start
    with ^ (each of their alternatives must), tried at a line's start only, and the others, searched (a
    single alternation of all of them tried at every position costs twice as much), with their prefilter
    (most lines hold none of their words: "cookies", "all rights reserved")."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    rules = [line for line in lines if line and not line.startswith("#")]

    def combined(selected):
        return re.compile("|".join(f"(?:{rule})" for rule in selected) or "(?!)", re.IGNORECASE)

    anywhere = combined(r for r in rules if not r.startswith("^"))
    return combined(r for r in rules if r.startswith("^")), anywhere, Prefilter([anywhere])


def is_boilerplate(line: str) -> bool:
    """Whether `line` is page furniture (share/comment prompt, cookie, copyright line...)."""
    at_start, anywhere, words = load_boilerplate()
    line = line.strip()
    return bool(at_start.match(line) or (words.candidates(line) and anywhere.search(line)))


def split_boilerplate(lines: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """(paragraph, is_boilerplate) runs of a paragraph's lines; each boilerplate line becomes a paragraph of its
    own, so that a run of them in two languages ('Teile diesen Artikel' / 'Leave a Reply') can be told apart."""
    run: list[str] = []
    for line in lines:
        if is_boilerplate(line):
            if run:
                yield "\n".join(run), False
                run = []
            yield line, True
        else:
            run.append(line)
    if run:
        yield "\n".join(run), False
