"""`status`: what the next run would do and when the last one finished, without loading any model."""
from __future__ import annotations

from pathlib import Path

from .discover import DEFAULT_MAX_BYTES, discover
from .publish import resolve_snapshot
from .state import read_manifest
from .tables import read_rows


def corpus_status(corpus: Path, out: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    snapshot = resolve_snapshot(out)
    manifest = read_manifest(snapshot)
    runs = read_rows(snapshot, "runs")
    sources = {s.path: s for s in discover(corpus, max_bytes)}
    new = sorted(p for p in sources if p not in manifest)
    changed = sorted(p for p, s in sources.items() if p in manifest and manifest[p].sha256 != s.sha256)
    removed = sorted(p for p in manifest if p not in sources)
    failed = sorted(p for p, e in manifest.items() if p in sources and e.status == "failed")
    last = runs[-1] if runs else None
    lines = [f"corpus {corpus}: {len(sources)} files; outputs {out}"]
    if last:
        lines.append(f"last run {last['run_id']} finished {last['finished']} in {last['seconds']} s: "
                     f"{last['n_ok']} ok, {last['n_failed']} failed, {last['n_skipped']} skipped")
    else:
        lines.append("no run has been published here yet")
    lines.append(f"next run: {len(new)} new, {len(changed)} changed, {len(removed)} removed, "
                 f"{len(sources) - len(new) - len(changed)} unchanged")
    for label, paths in (("new", new), ("changed", changed), ("removed", removed), ("failed last time", failed)):
        lines.extend(f"  {label}: {p}" for p in paths[:50])
        if len(paths) > 50:
            lines.append(f"  … and {len(paths) - 50} more {label}")
    return {"corpus": str(corpus), "out": str(out), "n_files": len(sources), "new": new, "changed": changed,
            "removed": removed, "failed_last_run": failed, "last_run": last, "text": "\n".join(lines)}
