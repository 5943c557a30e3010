"""Stage 4: sentence spans and the legal-form company rules on top of each language's NER."""
from __future__ import annotations

import pytest

from pipeline.annotate import (
    _LEGAL_FORM_HINT,
    load_ner,
    load_nlp,
    model_name,
    recognise,
    split_sentences,
)


@pytest.mark.parametrize("language, text, company", [
    ("en", "The plant of Ford-Werke GmbH in Cologne opened in 1930.", "Ford-Werke GmbH"),
    ("en", "Goods left on trains of Wuhan Asia-Europe Logistics Co., Ltd. for Duisburg.",
     "Wuhan Asia-Europe Logistics Co., Ltd."),
    ("de", "Die Duisburger Hafen AG betreibt das Terminal.", "Duisburger Hafen AG"),
    ("fr", "Le groupe Pirelli & C. S.p.A. investit à Yanzhou.", "Pirelli & C. S.p.A."),
])
def test_legal_form_names_become_companies(language, text, company):
    [(doc, _)] = recognise(load_nlp(language), [(text, None)])
    assert (company, "COMPANY") in [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize("text, hinted", [
    ("Siemens AG", True), ("a joint venture (GmbH)", True), ("Huawei Technologies Co. ltd", True),
    ("Made in the USA, AGREED by the SEnate", False), ("Sagen Sie es der Agentur", False),
    ("The working Group met the Company", False),  # no pattern ends in "Group" or "Company"
])
def test_the_rules_only_run_on_texts_with_a_legal_form(text, hinted):
    assert bool(_LEGAL_FORM_HINT.search(text)) is hinted


def test_a_heading_line_is_a_sentence_of_its_own():
    text = "Twin towns\nDuisburg signed with Wuhan in 1982. Both cities celebrated."
    spans = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert spans == ["Twin towns", "Duisburg signed with Wuhan in 1982.", "Both cities celebrated."]


def test_a_list_item_is_a_sentence_of_its_own():
    text = "Elle est jumelée avec :\n- Wichita (États-Unis), depuis 1944 ;\n- Dundee (Royaume-Uni), depuis 1946 ;\n" \
           "- Kristiansand (Norvège), une ville portuaire\nau sud de la Norvège."
    spans = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert spans == ["Elle est jumelée avec :", "- Wichita (États-Unis), depuis 1944 ;",
                     "- Dundee (Royaume-Uni), depuis 1946 ;",
                     "- Kristiansand (Norvège), une ville portuaire\nau sud de la Norvège."]


def test_the_ner_multiplies_through_numpys_blas_and_finds_what_bare_spacy_finds():
    """Every layer of the pipeline's NER uses numpy's BLAS, not blis (three times slower here); on these texts
    its entities are those of the same model loaded as bare spaCy loads it."""
    nlp = load_nlp("en")
    assert {node.ops.use_blis for node in nlp.get_pipe("ner").model.walk()} == {False}
    bare = load_ner(model_name("en"), blas=False)
    assert {node.ops.use_blis for node in bare.get_pipe("ner").model.walk()} == {True}
    texts = ["Lord Mayor Dieter Reiter signed the partnership between Munich and Beijing in Beijing on 5 May 2023.",
             "Siemens AG and the Shanghai Electric Group agreed to build a plant in Wuhan, Hubei province."]
    assert [[(e.text, e.label_) for e in d.ents] for d in nlp.pipe(texts)] == \
        [[(e.text, e.label_) for e in d.ents] for d in bare.pipe(texts)]
