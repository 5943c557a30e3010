import json
from pathlib import Path

import pytest
import spacy

from pipeline.ner_training import DOMAIN_PATH, LABELS, evaluate_ner, make_text_examples, read_domain, read_germeval

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "de_ner"

GERMEVAL_SAMPLE = (
    "#\thttp://de.wikipedia.org/wiki/Beispiel\t[2009-08-13]\n"
    "1\tDie\tO\tO\n"
    "2\tUniversität\tB-ORG\tO\n"
    "3\tHamburg\tI-ORG\tB-LOC\n"
    "4\tund\tO\tO\n"
    "5\tdeutsche\tB-LOCderiv\tO\n"
    "6\tEU-weite\tB-ORGpart\tO\n"
    "7\tPartner\tO\tO\n"
    "8\tin\tO\tO\n"
    "9\tWuhan\tB-LOC\tO\n"
    "\n"
    "# http://www.heise.de/x.html [2010-07-04]\n"
    "1\tAngela\tB-PER\tO\n"
    "2\tMerkel\tI-PER\tO\n"
    "3\tlas\tO\tO\n"
    "4\tFaust\tB-OTH\tO\n"
)


@pytest.fixture(scope="module")
def nlp_de():
    return spacy.load(MODEL_DIR)


def test_ner_training_read_germeval_keeps_outer_tags_and_drops_deriv_part(tmp_path):
    path = tmp_path / "sample.tsv"
    path.write_text(GERMEVAL_SAMPLE, encoding="utf-8")
    sentences = read_germeval(path)
    assert sentences == [
        (
            ["Die", "Universität", "Hamburg", "und", "deutsche", "EU-weite", "Partner", "in", "Wuhan"],
            ["O", "B-ORG", "I-ORG", "O", "O", "O", "O", "O", "B-LOC"],
        ),
        (["Angela", "Merkel", "las", "Faust"], ["B-PER", "I-PER", "O", "B-OTH"]),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Oberbürgermeister Stephan Keller aus Düsseldorf unterzeichnete in Chongqing einen Vertrag "
            "mit der ThyssenKrupp AG.",
            {("Düsseldorf", "LOC"), ("Chongqing", "LOC"), ("ThyssenKrupp AG", "ORG")},
        ),
        (
            "Die Henkel AG & Co. KGaA eröffnet ein Werk in Zhengzhou, der Partnerstadt von Duisburg.",
            {("Henkel AG & Co. KGaA", "ORG"), ("Zhengzhou", "LOC"), ("Duisburg", "LOC")},
        ),
    ],
)
def test_ner_training_shipped_model_finds_cities_and_companies(nlp_de, text, expected):
    found = {(ent.text, ent.label_) for ent in nlp_de(text).ents}
    assert expected <= found


@pytest.mark.slow
def test_ner_training_shipped_model_has_scores_for_every_label():
    scores = json.loads((MODEL_DIR / "scores.json").read_text(encoding="utf-8"))
    for part in ("germeval_heldout", "domain_heldout", "germeval_heldout_gazetteer", "domain_heldout_gazetteer"):
        assert set(LABELS) <= set(scores[part])
        assert scores[part]["ALL"]["f"] > 0.5


def test_ner_training_domain_offsets_align_to_tokens():
    nlp = spacy.blank("de")
    records = read_domain(DOMAIN_PATH)
    assert len(records) >= 600
    for record in records:
        doc = nlp.make_doc(record["text"])
        for start, end, label in record["entities"]:
            assert label in LABELS
            span = doc.char_span(start, end)
            assert span is not None, (record["text"], record["text"][start:end])
            assert span.text == span.text.strip()


def test_ner_training_evaluate_ner_scores_per_label():
    nlp = spacy.blank("de")
    records = [{"text": "Wuhan liegt in China.", "entities": [[0, 5, "LOC"], [15, 20, "LOC"]]}]
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "LOC", "pattern": "Wuhan"}])
    scores = evaluate_ner(nlp, make_text_examples(nlp, records))
    assert scores["LOC"] == {"p": 1.0, "r": 0.5, "f": pytest.approx(0.6667, abs=1e-4)}
    assert scores["ORG"] == {"p": 0.0, "r": 0.0, "f": 0.0}


def test_ner_training_gazetteer_adds_places_only_where_the_model_found_nothing():
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Stadtwerke Duisburg"}])
    text = "Die Stadtwerke Duisburg liefern Know-how nach Wuhan."
    examples = make_text_examples(nlp, [{"text": text, "entities": [[4, 23, "ORG"], [46, 51, "LOC"]]}])
    alone = evaluate_ner(nlp, examples)
    with_places = evaluate_ner(nlp, examples, add_gazetteer=True)
    assert alone["LOC"]["r"] == 0.0
    assert with_places["LOC"] == {"p": 1.0, "r": 1.0, "f": 1.0}  # "Duisburg" inside the ORG stays untouched
    assert with_places["ORG"] == alone["ORG"] == {"p": 1.0, "r": 1.0, "f": 1.0}
