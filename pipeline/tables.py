"""Stage 7: records -> tables with fixed columns and dtypes, streamed to Parquet + CSV; `load()` reads them back."""
from __future__ import annotations

import csv
import json
import operator
import os
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .publish import resolve_snapshot

S, I, F, B, L = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.list_(pa.string())

_PLACE_COLUMNS = [
    ("place_a", S), ("place_b", S), ("place_a_id", S), ("place_b_id", S), ("country_a", S), ("country_b", S),
]

SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema(cols)
    for name, cols in {
        "documents": [
            ("doc_id", S), ("path", S), ("sha256", S), ("format", S), ("language", S), ("language_score", F),
            ("title", S), ("published", S), ("published_precision", S), ("n_chars", I), ("n_pages", I),
            ("status", S), ("error", S),
        ],
        "texts": [("doc_id", S), ("text", S)],
        "paragraphs": [
            ("doc_id", S), ("index", I), ("start", I), ("end", I), ("language", S), ("language_score", F),
            ("boilerplate", B),
        ],
        "relations": [
            ("doc_id", S), *_PLACE_COLUMNS, ("relation", S), ("status", S), ("date", S), ("date_precision", S),
            ("evidence", S), ("start", I), ("end", I), ("confidence", F),
        ],
        "city_pairs": [
            *_PLACE_COLUMNS, ("relation", S), ("status", S), ("date", S), ("date_precision", S),
            ("n_documents", I), ("doc_ids", L),
        ],
        "places": [
            ("place_id", S), ("name", S), ("country", S), ("latitude", F), ("longitude", F), ("population", I),
            ("geonameid", I), ("kind", S),
        ],
        "companies": [("company_id", S), ("name", S), ("aliases", L), ("n_documents", I)],
        "document_companies": [("doc_id", S), ("company_id", S), ("name", S), ("mentions", L)],
        "document_sectors": [("doc_id", S), ("sector", S), ("label", S), ("terms", L)],
        "mentions": [
            ("doc_id", S), ("type", S), ("text", S), ("start", I), ("end", I), ("normalized", S),
        ],
        "runs": [
            ("run_id", S), ("started", S), ("finished", S), ("seconds", F), ("engine", S), ("workers", I),
            ("pipeline_version", S), ("n_files", I), ("n_new", I), ("n_changed", I), ("n_unchanged", I),
            ("n_removed", I), ("n_ok", I), ("n_failed", I), ("n_skipped", I), ("n_processed", I),
            ("docs_per_second", F),
        ],
    }.items()
}
DATA_TABLES = tuple(name for name in SCHEMAS if name != "runs")
# Columns whose cells can be long; other cells are short, so a batch is bounded by its number of rows.
LONG_TEXT_COLUMNS = ("text", "evidence", "title", "error")
CATEGORIES = {"format", "language", "status", "relation", "date_precision", "published_precision", "type",
              "sector", "kind", "engine"}


