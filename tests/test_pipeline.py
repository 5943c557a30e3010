"""End to end on the five seed documents: documents, languages, marked paragraphs, tables and dtypes."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import pipeline
from pipeline.tables import SCHEMAS


@pytest.fixture(scope="module")
def seed_tables(seeds_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-out")
    summary = pipeline.run(seeds_dir, out, workers=1)
    assert summary.exit_code == 0
    return pipeline.load(out)


@pytest.mark.slow
def test_pipeline_seed_documents_are_read_with_their_language(seed_tables):
    docs = seed_tables["documents"].set_index("path")
    assert list(docs["status"]) == ["ok"] * 5
    expected = {"000": "en", "001": "de", "002": "en", "003": "en", "004": "en"}
    for path, row in docs.iterrows():
        assert row["language"] == expected[path[:3]], path
        assert row["n_chars"] > 500
    assert docs.loc[docs.index.str.startswith("000"), "published"].item() == "2021-01-04"
    assert docs.loc[docs.index.str.startswith("004"), "published"].item() == "2023-04-19"


@pytest.mark.slow
def test_pipeline_other_language_paragraphs_are_marked(seed_tables):
    docs = seed_tables["documents"].set_index("doc_id")
    paragraphs = seed_tables["paragraphs"]
    texts = seed_tables["texts"].set_index("doc_id")["text"]

    def foreign(prefix):
        doc_id = docs.index[docs["path"].str.startswith(prefix)][0]
        rows = paragraphs[(paragraphs.doc_id == doc_id) & (paragraphs.language != docs.loc[doc_id, "language"])]
        return [texts[doc_id][r.start:r.end] for r in rows.itertuples()]

    assert any(p.startswith("Avertissement") for p in foreign("002"))  # French disclaimer in English text
    assert any("Leave a Reply" in p for p in foreign("001"))  # English comment prompt in German text
    assert not any("Düsseldorf" in p for p in foreign("001"))


@pytest.mark.slow
def test_pipeline_tables_have_the_contract_columns_and_dtypes(seed_tables):
    assert set(seed_tables) == set(SCHEMAS)
    for name, schema in SCHEMAS.items():
        assert list(seed_tables[name].columns) == schema.names, name
    docs = seed_tables["documents"]
    assert isinstance(docs["doc_id"].dtype, pd.StringDtype)
    assert isinstance(docs["n_chars"].dtype, pd.Int64Dtype)
    assert isinstance(docs["language"].dtype, pd.CategoricalDtype)
    pairs = seed_tables["city_pairs"]
    assert all(isinstance(ids, list) for ids in pairs["doc_ids"])
    evidence = seed_tables["relations"].merge(seed_tables["texts"], on="doc_id")
    for row in evidence.itertuples():
        assert row.text[row.start:row.end].strip() == row.evidence


@pytest.mark.slow
def test_pipeline_finds_the_seed_pairs(seed_tables):
    pairs = {frozenset((r.place_a, r.place_b)): r for r in seed_tables["city_pairs"].itertuples()}
    zhengzhou = pairs[frozenset(("Zhengzhou", "Amiens"))]
    assert (zhengzhou.relation, zhengzhou.status, zhengzhou.date) == ("sister_city", "proposed", "2018-05-09")
    chongqing = pairs[frozenset(("Chongqing", "Düsseldorf"))]
    assert (chongqing.relation, chongqing.status, chongqing.date) == ("sister_city", "signed", "2004-07-22")


def test_pipeline_help_answers_and_bad_arguments_exit_2(tmp_path):
    help_text = subprocess.run([sys.executable, "-m", "pipeline", "run", "--help"], capture_output=True,
                               text=True, check=True).stdout
    for word in ("--corpus", "--out", "--workers", "--full", "exit codes"):
        assert word in help_text
    bad = subprocess.run([sys.executable, "-m", "pipeline", "run", "--corpus", str(tmp_path / "missing")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not a folder" in bad.stderr


def test_pipeline_detect_language_is_public():
    assert pipeline.detect_language("Die Partnerstädte feiern ihr Jubiläum")[0] == "de"
