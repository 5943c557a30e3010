"""What earlier runs processed: a content-addressed cache of per-document results and the manifest
(path -> hash and cache keys) published with each snapshot, so that a run redoes only what changed."""
from __future__ import annotations

import copyreg
import hashlib
import json
import operator
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

from .records import Mention, Paragraph, Place, Relation, SectorHit, Source, TextDoc

MANIFEST = "manifest.json"


def _record_reducer(cls):
    fields = operator.attrgetter(*cls.__slots__)  # one C call for all fields (they are always several)
    return lambda record: (cls, fields(record))


# Frozen slotted dataclasses unpickle through a pure-Python __setstate__ that dominates a no-change rerun;
# rebuilding each from the tuple of its fields is several times faster (and so is sending results between processes).
for _record in (Source, Paragraph, TextDoc, Place, Mention, Relation, SectorHit):
    copyreg.pickle(_record, _record_reducer(_record))


def make_key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class Cache:
    """Pickled stage results under `out/.cache/`, written atomically, keyed by content + fingerprint."""

    def __init__(self, out: Path):
        self.root = out / ".cache"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pkl"

    def get(self, key: str | None):
        if not key:
            return None
        try:
            with open(self._path(key), "rb") as fh:
                return pickle.load(fh)
        except Exception:  # missing, cut short by a crash, or written by an incompatible version: recompute
            return None

    def put(self, key: str, value) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    def prune(self, keep: set[str]) -> None:
        """Drop entries the just published snapshot does not refer to (deleted or changed files, older
        fingerprints) and temporary files of killed runs. Readers never need the cache: tables live in snapshots."""
        if not self.root.exists():
            return
        for sub in self.root.iterdir():
            for file in sub.iterdir():
                if file.suffix != ".pkl" or file.stem not in keep:
                    file.unlink(missing_ok=True)
            if not any(sub.iterdir()):
                shutil.rmtree(sub, ignore_errors=True)


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