class TableWriter:
    """Appends rows to NAME.parquet and NAME.csv in batches of `batch_rows` rows or `batch_chars` characters
    of free text, whichever comes first: the memory a run holds for them does not grow with the corpus.

    A row is a dict holding every column of the table."""

    def __init__(self, folder: Path, name: str, batch_rows: int = 2000, batch_chars: int = 1_000_000):
        self.name, self.schema, self.batch_rows, self.batch_chars = name, SCHEMAS[name], batch_rows, batch_chars
        self._rows: list[dict] = []
        self._chars = 0
        self._cells = operator.itemgetter(*self.schema.names)
        self._long = [name for name in LONG_TEXT_COLUMNS if name in self.schema.names]
        # the csv module writes str, int, bool and None (as "") as we want them; floats and lists need help
        self._convert = [i for i, field in enumerate(self.schema) if field.type in (F, L)]
        self._parquet = pq.ParquetWriter(folder / f"{name}.parquet", self.schema, compression="zstd")
        self._csv_file = open(folder / f"{name}.csv", "w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow(self.schema.names)

    def write(self, rows) -> None:
        rows = list(rows)
        self._rows.extend(rows)
        if self._long:
            self._chars += sum(len(row[name] or "") for row in rows for name in self._long)
        if len(self._rows) >= self.batch_rows or self._chars >= self.batch_chars:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        rows = list(map(self._cells, self._rows))
        columns = [pa.array(column, type=field.type) for column, field in zip(zip(*rows), self.schema)]
        self._parquet.write_table(pa.Table.from_arrays(columns, schema=self.schema))
        if self._convert:
            rows = [list(row) for row in rows]
            for row in rows:
                for i in self._convert:
                    row[i] = _csv_cell(row[i])
        self._csv.writerows(rows)
        self._rows.clear()
        self._chars = 0

    def close(self) -> None:
        self.flush()
        self._parquet.close()
        self._csv_file.close()


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return _JSON_LIST(list(value))


_JSON_LIST = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps builds an encoder per call for this option


def write_table(folder: Path, name: str, rows) -> None:
    writer = TableWriter(folder, name)
    writer.write(rows)
    writer.close()


def read_rows(folder: Path, name: str) -> list[dict]:
    """A table of a snapshot as plain row dicts ([] when it does not exist)."""
    path = Path(folder) / f"{name}.parquet"
    # ParquetFile, unlike read_table, does not import pyarrow.dataset (and pandas with it): status stays quick
    return pq.ParquetFile(path).read().to_pylist() if path.exists() else []


def load(path: str | os.PathLike = "outputs") -> dict:
    """Every table of a run's outputs as pandas DataFrames with proper dtypes.

    All tables come from one published snapshot, even while another run publishes a new one.
    """
    import pandas as pd

    folder = resolve_snapshot(Path(path))
    tables = {}
    for name, schema in SCHEMAS.items():
        file = folder / f"{name}.parquet"
        if not file.exists():
            continue
        frame = pq.read_table(file).to_pandas(types_mapper={
            pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
        }.get)
        for field in schema:
            if pa.types.is_list(field.type):
                frame[field.name] = frame[field.name].map(lambda v: [] if v is None else list(v))
            elif field.name in CATEGORIES:
                frame[field.name] = frame[field.name].astype("category")
        tables[name] = frame
    return tables


# ---------------------------------------------------------------- rows from records

PER_DOCUMENT_TABLES = ("documents", "texts", "paragraphs", "relations", "mentions", "document_sectors")
RELATION_PRIORITY = {"sister_city": 3, "friendship_city": 2, "cooperation": 1}


def place_columns(a, b) -> dict:
    return {"place_a": a.name, "place_b": b.name, "place_a_id": a.place_id, "place_b_id": b.place_id,
            "country_a": a.country, "country_b": b.country}


def document_rows(result) -> dict[str, list[dict]]:
    """The rows one document contributes to each per-document table."""
    source, doc = result.source, result.doc
    ok = result.status == "ok" and doc is not None
    rows: dict[str, list[dict]] = {name: [] for name in PER_DOCUMENT_TABLES}
    rows["documents"].append({
        "doc_id": source.doc_id, "path": source.path, "sha256": source.sha256, "format": source.format,
        "language": doc.language if ok else None, "language_score": round(doc.language_score, 4) if ok else None,
        "title": doc.title if ok else None, "published": doc.published if ok else None,
        "published_precision": doc.published_precision if ok else None,
        "n_chars": len(doc.text) if ok else None, "n_pages": doc.n_pages if ok else None,
        "status": result.status, "error": result.error,
    })
    if not ok:
        return rows
    rows["texts"].append({"doc_id": source.doc_id, "text": doc.text})
    rows["paragraphs"] = [
        {"doc_id": source.doc_id, "index": p.index, "start": p.start, "end": p.end, "language": p.language,
         "language_score": round(p.language_score, 4), "boilerplate": p.boilerplate} for p in doc.paragraphs]
    rows["relations"] = [
        {"doc_id": r.doc_id, **place_columns(r.a, r.b), "relation": r.relation, "status": r.status,
         "date": r.date, "date_precision": r.date_precision, "evidence": r.evidence, "start": r.start,
         "end": r.end, "confidence": round(r.confidence, 3)} for r in result.relations]
    rows["mentions"] = [
        {"doc_id": m.doc_id, "type": m.type, "text": m.text, "start": m.start, "end": m.end,
         "normalized": m.normalized} for m in sorted(result.mentions, key=lambda m: (m.start, m.end, m.type))]
    from .link.sectors import SECTION_LABELS

    terms: dict[str, list[str]] = {}
    for hit in result.sectors:
        bucket = terms.setdefault(hit.sector, [])
        if hit.term not in bucket:
            bucket.append(hit.term)
    rows["document_sectors"] = [
        {"doc_id": source.doc_id, "sector": letter, "label": SECTION_LABELS.get(letter), "terms": found}
        for letter, found in sorted(terms.items())]
    return rows


class CorpusCollector:
    """Keeps the small records that corpus-wide tables consolidate (pairs, places, companies)."""

    def __init__(self):
        self.relations = []
        self.places = {}
        self.company_mentions = []  # (doc_id, surface, canonical-in-document)

    def add(self, result) -> None:
        if result.status != "ok":
            return
        for place in result.places:
            self.places.setdefault(place.place_id, place)
        for r in result.relations:  # without its evidence, and with one Place object per place: memory stays flat
            a, b = self.places.setdefault(r.a.place_id, r.a), self.places.setdefault(r.b.place_id, r.b)
            self.relations.append(replace(r, a=a, b=b, evidence=""))
        self.company_mentions.extend(
            (m.doc_id, m.text, m.normalized or m.text) for m in result.mentions if m.type == "COMPANY")

    def write(self, folder: Path) -> None:
        from .link.companies import consolidate_companies

        write_table(folder, "city_pairs", consolidate_pairs(self.relations))
        write_table(folder, "places", [
            {"place_id": p.place_id, "name": p.name, "country": p.country, "latitude": p.latitude,
             "longitude": p.longitude, "population": p.population, "geonameid": p.geonameid, "kind": p.kind}
            for _, p in sorted(self.places.items())])
        companies, document_companies = consolidate_companies(self.company_mentions)
        write_table(folder, "companies", companies)
        write_table(folder, "document_companies", document_companies)


def consolidate_pairs(relations) -> list[dict]:
    """One row per unordered pair: signed before proposed, then the highest relation type, then the
    earliest, most precise date."""
    groups: dict[tuple[str, str], list] = {}
    for r in relations:
        groups.setdefault(tuple(sorted((r.a.place_id, r.b.place_id))), []).append(r)
    rows = []
    for key, group in sorted(groups.items()):
        def rank(r):
            return (r.status != "signed", -RELATION_PRIORITY[r.relation], r.date is None, r.date or "",
                    -len(r.date or ""))
        best = min(group, key=rank)
        dated = [r for r in group if r.date and r.relation == best.relation and r.status == best.status]
        date_src = min(dated, key=lambda r: (r.date[:4], -len(r.date))) if dated else best
        a, b = sorted((best.a, best.b), key=lambda p: p.place_id)
        rows.append({**place_columns(a, b), "relation": best.relation, "status": best.status,
                     "date": date_src.date, "date_precision": date_src.date_precision,
                     "n_documents": len({r.doc_id for r in group}),
                     "doc_ids": sorted({r.doc_id for r in group})})
    return rows
