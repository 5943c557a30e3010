import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import config
from pipeline.link import places
from pipeline.link.places import fold_name, load_gazetteer, place_by_id, spacy_stop_words, split_kind

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.parametrize(
    "name, geonameid, english, country",
    [
        ("Köln", 2886242, "Cologne", "DE"),
        ("Cologne", 2886242, "Cologne", "DE"),
        ("Peking", 1816670, "Beijing", "CN"),
        ("Pékin", 1816670, "Beijing", "CN"),
        ("Beijing", 1816670, "Beijing", "CN"),
        ("Cegled", 3054543, "Cegléd", "HU"),
        ("Düsseldorf", 2934246, "Düsseldorf", "DE"),
        ("Dusseldorf", 2934246, "Düsseldorf", "DE"),
        ("Chongqing", 1814906, "Chongqing", "CN"),
        ("Zhengzhou", 1784658, "Zhengzhou", "CN"),
        ("Amiens", 3037854, "Amiens", "FR"),
        ("Rennes", 2983990, "Rennes", "FR"),
        ("Jinan", 1805753, "Jinan", "CN"),
        ("München", 2867714, "Munich", "DE"),
        ("Sevilla", 2510911, "Seville", "ES"),
        ("Wien", 2761369, "Vienna", "AT"),
        ("Den Haag", 2747373, "The Hague", "NL"),
        ("Frankfurt", 2925533, "Frankfurt am Main", "DE"),
        ("Gera", 2921232, "Gera", "DE"),
        ("Xi'an", 1790630, "Xi'an", "CN"),
    ],
)
def test_places_resolve_city(gazetteer, name, geonameid, english, country):
    place = gazetteer.resolve(name)
    assert (place.geonameid, place.name, place.country, place.kind) == (geonameid, english, country, "city")
    assert place.place_id == f"geonames:{geonameid}"
    assert place_by_id(place.place_id) == place


@pytest.mark.parametrize(
    "name, place_id, english, country",
    [
        ("Licheng district", "region:jinan-licheng", "Licheng District", "CN"),
        ("Nordrhein-Westfalen", "region:north-rhine-westphalia", "North Rhine-Westphalia", "DE"),
        ("NRW", "region:north-rhine-westphalia", "North Rhine-Westphalia", "DE"),
        ("Province of Liège", "region:liege-province", "Province of Liège", "BE"),
        ("Provinz Lüttich", "region:liege-province", "Province of Liège", "BE"),
        ("province de Liège", "region:liege-province", "Province of Liège", "BE"),
        ("Henan Province", "region:henan", "Henan", "CN"),
        ("Provinz Shandong", "region:shandong", "Shandong", "CN"),
        ("Hessen", "region:hesse", "Hesse", "DE"),
        ("Bretagne", "region:brittany", "Brittany", "FR"),
        ("Land Brandenburg", "region:brandenburg", "Brandenburg", "DE"),
        ("Chaoyang District", "region:beijing-chaoyang", "Chaoyang District", "CN"),
        ("Woiwodschaft Niederschlesien", "region:lower-silesian", "Lower Silesian Voivodeship", "PL"),
        ("Südmähren", "region:south-moravian", "South Moravian Region", "CZ"),
    ],
)
def test_places_resolve_region(gazetteer, name, place_id, english, country):
    place = gazetteer.resolve(name)
    assert (place.place_id, place.name, place.country) == (place_id, english, country)
    assert place.kind != "city"


def test_places_city_wins_over_region_without_kind_word(gazetteer):
    assert gazetteer.resolve("Liège").kind == "city"
    assert gazetteer.resolve("Provinz Lüttich").kind == "province"


def test_places_near_countries_override_population(gazetteer):
    assert gazetteer.resolve("Frankfurt").geonameid == 2925533
    assert gazetteer.resolve("Paris").country == "FR"
    assert gazetteer.resolve("Paris", near_countries=["US"]).country == "US"


