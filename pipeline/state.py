"""What earlier runs processed: a content-addressed cache of per-document results and the manifest
(path -> hash and cache keys) published with each snapshot, so that a run redoes only what changed."""
from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"


def make_key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class Cache:
    """Pickled stage results in one SQLite file under `out/.cache/`, keyed by content + fingerprint.

    One database, not a file per result: storing a result is an INSERT where a file took a mkdir, an open
    and a rename (in a full run of 1,000 documents the parent's CPU for the 2,000 writes fell from 0.5-0.9 s
    to 0.4-0.5 s, most of it now pickling), and 10,000 documents leave one file instead of 20,000.
    SQLite's journal keeps the file whole when a run is killed; a damaged file is replaced by an empty one.
    Writes are committed COMMIT_EVERY at a time (a transaction per INSERT took twice the CPU): a killed run
    loses at most those, to be computed again."""

    FILE = "results.sqlite"
    COMMIT_EVERY = 256

    def __init__(self, out: Path):
        self.root = out / ".cache"
        self._db: sqlite3.Connection | None = None
        self._uncommitted = 0

    def get(self, key: str | None):
        if not key or not self._exists():
            return None
        try:
            row = self._execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            return pickle.loads(row[0]) if row else None
        except Exception:  # written by an incompatible version, or unreadable: recompute
            return None

    def put(self, key: str, value) -> None:
        if self._db is None or not self._db.in_transaction:
            self._execute("BEGIN")
        self._execute("INSERT OR REPLACE INTO results VALUES (?, ?)",
                      (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        self._uncommitted += 1
        if self._uncommitted >= self.COMMIT_EVERY:
            self._commit()

    def _commit(self) -> None:
        if self._db is not None and self._db.in_transaction:
            try:
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError:
                self._discard()
        self._uncommitted = 0

    def keys(self) -> set[str]:
        return {key for key, in self._execute("SELECT key FROM results")} if self._exists() else set()

    def prune(self, keep: set[str]) -> None:
        """Drop entries the just published snapshot does not refer to (deleted or changed files, older
        fingerprints) and anything else under `.cache/` (the file-per-result layout of earlier versions).
        Readers never need the cache: tables live in snapshots."""
        if not self.root.exists():
            return
        self._commit()
        drop = [(key,) for key in self.keys() - keep]
        if drop:
            db = self._connect()
            db.execute("BEGIN")
            db.executemany("DELETE FROM results WHERE key = ?", drop)
            db.execute("COMMIT")
            db.execute("PRAGMA incremental_vacuum")
        self.close()
        for entry in self.root.iterdir():
            if entry.name != self.FILE:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink(missing_ok=True)

    def close(self) -> None:
        self._commit()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _exists(self) -> bool:
        return self._db is not None or (self.root / self.FILE).exists()

    def _execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        """Run one statement; a file that is not a database, or a damaged one, starts afresh."""
        try:
            return self._connect().execute(sql, params)
        except sqlite3.DatabaseError:
            self._discard()
            return self._connect().execute(sql, params)

    def _discard(self) -> None:
        """Delete a damaged file: what it held, and the open transaction, are gone."""
        if self._db is not None:
            self._db.close()
        self._db, self._uncommitted = None, 0
        for suffix in ("", "-wal"):
            (self.root / (self.FILE + suffix)).unlink(missing_ok=True)

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.root.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.root / self.FILE, isolation_level=None)
            self._db = db
            for pragma in ("auto_vacuum = INCREMENTAL",  # takes effect in a new file; prune gives pages back
                           "locking_mode = EXCLUSIVE",  # one run at a time (the run lock); no -shm file, so the
                           "journal_mode = WAL",  # write-ahead log also works on network file systems
                           "synchronous = NORMAL"):  # a crash may lose the last results, never the file
                db.execute(f"PRAGMA {pragma}")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
        return self._db


@dataclass(frozen=True, slots=True)
class Entry:
    """One corpus file as the last published run saw it."""

    doc_id: str
    sha256: str | None
    status: str
    language: str
    text_key: str | None
    analysis_key: str | None


def read_manifest(snapshot: Path) -> dict[str, Entry]:
    try:
        raw = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return {path: Entry(**entry) for path, entry in raw.get("files", {}).items()}


def write_manifest(folder: Path, entries: dict[str, Entry], fingerprints: dict[str, str]) -> None:
    data = {"fingerprints": fingerprints,
            "files": {path: {k: getattr(e, k) for k in Entry.__slots__} for path, e in sorted(entries.items())}}
    (folder / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
