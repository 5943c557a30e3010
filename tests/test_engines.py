"""Engines keep one contract (submit -> future, workers), and a Dask cluster writes the local engine's tables."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

import pipeline
from pipeline.config import Config
from pipeline.engines import PREFORK, DaskEngine, InlineEngine, PoolEngine, make_engine

CORPUS_FILES = [  # txt, md, html and pdf in all three languages
    "en/augsburg-jinan-20-years.txt", "en/lyon-guangzhou-biotech.html", "de/aachen-ningbo-partnerschaft.md",
    "de/bremen-dalian-hafen.html", "fr/limoges-jingdezhen-porcelaine.txt", "profiles/duisburg_city_profile.pdf",
]


@pytest.mark.parametrize("make, workers", [
    (InlineEngine, 1),
    (lambda: PoolEngine(2), 2),
    (lambda: DaskEngine(None, 2), 2),
])
def test_engines_submit_returns_results_in_order(make, workers):
    with make() as engine:
        futures = [engine.submit(pow, n, 2) for n in range(10)]
        assert [f.result() for f in futures] == [n * n for n in range(10)]
        assert engine.workers == workers


@pytest.mark.parametrize("config, kind", [
    (Config(workers=1), InlineEngine),
    (Config(workers=3), PoolEngine),
])
def test_engines_make_engine_picks_by_config(config, kind):
    with make_engine(config) as engine:
        assert isinstance(engine, kind)
        assert engine.workers == config.n_workers


@pytest.mark.slow
def test_engines_dask_cluster_writes_the_local_tables(root, tmp_path):
    corpus = tmp_path / "corpus"
    for name in CORPUS_FILES:
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "corpus" / name, corpus / name)
    local = pipeline.run(corpus, tmp_path / "local", workers=1)
    dask = pipeline.run(corpus, tmp_path / "dask", engine="dask", workers=2)
    assert (local.engine, dask.engine, dask.workers) == ("local", "dask", 2)
    assert dask.counts["ok"] == len(CORPUS_FILES)
    expected, found = pipeline.load(tmp_path / "local"), pipeline.load(tmp_path / "dask")
    assert set(found) == set(expected)
    for name in sorted(set(expected) - {"runs"}):
        pd.testing.assert_frame_equal(found[name], expected[name], obj=name)
    assert len(expected["mentions"]) > 0



def test_engines_workers_do_not_load_the_table_writers(tmp_path):
    """A worker runs `process_batch` (preloaded by the pool's forkserver) and holds the models; pyarrow and pandas,
    which only the parent's tables need, would add ~70 MiB to every worker."""
    doc = tmp_path / "doc.txt"
    doc.write_text("Kiel and Qingdao signed a friendship agreement in May 2019.", encoding="utf-8")
    code = (
        "import sys\n"
        "from pipeline.discover import describe_file\n"
        f"from {PREFORK} import process_batch\n"
        f"print(process_batch([(describe_file('doc.txt', {str(doc)!r}), None)])[0].status,\n"
        "      sorted({name.split('.')[0] for name in sys.modules} & {'pyarrow', 'pandas'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["ok", "[]"]



def test_engines_pool_workers_multiply_on_one_thread(monkeypatch):
    """Each pool worker has a core: its BLAS (the NER's matrix products) must not start threads of its own. The
    setting takes effect only if numpy is not yet imported when the worker starts (the probe is a builtin, so
    that unpickling it imports nothing)."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    probe = "__import__('os').environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in __import__('sys').modules"
    with PoolEngine(2) as engine:
        assert engine.submit(eval, probe).result() == ("1", False)
