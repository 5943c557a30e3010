"""Stage 1: corpus folder -> Source records (path, hash, format), every file accounted for."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .records import Source

READABLE = {"txt": "txt", "md": "md", "markdown": "md", "html": "html", "htm": "html", "pdf": "pdf"}
# Editor swap/backup files and OS litter: never documents, so not listed at all.
_IGNORED_NAMES = {"thumbs.db", "desktop.ini", "icon\r"}
_IGNORED_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".bak", ".part", ".crdownload", "~")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def make_doc_id(rel_path: str) -> str:
    """A stable id for a corpus path: the same path keeps its id across runs and machines."""
    return hashlib.sha1(rel_path.encode("utf-8")).hexdigest()[:16]


def is_ignored(name: str) -> bool:
    """Hidden files and editor temp files are not documents."""
    lower = name.lower()
    return (
        name.startswith((".", "~$", "#"))
        or lower in _IGNORED_NAMES
        or lower.endswith(_IGNORED_SUFFIXES)
    )


def hash_file(path: str, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def iter_paths(corpus: Path) -> Iterator[tuple[str, str]]:
    """(relative '/'-path, absolute path) of every non-ignored file, sorted, without following dir links."""
    for root, dirs, files in os.walk(corpus, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        for name in sorted(files):
            if not is_ignored(name):
                abspath = os.path.join(root, name)
                yield Path(os.path.relpath(abspath, corpus)).as_posix(), abspath


def describe_file(rel: str, abspath: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """One Source for one file: readable ones stay 'pending'; the rest say why they are not."""
    doc_id = make_doc_id(rel)
    ext = os.path.splitext(rel)[1].lower().lstrip(".")
    fmt = READABLE.get(ext, ext or "none")

    def fail(status: str, error: str, size: int = 0, sha: str | None = None) -> Source:
        return Source(doc_id, rel, abspath, fmt, size, sha, status, error)

    if os.path.islink(abspath) and not os.path.exists(abspath):
        return fail("failed", f"broken symbolic link to {os.readlink(abspath)!r}")
    try:
        size = os.stat(abspath).st_size
        if not os.path.isfile(abspath):
            return fail("skipped", "not a regular file", size)
        if size > max_bytes:
            return fail("skipped", f"file too large: {size:,} bytes > limit {max_bytes:,} (--max-bytes)", size)
        sha = hash_file(abspath)
    except FileNotFoundError:
        return fail("failed", "file vanished while the corpus was read")
    except PermissionError:
        return fail("failed", "permission denied: the file cannot be read")
    except OSError as exc:
        return fail("failed", f"cannot read file: {exc.strerror or exc}")
    if ext not in READABLE:
        what = f"'.{ext}'" if ext else "files without an extension"
        return fail("skipped", f"unsupported file type {what}; readable: .txt .md .html .htm .pdf", size, sha)
    return Source(doc_id, rel, abspath, fmt, size, sha)


def discover(corpus: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source]:
    """Every file below `corpus` as a Source, in path order."""
    for rel, abspath in iter_paths(Path(corpus)):
        yield describe_file(rel, abspath, max_bytes)
