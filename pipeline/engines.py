"""Where per-document work runs: inline, a local process pool, or a Dask distributed cluster.

Every engine offers `submit(fn, *args) -> future` with `.result()` and a `workers` count.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from .config import Config

PREFORK = "pipeline.process"  # what every pool worker imports before its first task
# Each worker has a core to itself, so it multiplies matrices (the NER, `annotate.load_ner`) on one thread: a BLAS
# thread pool per worker would only compete for the cores. Dask's nanny sets the same for its workers.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class InlineEngine:
    """One process, no pool: the simplest way to debug, and no start-up cost for tiny corpora."""

    workers = 1

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class PoolEngine:
    """A process per core; each worker loads a language's model once, when a document needs it."""

    def __init__(self, workers: int):
        self.workers = workers
        # forkserver: workers start from a clean interpreter, not from a parent holding writer threads.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PREFORK])
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=one_blas_thread)

    def submit(self, fn, *args) -> Future:
        return self._pool.submit(fn, *args)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(wait=True, cancel_futures=True)
        return False


def one_blas_thread() -> None:
    """A pool worker's start, before it first imports numpy (the preloaded `PREFORK` does not); a thread
    count the user set is kept."""
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")


class DaskEngine:
    """The same per-document function on a Dask cluster: the one at `scheduler`, or a LocalCluster."""

    def __init__(self, scheduler: str | None, workers: int):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise RuntimeError("--engine dask needs dask[distributed]: pip install 'dask[distributed]'") from exc
        self._cluster = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})) or workers)

    def submit(self, fn, *args):
        return self._client.submit(fn, *args, pure=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        return False


def make_engine(config: Config):
    if config.engine == "dask":
        return DaskEngine(config.scheduler, config.n_workers)
    if config.n_workers <= 1:
        return InlineEngine()
    return PoolEngine(config.n_workers)
