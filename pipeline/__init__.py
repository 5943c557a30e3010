"""City-relations pipeline: documents in corpus/ -> tables of city pairs, companies and sectors in outputs/."""
from .config import PIPELINE_VERSION as __version__


def load(path="outputs"):
    """Every table of a run as pandas DataFrames: `pipeline.load("outputs")["city_pairs"]`."""
    from .tables import load as _load

    return _load(path)


def detect_language(text: str) -> tuple[str, float]:
    """(`en` | `de` | `fr` | `und`, confidence 0..1) for a text; deterministic."""
    from .language import detect_language as _detect

    return _detect(text)


def run(corpus="corpus", out="outputs", **settings):
    """Refresh `out` from `corpus` (see `python -m pipeline run --help`); returns the run summary."""
    from pathlib import Path

    from .config import Config
    from .runner import run as _run

    return _run(Config(corpus=Path(corpus), out=Path(out), **settings))


__all__ = ["load", "detect_language", "run", "__version__"]
