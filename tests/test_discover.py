"""Discovery: every file accounted for, hidden/temp files ignored, stable ids."""
from __future__ import annotations

import builtins
import os

import pytest

from pipeline.discover import describe_file, discover, hash_file, make_doc_id


def _write(path, data=b"text"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_discover_walks_recursively_and_ignores_hidden_and_temp_files(tmp_path):
    _write(tmp_path / "a.txt")
    _write(tmp_path / "sub" / "deeper" / "b.HTML")
    _write(tmp_path / "sub" / "c.pdf", b"%PDF-1.4")
    for ignored in (".hidden.txt", "~$draft.md", "notes.txt~", ".#lock.txt", "#auto#.txt", "x.swp",
                    ".git/config", "Thumbs.db"):
        _write(tmp_path / ignored)
    paths = [s.path for s in discover(tmp_path)]
    assert paths == ["a.txt", "sub/c.pdf", "sub/deeper/b.HTML"]


def test_discover_formats_and_unsupported_files_are_skipped_with_reason(tmp_path):
    _write(tmp_path / "page.htm")
    _write(tmp_path / "notes.md")
    _write(tmp_path / "report.docx")
    _write(tmp_path / "README")
    by_path = {s.path: s for s in discover(tmp_path)}
    assert by_path["page.htm"].format == "html" and by_path["page.htm"].status == "pending"
    assert by_path["notes.md"].format == "md"
    assert by_path["report.docx"].status == "skipped"
    assert "unsupported file type '.docx'" in by_path["report.docx"].error
    assert by_path["README"].status == "skipped" and "without an extension" in by_path["README"].error
    assert by_path["report.docx"].sha256 == hash_file(str(tmp_path / "report.docx"))


def test_discover_doc_id_is_stable_for_a_path(tmp_path):
    _write(tmp_path / "x" / "a.txt", b"one")
    first = next(discover(tmp_path)).doc_id
    _write(tmp_path / "x" / "a.txt", b"two, changed content")
    assert next(discover(tmp_path)).doc_id == first == make_doc_id("x/a.txt")
    assert make_doc_id("x/b.txt") != first


def test_discover_broken_symlink_fails_with_reason(tmp_path):
    os.symlink(tmp_path / "missing.txt", tmp_path / "link.txt")
    (source,) = discover(tmp_path)
    assert source.status == "failed" and "broken symbolic link" in source.error


def test_discover_file_over_the_size_limit_is_skipped(tmp_path):
    _write(tmp_path / "big.txt", b"x" * 2000)
    (source,) = discover(tmp_path, max_bytes=1000)
    assert source.status == "skipped" and "file too large" in source.error and "2,000" in source.error


def test_discover_unreadable_file_fails_with_reason(tmp_path, monkeypatch):
    path = _write(tmp_path / "secret.txt")
    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    source = describe_file("secret.txt", str(path))
    assert source.status == "failed" and "permission denied" in source.error


def test_discover_vanished_file_fails_with_reason(tmp_path):
    source = describe_file("gone.txt", str(tmp_path / "gone.txt"))
    assert source.status == "failed" and "vanished" in source.error


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_discover_no_permission_for_real(tmp_path):
    path = _write(tmp_path / "locked.txt")
    path.chmod(0)
    (source,) = discover(tmp_path)
    assert source.status == "failed" and "permission denied" in source.error
