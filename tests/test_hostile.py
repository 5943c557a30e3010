"""Broken and hostile files: each gets exactly one documents row with its own error, in bounded time and memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib

import pytest

from pipeline.extract import MAX_TEXT_CHARS, ExtractionError
from pipeline.extract.html import extract_html
from pipeline.extract.pdf import extract_pdf
from pipeline.extract.txt import extract_txt

MiB = 1024 * 1024


def write_pdf(path, content: bytes, pages: int = 1) -> None:
    """A minimal PDF whose pages all draw one Flate-compressed content stream."""
    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(content[i:i + MiB]) for i in range(0, len(content), MiB)) + packer.flush()
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents 4 0 R >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def write_sparse(path, size: int) -> None:
    path.touch()
    os.truncate(path, size)


def billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10) for i in range(1, 10)]
    return (b'<?xml version="1.0"?>\n<!DOCTYPE html [\n' + b"\n".join(entities)
            + b'\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<html><body><article><p>Twin towns &lol9; &xxe;</p>'
            + b"<svg><text>&lol9;</text></svg></article></body></html>")


def nested_html(depth: int) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"<p>Berlin and Beijing are sister cities.</p>" + b"</div>" * depth


LINE = b"Sister cities sign a new agreement on trade, culture and student exchanges.\n"

# name -> (how to make it, expected status, words of its own error)
FILES = {
    "bomb.pdf": (lambda p: write_pdf(p, b" " * (300 * MiB)), "failed", "PDF decompression bomb"),
    "text_ops.pdf": (lambda p: write_pdf(p, b"BT /F1 12 Tf 72 720 Td " + b"0 -14 Td (Berlin Beijing twin) Tj\n"
                                         * 70_000 + b"ET"), "failed", "text too long"),
    "reused_page.pdf": (lambda p: write_pdf(p, b"0 0 m 10 10 l S\n" * 60_000, pages=40), "failed",
                        "PDF too complex"),
    "huge.txt": (lambda p: p.write_bytes(LINE * ((50 * MiB - 1) // len(LINE))), "failed", "text too long"),
    "deep.html": (lambda p: p.write_bytes(nested_html(100_000)), "failed", "nested more than"),
    "laughs.html": (lambda p: p.write_bytes(billion_laughs()), "failed", "declares XML entities"),
    "random.txt": (lambda p: p.write_bytes(os.urandom(4096)), "failed", "binary content"),
    "random.pdf": (lambda p: p.write_bytes(os.urandom(4096)), "failed", "no %PDF header"),
    "over_limit.txt": (lambda p: write_sparse(p, 60 * MiB), "skipped", "file too large"),
    "broken_link.txt": (lambda p: os.symlink(p.parent / "missing.txt", p), "failed", "broken symbolic link"),
    "locked.txt": (lambda p: p.write_bytes(LINE), "failed", "permission denied"),
    "vanishing.txt": (lambda p: p.write_bytes(LINE), "failed", "vanished"),
    "empty.md": (lambda p: p.write_bytes(b""), "failed", "empty file"),
    "notes.docx": (lambda p: p.write_bytes(b"PK\x03\x04"), "skipped", "unsupported file type"),
}

# Runs the batch in a child process (so its peak memory is its own) with a file that cannot be opened and one
# that vanishes between discovery and reading; prints the documents rows and the peak memory.
CHILD = """
import builtins, json, os, resource, sys
from pathlib import Path
import pipeline, pipeline.runner
corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
real_open = builtins.open
def deny(file, *args, **kwargs):
    if str(file).endswith("locked.txt"):
        raise PermissionError(13, "Permission denied")
    return real_open(file, *args, **kwargs)
builtins.open = deny
real_describe = pipeline.runner.describe_file
def describe_file(rel, *args):
    source = real_describe(rel, *args)
    if rel == "vanishing.txt":
        os.remove(corpus / rel)
    return source
