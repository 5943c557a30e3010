"""Atomic publishing and the run lock, tested with real SIGKILLs of running batches in child processes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline
from pipeline.publish import SNAPSHOTS, RunLockedError, publish_snapshot, resolve_snapshot, run_lock

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("documents", "texts", "paragraphs")

# Runs `python -m pipeline run ARGS` in this child, killing itself with SIGKILL at POINT (or, for "pause",
# writing MARKER and waiting there to be killed from outside).
CHILD = """
import os, signal, sys, time
import pipeline.publish, pipeline.runner, pipeline.tables
point, marker = sys.argv[1], sys.argv[2]
def die(*args, **kwargs):
    if point == "pause":
        open(marker, "w").close()
        time.sleep(120)
    os.kill(os.getpid(), signal.SIGKILL)
if point == "writing":  # in the middle of the per-document tables of the new snapshot
    write, calls = pipeline.tables.TableWriter.write, []
    def counted(self, rows):
        write(self, rows)
        calls.append(1)
        if len(calls) == 8:
            die()
    pipeline.tables.TableWriter.write = counted
elif point in ("publish", "pause"):  # every table written, nothing published
    pipeline.runner.publish_snapshot = die
elif point == "swap":  # snapshot renamed to its final name, `current` not yet swapped
    replace = os.replace
    os.replace = lambda src, dst: die() if str(dst).endswith("/current") else replace(src, dst)
elif point == "links":  # `current` swapped, fixed links and clean-up not done
    pipeline.publish._ensure_link = die
from pipeline.cli import main
sys.exit(main(["run", *sys.argv[3:]]))
"""


def write_docs(corpus: Path, names) -> None:
    """Short Chinese press releases: read and language-detected, but no NLP model is needed (fast children)."""
    corpus.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (corpus / name).write_text(f"第{i}号新闻稿\n\n{name}市与欧洲城市于2019年签署友好城市协议。双方将加强经贸合作。\n",
                                   encoding="utf-8")


def child(point: str, corpus: Path, out: Path, marker: Path | None = None) -> subprocess.Popen:
    args = ["--corpus", str(corpus), "--out", str(out), "--workers", "1", "--no-progress"]
    return subprocess.Popen([sys.executable, "-c", CHILD, point, str(marker or out / "marker"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def run_cli(corpus: Path, out: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out),
                           "--workers", "1", "--no-progress"], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def snapshot_of(out: Path) -> dict:
    tables = pipeline.load(out)
    return {name: tables[name].astype(object).to_dict("records") for name in TABLES}


@pytest.fixture
def published(tmp_path):
    """A corpus with a published run, then changed (one file new, one changed) for the run to be killed."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_docs(corpus, ["a.txt", "b.txt", "c.txt"])
    assert run_cli(corpus, out).returncode == 0
    before = snapshot_of(out)
    write_docs(corpus, ["a.txt", "b.txt", "c.txt", "d.txt"])
    (corpus / "b.txt").write_text("修改后的新闻稿\n\n汉堡与上海的合作已经延长。\n", encoding="utf-8")
    return corpus, out, before


@pytest.mark.parametrize("point, sees_new", [("writing", False), ("publish", False), ("swap", False),
                                             ("links", True)])
def test_publish_sigkill_leaves_a_complete_set_and_next_run_completes(published, point, sees_new):
    corpus, out, before = published
    killed = child(point, corpus, out)
    killed.wait(timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.read()

    after = snapshot_of(out)
    paths = sorted(row["path"] for row in after["documents"])
    if sees_new:  # killed after the swap: the new set is complete and published
        assert paths == ["a.txt", "b.txt", "c.txt", "d.txt"]
    else:
        assert after == before
    ids = {row["doc_id"] for row in after["documents"]}
    assert {row["doc_id"] for row in after["texts"]} == ids  # one snapshot, not a mix

    rerun = run_cli(corpus, out)
    assert rerun.returncode == 0, rerun.stderr
    final = snapshot_of(out)
    assert sorted(row["path"] for row in final["documents"]) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert any("修改后" in row["text"] for row in final["texts"])
    leftovers = [p.name for p in (out / SNAPSHOTS).iterdir() if p.name.startswith("tmp-")]
    assert leftovers == [] and not list((out / ".cache").rglob("*.tmp*"))
    assert len(pipeline.load(out)["runs"]) == 2 + sees_new


def test_publish_sigkill_after_a_delay_of_the_real_command(published):
    corpus, out, before = published
    # long enough (~20,000 words) that the run is still reading it when the signal comes, however fast the machine
    (corpus / "e.txt").write_text("Kiel and Qingdao signed a twinning agreement in 2019. " * 2000, encoding="utf-8")
    started = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out),
                                "--workers", "1", "--no-progress"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(2.0)  # imports done, lock taken, snapshot begun; models loading or the NER reading e.txt
    started.send_signal(signal.SIGKILL)
    started.wait(timeout=30)
    assert snapshot_of(out) == before
    assert run_cli(corpus, out, timeout=300).returncode == 0
    assert len(snapshot_of(out)["documents"]) == 5


def test_publish_second_concurrent_run_stops_at_once_and_a_dead_holder_is_taken_over(published):
    corpus, out, _ = published
    marker = out.parent / "paused"
    holder = child("pause", corpus, out, marker)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert holder.poll() is None and time.monotonic() < deadline, holder.stderr.read()
        time.sleep(0.1)

    t0 = time.monotonic()
    second = run_cli(corpus, out)
    assert second.returncode == 2 and time.monotonic() - t0 < 15
    assert f"pid {holder.pid}" in second.stderr and "another run is using" in second.stderr

    holder.send_signal(signal.SIGKILL)  # the lock file stays behind; the kernel has dropped the lock
    holder.wait(timeout=30)
    assert (out / ".lock").exists()
    third = run_cli(corpus, out)
    assert third.returncode == 0, third.stderr


def test_publish_run_lock_in_process(tmp_path):
    with run_lock(tmp_path, "first"):
        with pytest.raises(RunLockedError, match=f"pid {os.getpid()}.*`first`"):
            with run_lock(tmp_path, "second"):
                pass
    with run_lock(tmp_path, "third"):
        pass


def test_publish_keeps_current_and_previous_snapshot_only(tmp_path):
    out = tmp_path / "out"
    names = []
    for n in range(4):
        folder = out / SNAPSHOTS / f"tmp-run{n}"
        folder.mkdir(parents=True)
        (folder / "documents.csv").write_text(f"run {n}\n")
        names.append(publish_snapshot(out, folder, ["documents.csv"]).name)
        assert (out / "documents.csv").read_text() == f"run {n}\n"
        assert resolve_snapshot(out).name == names[-1]
    assert sorted(p.name for p in (out / SNAPSHOTS).iterdir()) == ["current", "run2", "run3"]
