"""Table writing: batches bounded by rows and by characters, every row written once and in order."""
from __future__ import annotations

import pyarrow.parquet as pq

from pipeline.tables import TableWriter


def test_long_texts_are_flushed_in_batches_of_bounded_size(tmp_path):
    writer = TableWriter(tmp_path, "texts", batch_rows=1000, batch_chars=25_000)
    rows = [{"doc_id": f"d{i:03d}", "text": f"text {i} " + "x" * 10_000} for i in range(10)]
    for row in rows:
        writer.write([row])
        assert len(writer._rows) < 3  # never more than batch_chars held
    writer.close()
    table = pq.ParquetFile(tmp_path / "texts.parquet")
    assert table.metadata.num_row_groups == 4  # 3 + 3 + 3 + 1 rows
    assert table.read().to_pydict() == {"doc_id": [r["doc_id"] for r in rows], "text": [r["text"] for r in rows]}
    csv_lines = (tmp_path / "texts.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0] == "doc_id,text" and len(csv_lines) == 11
