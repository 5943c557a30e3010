"""Companies: what counts as a business, names cleaned, and one id per company across forms."""
from __future__ import annotations

import pytest

from pipeline.analyse import _company_ids
from pipeline.annotate import Entity, Sentence
from pipeline.link.companies import (
    _names_firm_or_unit,
    clean_name,
    consolidate_companies,
    find_companies,
    group_document_companies,
    is_company_name,
    lexicon_forms,
)


def no_place(name: str) -> bool:
    return name in {"Chengdu", "Lyon"}


@pytest.mark.parametrize("name, before, after, listed, expected", [
    ("Sichuan Airlines", "", " opened a route", False, True),  # business word in the name
    ("Voestalpine", "the steelmaker ", "", False, True),  # descriptor before it
    ("Kuka", "", ", a robot maker,", False, True),  # descriptor after it
    ("Arvato", "", "", True, True),  # listed after "companies such as"
    ("Sichuan University", "", " signed", True, False),  # universities are no businesses
    ("Chengdu", "", "", True, False),  # a place
    ("Lyon Chamber of Commerce", "", "", True, False),  # a chamber
    ("Nordex haben hier ihren Hauptsitz", "", "", True, False),  # a clause, not a name
    ("Co. KG", "", "", True, False),  # the bare tail of a cut name
    ("Airbus Helicopters", "", " presented", False, True),  # a known firm's unit
    ("Ford Foundation", "", " funds", False, False),  # a known firm's foundation is no business
])
def test_is_company_name(name, before, after, listed, expected):
    assert is_company_name(name, before, after, listed, no_place) is expected


@pytest.mark.parametrize("raw, clean", [
    ("the carmaker Geely", "Geely"), ("Siemens’s", "Siemens"), ("Huawei Technologies Co., Ltd.",
                                                                 "Huawei Technologies Co., Ltd."),
    ("(Bosch)", "Bosch"), ("Aachener Pharmaunternehmen Grünenthal GmbH", "Grünenthal GmbH"),
    ("Representatives of Sichuan Airlines", "Sichuan Airlines"), ("Vertreter der Siemens AG", "Siemens AG"),
    ("PME Lorraine Mirabelle Export SAS", "Lorraine Mirabelle Export SAS"), ("Bank of China", "Bank of China"),
])
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean


def test_forms_of_one_company_share_an_id():
    ids = group_document_companies(["YUTONG", "Yutong", "ThyssenKrupp Steel", "ThyssenKrupp", "Bayer"])
    assert ids["YUTONG"] == ids["Yutong"]
    assert ids["ThyssenKrupp Steel"] == ids["ThyssenKrupp"] != ids["Bayer"]


def test_consolidated_companies_count_documents_and_keep_aliases():
    mentions = [("d1", "Yutong", "company:yutong"), ("d1", "YUTONG", "company:yutong"),
                ("d2", "Yutong", "company:yutong"), ("d2", "Bayer AG", "company:bayer")]
    companies, per_document = consolidate_companies(mentions)
    by_id = {row["company_id"]: row for row in companies}
    assert by_id["company:yutong"]["n_documents"] == 2 and by_id["company:yutong"]["name"] == "Yutong"
    assert by_id["company:yutong"]["aliases"] == ["YUTONG"]
    assert [(r["doc_id"], r["mentions"]) for r in per_document if r["company_id"] == "company:yutong"] == \
        [("d1", ["Yutong", "YUTONG"]), ("d2", ["Yutong"])]


def companies_in(text: str, lang: str, orgs=()) -> list[str]:
    entities = [Entity(text.index(org), text.index(org) + len(org), "ORG", org) for org in orgs]
    return [name for _, _, name in find_companies(text, [Sentence(0, len(text), lang, 0)], entities, no_place)]


def test_a_known_firm_after_an_article_and_a_descriptor_is_found():
    assert companies_in("Das Unternehmen WuXi AppTec bietet Auftragsforschung an.", "de") == ["WuXi AppTec"]


def test_two_firms_the_ner_joined_are_two_companies():
    text = "It is the joint venture of PSA Group and Dongfeng Motor Group Co., Ltd. in Wuhan."
    assert companies_in(text, "en", ["PSA Group and Dongfeng Motor Group Co., Ltd."]) == \
        ["PSA Group", "Dongfeng Motor Group Co., Ltd."]
    assert companies_in("Die Hamburger Hafen und Logistik baut aus.", "de", ["Hamburger Hafen und Logistik"]) == \
        ["Hamburger Hafen und Logistik"]


