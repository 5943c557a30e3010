"""`evaluate`: run the pipeline over a corpus and score it against gold (GOLD_FORMAT.md, "Scoring")."""
from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from pathlib import Path

from .config import Config
from .link.places import fold_name
from .runner import run
from .tables import load

LANG_ORDER = ("all", "en", "de", "fr", "und")


def read_gold(paths) -> list[dict]:
    """Gold documents from one or more JSON Lines files."""
    paths = [paths] if isinstance(paths, (str, Path)) else paths
    return [json.loads(line) for path in paths for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _place_names(gazetteer, name: str, geonameid) -> set[str]:
    """The folded names a gold place may appear under: its own and its alternate names."""
    names = {fold_name(name)}
    for place in gazetteer.lookup(name):
        if geonameid is None or place.geonameid == geonameid:
            names.add(fold_name(place.name))
    return names


def _same_place(gold: dict, pred_name: str, pred_id: str, gazetteer) -> bool:
    pred_geo = int(pred_id.split(":")[1]) if pred_id.startswith("geonames:") else None
    if gold.get("geonameid") and pred_geo:
        return gold["geonameid"] == pred_geo
    return fold_name(pred_name) in _place_names(gazetteer, gold["name"], gold.get("geonameid"))


def _date_ok(gold: str | None, pred: str | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    return pred[:len(gold)] == gold


def _company_match(gold: dict, forms: list[str]) -> bool:
    gold_forms = {fold_name(gold["name"]), *(fold_name(a) for a in gold.get("aliases", []))}
    for form in map(fold_name, forms):
        for g in gold_forms:
            if form == g or form.split()[:len(g.split())] == g.split() or g.split()[:len(form.split())] == form.split():
                return True
    return False


class _Score:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


class _Accuracy:
    def __init__(self):
        self.right = self.total = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def as_dict(self) -> dict:
        return {"accuracy": round(self.right / self.total, 4) if self.total else None, "n": self.total}


def score(gold_docs: list[dict], tables: dict) -> dict:
    """Scores overall and per gold language, plus the list of misses."""
    from .link.places import load_gazetteer

    gazetteer = load_gazetteer()
    tables = {name: frame.astype(object).where(frame.notna(), None) for name, frame in tables.items()
              if name in ("documents", "relations", "document_companies", "document_sectors")}
    docs = tables["documents"]
    by_path = {row.path: row for row in docs.itertuples()}
    relations = tables["relations"]
    companies = tables["document_companies"]
    sectors = tables["document_sectors"]
    metrics = defaultdict(lambda: {"pairs": _Score(), "companies": _Score(), "sectors": _Score(),
                                   "relation": _Accuracy(), "status": _Accuracy(), "date": _Accuracy(),
                                   "language": _Accuracy()})
    misses: list[dict] = []
    for gold in gold_docs:
        row = by_path.get(gold["doc"])
        groups = [metrics["all"], metrics[gold.get("language", "und")]]

        def add(kind: str, **values):
            for group in groups:
                target = group[kind]
                for key, value in values.items():
                    setattr(target, key, getattr(target, key) + value)

        def accuracy(kind: str, ok: bool, detail: dict):
            for group in groups:
                group[kind].add(ok)
            if not ok:
                misses.append({"doc": gold["doc"], "kind": kind, **detail})

        if row is None:
            misses.append({"doc": gold["doc"], "kind": "document", "error": "not in the outputs"})
            continue
        doc_id = row.doc_id
        if row.status != "ok":
            misses.append({"doc": gold["doc"], "kind": "document", "error": f"{row.status}: {row.error}"})
        accuracy("language", row.language == gold.get("language"),
                 {"gold": gold.get("language"), "predicted": row.language})
        predicted = [r for r in relations[relations.doc_id == doc_id].itertuples()]
        used = set()
        for pair in gold.get("city_pairs", []):
            match = None
            for i, r in enumerate(predicted):
                if i in used:
                    continue
                direct = _same_place(pair["a"], r.place_a, r.place_a_id, gazetteer) and \
                    _same_place(pair["b"], r.place_b, r.place_b_id, gazetteer)
                crossed = _same_place(pair["a"], r.place_b, r.place_b_id, gazetteer) and \
                    _same_place(pair["b"], r.place_a, r.place_a_id, gazetteer)
                if direct or crossed:
                    match = i
                    break
            label = f"{pair['a']['name']} – {pair['b']['name']}"
            if match is None:
                add("pairs", fn=1)
                misses.append({"doc": gold["doc"], "kind": "pair missed", "pair": label,
                               "evidence": pair.get("evidence")})
                continue
            used.add(match)
            add("pairs", tp=1)
            r = predicted[match]
            accuracy("relation", r.relation == pair["relation"], {"pair": label, "gold": pair["relation"],
                                                                  "predicted": r.relation})
            accuracy("status", r.status == pair["status"], {"pair": label, "gold": pair["status"],
                                                            "predicted": r.status})
            accuracy("date", _date_ok(pair.get("date"), r.date),
                     {"pair": label, "gold": pair.get("date"), "predicted": r.date})
        for i, r in enumerate(predicted):
            if i not in used:
                add("pairs", fp=1)
                misses.append({"doc": gold["doc"], "kind": "pair not in gold",
                               "pair": f"{r.place_a} – {r.place_b}", "evidence": r.evidence[:160]})
        pred_companies = [[c.name, *c.mentions] for c in companies[companies.doc_id == doc_id].itertuples()]
        matched_gold = set()
        for forms in pred_companies:
            hit = next((j for j, g in enumerate(gold.get("companies", []))
                        if j not in matched_gold and _company_match(g, forms)), None)
            if hit is None:
                add("companies", fp=1)
                misses.append({"doc": gold["doc"], "kind": "company not in gold", "company": forms[0]})
            else:
                matched_gold.add(hit)
                add("companies", tp=1)
        for j, g in enumerate(gold.get("companies", [])):
            if j not in matched_gold:
                add("companies", fn=1)
                misses.append({"doc": gold["doc"], "kind": "company missed", "company": g["name"]})
        pred_sectors = set(sectors[sectors.doc_id == doc_id].sector.astype(str))
        gold_sectors = set(gold.get("sectors", []))
        add("sectors", tp=len(pred_sectors & gold_sectors), fp=len(pred_sectors - gold_sectors),
            fn=len(gold_sectors - pred_sectors))
        if pred_sectors != gold_sectors:
            misses.append({"doc": gold["doc"], "kind": "sectors", "missed": sorted(gold_sectors - pred_sectors),
                           "extra": sorted(pred_sectors - gold_sectors)})
    return {
        "n_documents": len(gold_docs),
        "scores": {lang: {k: v.as_dict() for k, v in metrics[lang].items()}
                   for lang in LANG_ORDER if lang in metrics},
        "misses": misses,
    }


def evaluate_corpus(corpus: Path, gold_paths, workers: int = 1) -> dict:
    gold = read_gold(gold_paths)
    with tempfile.TemporaryDirectory(prefix="pipeline-eval-") as tmp:
        run(Config(corpus=Path(corpus), out=Path(tmp) / "out", workers=workers))
        tables = load(Path(tmp) / "out")
    return score(gold, tables)


def format_report(report: dict) -> str:
    """The misses first, then the score table (so the table is what a terminal shows last)."""
    lines = []
    if report["misses"]:
        lines.append("misses:")
        for miss in report["misses"]:
            detail = ", ".join(f"{k}={v}" for k, v in miss.items() if k not in ("doc", "kind"))
            lines.append(f"  {miss['doc']}: {miss['kind']}: {detail}")
        lines.append("")
    lines += [f"{report['n_documents']} gold documents",
              f"{'':6} {'pairs P/R/F1':>16} {'companies P/R/F1':>16} {'sectors P/R/F1':>16} "
              f"{'relation':>8} {'status':>6} {'date':>5} {'lang':>5}"]
    for lang, s in report["scores"].items():
        def prf(key):
            d = s[key]
            return f"{d['precision']:.2f}/{d['recall']:.2f}/{d['f1']:.2f}"

        def acc(key):
            value = s[key]["accuracy"]
            return "-" if value is None else f"{value:.2f}"
        lines.append(f"{lang:6} {prf('pairs'):>16} {prf('companies'):>16} {prf('sectors'):>16} "
                     f"{acc('relation'):>8} {acc('status'):>6} {acc('date'):>5} {acc('language'):>5}")
    return "\n".join(lines)


def check_floors(report: dict, floors: dict) -> list[str]:
    """Scores below their floor, as `lang.metric.field value < floor` lines; floors look like
    {"all": {"pairs": {"f1": 0.9}, "date": {"accuracy": 0.9}}, "de": {...}}."""
    failures = []
    for lang, metrics in floors.items():
        for metric, fields in metrics.items():
            for name, floor in fields.items():
                value = report["scores"].get(lang, {}).get(metric, {}).get(name)
                if value is None or value < floor:
                    failures.append(f"{lang}.{metric}.{name} {value} < {floor}")
    return failures
