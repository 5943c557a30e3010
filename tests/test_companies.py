"""Companies: what counts as a business, names cleaned, and one id per company across forms."""
from __future__ import annotations

import pytest

from pipeline.link.companies import (
    clean_name,
    consolidate_companies,
    group_document_companies,
    is_company_name,
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
])
def test_is_company_name(name, before, after, listed, expected):
    assert is_company_name(name, before, after, listed, no_place) is expected


@pytest.mark.parametrize("raw, clean", [
    ("the carmaker Geely", "Geely"), ("Siemens’s", "Siemens"), ("Huawei Technologies Co., Ltd.",
                                                                 "Huawei Technologies Co., Ltd."),
    ("(Bosch)", "Bosch"),
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