def test_places_home_countries_decide_between_homonyms_only(gazetteer):
    """The language's countries pick among places that all bear the name ("Brest" in French is Brest, France),
    never a small namesake over a place the name is only another language's word for (French "Vienne")."""
    french = ["FR", "BE", "CH", "LU"]
    assert gazetteer.resolve("Brest").country == "BY"
    assert gazetteer.resolve("Brest", home_countries=french).country == "FR"
    assert gazetteer.resolve("Orléans", home_countries=french).country == "FR"
    assert gazetteer.resolve("Vienne", ner_label="LOC", home_countries=french).country == "AT"
    assert gazetteer.resolve("Brest", near_countries=["BY"], home_countries=french).country == "BY"


@pytest.mark.parametrize("name", ["Essen", "Nice", "Mobile", "Split"])
def test_places_ambiguous_word_needs_ner_location(gazetteer, name):
    assert gazetteer.resolve(name) is None
    assert gazetteer.resolve(name, ner_label="LOC") is not None
    assert gazetteer.resolve(name.lower(), ner_label="LOC") is None


@pytest.mark.parametrize("name", ["Of", "Union", "Reading"])
def test_places_never_words_rejected_even_with_ner(gazetteer, name):
    assert gazetteer.lookup(name)  # they are town names...
    assert gazetteer.resolve(name, ner_label="LOC") is None  # ...but too common as words


@pytest.mark.parametrize("name, near, home, expected", [
    ("Clisson", (), (), ("Clisson", "FR")),  # the only town of that name
    ("Sainte-Maxime", (), (), ("Sainte-Maxime", "FR")),
    ("Unity", ("US",), (), ("Unity", "US")),  # several: the one in a country the sentence names...
    ("Unity", (), ("CA",), ("Unity", "CA")),  # ...or of the text's language
    ("Unity", (), (), None),  # ...else none
    ("Council", (), (), None),  # a town's name that is a common word
    ("Chengdu", (), (), None),  # a city of the gazetteer proper is no town
])
def test_places_town_a_small_place_the_cities_lack(gazetteer, name, near, home, expected):
    town = gazetteer.town(name, near_countries=near, home_countries=home)
    assert (town.name, town.country) == expected if expected else town is None
    assert expected is None or (gazetteer.resolve(name) is None and town.place_id.startswith("town:"))


@pytest.mark.parametrize("name", ["China", "Europe", "Deutschland", "Mai", "March", "Samstag", "jinan", "Center", "Die"])
def test_places_non_places_rejected(gazetteer, name):
    assert gazetteer.resolve(name) is None


def test_places_person_label_rejected(gazetteer):
    assert gazetteer.resolve("Amiens", ner_label="PER") is None


def test_places_lookup_lists_every_candidate_by_population(gazetteer):
    places = gazetteer.lookup("Frankfurt")
    assert [p.geonameid for p in places][:2] == [2925533, 2925535]
    populations = [p.population or 0 for p in places]
    assert populations == sorted(populations, reverse=True)


@pytest.mark.parametrize(
    "name, code",
    [
        ("Germany", "DE"), ("Deutschland", "DE"), ("Allemagne", "DE"), ("German", "DE"), ("deutsche", "DE"),
        ("deutschen", "DE"), ("allemande", "DE"), ("China", "CN"), ("chinesische", "CN"), ("Chinese", "CN"),
        ("chinoise", "CN"), ("Hungary", "HU"), ("Ungarn", "HU"), ("Hongrie", "HU"), ("hongrois", "HU"),
        ("France", "FR"), ("français", "FR"), ("französischen", "FR"), ("Belgien", "BE"), ("Tschechien", "CZ"),
        ("Volksrepublik China", "CN"), ("Großbritannien", "GB"), ("Amiens", None), ("Europe", None),
    ],
)
def test_places_country_code(gazetteer, name, code):
    assert gazetteer.country_code(name) == code


@pytest.mark.parametrize("word, code", [("chinesische", "CN"), ("Hongrie", "HU"), ("Bretagne", "FR"),
                                        ("Shandong", "CN"), ("Bavaria", "DE"), ("Amiens", None), ("bretagne", None),
                                        ("Partnerschaft", None)])