pipeline.runner.describe_file = describe_file
summary = pipeline.run(corpus, out, workers=1)
rows = pipeline.load(out)["documents"][["path", "status", "error"]].astype(object).to_dict("records")
print(json.dumps({"rows": rows, "exit": summary.exit_code,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile")
    for name, (make, _, _) in FILES.items():
        make(corpus / name)
    result = _run_child(corpus, tmp_path_factory.mktemp("out"))
    # the same run over two plain documents: what the models and indexes cost whatever the input
    plain = tmp_path_factory.mktemp("plain")
    (plain / "locked.txt").write_text("Duisburg und Wuhan sind seit 1982 Partnerstädte.", encoding="utf-8")
    (plain / "vanishing.txt").write_text("Duisburg and Wuhan have been twin cities since 1982.", encoding="utf-8")
    result["baseline_mb"] = _run_child(plain, tmp_path_factory.mktemp("plain-out"))["peak_mb"]
    return result


def _run_child(corpus, out) -> dict:
    child = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(out)], capture_output=True, text=True,
                           timeout=300)
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout.strip().splitlines()[-1])


def test_hostile_every_file_has_exactly_one_documents_row(hostile_run):
    assert sorted(row["path"] for row in hostile_run["rows"]) == sorted(FILES)
    assert hostile_run["exit"] == 1  # some failed, the batch finished


@pytest.mark.parametrize("name", sorted(FILES))
def test_hostile_file_ends_with_its_own_error(hostile_run, name):
    _, status, words = FILES[name]
    (row,) = [row for row in hostile_run["rows"] if row["path"] == name]
    assert row["status"] == status and words in row["error"], row


def test_hostile_run_stays_within_memory(hostile_run):
    # a 300 MiB stream, a 50 MiB text and 100,000 nested elements, each read whole, would blow well past this;
    # measured against the same run over plain documents, so loaded models do not count
    assert hostile_run["peak_mb"] - hostile_run["baseline_mb"] < 250, hostile_run["peak_mb"]


def test_hostile_errors_are_distinct(hostile_run):
    failed = [row["error"] for row in hostile_run["rows"] if row["path"].endswith((".pdf", ".html"))]
    assert len(set(failed)) == len(failed)


def test_hostile_entities_are_never_expanded():
    with pytest.raises(ExtractionError, match="XML entities"):
        extract_html(billion_laughs(), "d")
    page = extract_html(b"<html><body><article><p>" + b"Twin towns of the Rhine and the Yangtze. " * 20
                        + b"&lol9; &xxe;</p></article></body></html>", "d")
    assert "lollol" not in page.text and "root:" not in page.text


@pytest.mark.parametrize("depth, refused", [(50, False), (300, True)])
def test_hostile_html_depth_limit(depth, refused):
    data = nested_html(depth).replace(b"<p>", b"<p>" + b"Twin towns of the Rhine and the Yangtze. " * 10)
    if refused:
        with pytest.raises(ExtractionError, match="nested more than"):
            extract_html(data, "d")
    else:
        assert "Berlin and Beijing" in extract_html(data, "d").text


def test_hostile_pdf_limits_leave_an_ordinary_stream_alone(tmp_path):
    path = tmp_path / "ordinary.pdf"
    write_pdf(path, b"BT /F1 12 Tf 72 720 Td " + b"0 -14 Td (Berlin Beijing twin) Tj\n" * 40 + b"ET")
    assert extract_pdf(str(path), "d").text.count("Berlin Beijing twin") == 40


def test_hostile_text_over_the_limit_is_refused_not_truncated():
    with pytest.raises(ExtractionError, match="text too long"):
        extract_txt(LINE * (MAX_TEXT_CHARS // len(LINE) + 1), "d")
    assert len(extract_txt(LINE * (MAX_TEXT_CHARS // len(LINE) // 2), "d").text) > MAX_TEXT_CHARS // 3