def test_later_mentions_of_an_alias_in_parentheses_join_the_firm():
    text = "Anhui Jianghuai Automobile Group Co., Ltd. (JAC Motors) builds cars. JAC exports them."
    firm = "Anhui Jianghuai Automobile Group Co., Ltd."
    companies = find_companies(text, [Sentence(0, len(text), "en", 0)], [Entity(0, len(firm), "ORG", firm)], no_place)
    assert [name for _, _, name in companies] == [firm, "JAC Motors", "JAC"]
    ids = _company_ids(text, companies)
    assert ids[firm] == ids["JAC Motors"] == ids["JAC"]


def test_a_german_noun_after_a_descriptor_and_a_preposition_is_no_company():
    text = "Auch die Evonik Industries AG, der Chemiekonzern mit Sitz in Essen, betreibt Werke in Jiangsu."
    assert companies_in(text, "de", ["Evonik Industries AG"]) == ["Evonik Industries AG"]
    assert companies_in("Aachener Maschinenbauer gehen für Praktika nach Zhejiang.", "de") == []


def test_a_list_item_ends_with_its_name():
    text = "Mit Hauptsitzen von Riesen wie Evonik, Aurubis und Henkel Chemicals kann die Stadt aufwarten."
    assert companies_in(text, "de") == ["Evonik", "Aurubis", "Henkel Chemicals"]


def test_a_known_firm_and_its_unit_are_found_without_the_ner():
    def is_place(name: str) -> bool:
        return name in {"Montpellier", "France", "Zhejiang"}

    def found(text: str) -> list[str]:
        return [name for _, _, name in find_companies(text, [Sentence(0, len(text), "fr", 0)], [], is_place)]

    assert found("le studio de jeux vidéo Ubisoft Montpellier et ArcelorMittal France") == \
        ["Ubisoft Montpellier", "ArcelorMittal France"]
    assert found("à Marignane, où Airbus Helicopters présentera ses appareils") == ["Airbus Helicopters"]
    assert found("Airbus Chief Executive Guillaume Faury") == []  # a title and a person, not a unit


def test_a_firm_written_in_lower_case_is_found():
    assert companies_in("Die thyssenkrupp Steel Europe AG ist der größte Arbeitgeber.", "de") == \
        ["thyssenkrupp Steel Europe AG"]
    assert companies_in("firms such as abrdn plc and NatWest Group", "en") == ["abrdn", "NatWest Group"]


def test_a_sentence_end_after_a_legal_form_is_no_part_of_the_name():
    assert companies_in("Zu den Kunden gehört unter anderem die BMW AG.", "de", ["BMW AG"]) == ["BMW AG"]


def test_a_joint_venture_naming_a_second_firm_is_a_company_of_its_own():
    ids = group_document_companies(["BMW AG", "BMW Brilliance Automotive Ltd.", "BMW Brilliance", "BMW Group"])
    assert ids["BMW AG"] == ids["BMW Group"] != ids["BMW Brilliance Automotive Ltd."] == ids["BMW Brilliance"]


def test_every_listed_name_is_found_as_a_whole_run():
    """Also hyphenated and dotted ones, which folding splits or trims ("Mercedes-Benz", "J.P. Morgan")."""
    assert [form for form in lexicon_forms() if not _names_firm_or_unit(form.split(), no_place)] == []
    assert companies_in("Mercedes-Benz und Rolls-Royce bauen in Shenyang.", "de") == ["Mercedes-Benz", "Rolls-Royce"]


def test_a_known_firm_whose_words_a_line_break_parts_is_found():
    # a PDF column's line ends inside the name: the lexicon still finds it, and its surface has one space
    assert companies_in("Le chantier de Lorient appartient au groupe Naval\nGroup depuis 2017.", "fr") == ["Naval Group"]


def test_list_items_the_ner_joined_are_firms_of_their_own_and_a_trade_in_parentheses_is_no_alias():
    text = ("Ausgewählte Unternehmen:\n- KHS GmbH (Abfüll- und Verpackungsanlagen)\n"
            "- Dortmunder Hafen AG und Flughafen Dortmund GmbH (Logistik und Verkehr)")
    joined = "KHS GmbH (Abfüll- und Verpackungsanlagen)\n- Dortmunder Hafen AG und Flughafen Dortmund GmbH"
    assert companies_in(text, "de", [joined]) == ["KHS GmbH", "Dortmunder Hafen AG", "Flughafen Dortmund GmbH"]
    assert companies_in("Électricité de France (EDF) baut in Taishan.", "de", ["Électricité de France"]) == \
        ["Électricité de France", "EDF"]