def test_places_country_named_by_a_word_or_a_large_region(gazetteer, word, code):
    assert gazetteer.country_named(word) == code
    assert gazetteer.country_named(word) == code  # remembered, the same


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Die Stadt Köln und Nordrhein-Westfalen unterzeichneten mit Chongqing in Deutschland.",
         ["Köln", "Nordrhein-Westfalen", "Chongqing"]),
        ("La ville d'Aix-en-Provence et Xi'an ont signé un accord avec la province de Liège et Cegled en Hongrie.",
         ["Aix-en-Provence", "Xi'an", "Liège", "Cegled"]),
        ("Essen is nice. Jinan supports Licheng district and Pingyin county in Shandong province, China.",
         ["Essen", "Jinan", "Licheng district", "Pingyin county", "Shandong province"]),  # linking decides on Essen
    ],
)
def test_places_scan_finds_places(gazetteer, text, expected):
    assert [name for _, _, name in gazetteer.scan(text)] == expected
    assert all(text[start:end] == name for start, end, name in gazetteer.scan(text))


@pytest.mark.parametrize(
    "name, folded",
    [("Köln", "koln"), ("Xi’an", "xi'an"), ("Aix-en-Provence", "aix en provence"), ("  Düsseldorf ", "dusseldorf")],
)
def test_places_fold_name(name, folded):
    assert fold_name(name) == folded


@pytest.mark.parametrize(
    "key, expected",
    [
        ("provinz luttich", ("luttich", "province")),
        ("province de liege", ("liege", "province")),
        ("licheng district", ("licheng", "district")),
        ("landkreis essen", ("essen", "district")),
        ("jinan", ("jinan", None)),
    ],
)
def test_places_split_kind(key, expected):
    assert split_kind(key) == expected


def test_the_gazetteer_is_out_of_the_cyclic_collectors_reach(gazetteer):
    """Built once per process, it is frozen (gc.freeze): full collections in a long run no longer walk it."""
    import gc

    tracked = {id(o) for o in gc.get_objects()}
    assert not any(id(hits) in tracked for hits in gazetteer.index.values())


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_spacy_stop_words_are_spacys(lang):
    assert spacy_stop_words(lang) == importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS


def test_gazetteer_does_not_import_the_french_language_package():
    """`spacy.lang.fr` compiles the French tokenizer's exceptions (~5 s): only a French model needs them."""
    code = "import sys; from pipeline.link.places import build_gazetteer; build_gazetteer(); " \
           "print('spacy.lang.fr' in sys.modules)"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert child.stdout.strip() == "False"


def test_gazetteer_built_copy_is_the_built_gazetteer(tmp_path, monkeypatch):
    """The first process writes the built copy, the next ones read it; a copy of other code or data is never read
    (its fingerprint names another file), and a folder that cannot be written only costs a build per process."""
    built = places.build_gazetteer()
    monkeypatch.setattr(places, "build_gazetteer", lambda: built)
    path = tmp_path / "built" / "gazetteer-new.pickle"
    (tmp_path / "built").mkdir()
    (tmp_path / "built" / "gazetteer-old.pickle").write_bytes(b"stale")
    assert places.read_or_build(path) is built
    assert [p.name for p in path.parent.iterdir()] == ["gazetteer-new.pickle"]

    def no_build():
        raise AssertionError("built again although a built copy exists")

    monkeypatch.setattr(places, "build_gazetteer", no_build)
    copy = places.read_or_build(path)
    assert copy is not built and copy == built and copy.heads == built.heads
    assert copy.resolve("Wuhan") == built.resolve("Wuhan")

    monkeypatch.setattr(places, "build_gazetteer", lambda: built)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert places.read_or_build(blocked / "gazetteer-x.pickle") is built


def test_gazetteer_fingerprint_follows_the_lexicons(tmp_path, monkeypatch):
    data = config.model_data()
    before = places.gazetteer_fingerprint()
    edited = tmp_path / data[0].name
    edited.write_bytes(data[0].read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(config, "model_data", lambda: [edited, *data[1:]])
    assert places.gazetteer_fingerprint() != before


def test_places_country_memo_stays_bounded(gazetteer, monkeypatch):
    monkeypatch.setattr("pipeline.link.places.WORD_MEMO", 3)
    for word in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "chinesische"):
        gazetteer.country_named(word)
    assert len(gazetteer._countries_named) <= 3
    assert gazetteer.country_named("chinesische") == "CN"
