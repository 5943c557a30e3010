"""Plain text and markdown extraction: encodings, header metadata, boilerplate paragraphs, markdown, bad input."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extract import ExtractionError
from pipeline.extract.meta import search_date
from pipeline.extract.normalize import BOILERPLATE_FILE, is_boilerplate
from pipeline.extract.txt import decode_text, extract_txt

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
BODY = (
    "On May 9, 2018, Zhengzhou and Amiens signed a letter of intent to establish a sister city relationship, "
    "building a bridge of friendship between the two cities and their universities."
)


def read_seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"), None)
    if path is None:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return extract_txt(path.read_bytes(), path.stem, "txt")


def paragraph_texts(doc, boilerplate: bool | None = None) -> list[str]:
    return [doc.text[p.start : p.end] for p in doc.paragraphs if boilerplate is None or p.boilerplate == boilerplate]


@pytest.mark.parametrize(
    "prefix, title, published, precision",
    [
        ("000", "Amiens, a Starting Point Around the World", "2021-01-04", "day"),
        ("001", "Chongqing und Düsseldorf feiern 20 Jahre Städtepartnerschaftsfreundschaft", None, None),
        ("002", "Deepening Mutually Beneficial Cooperation and Jointly Promoting High-Quality Development: "
                "Jinan Delegation Visits France, Finland, and Spain", "2024-10-23", "day"),
        ("003", "INTERNATIONAL URBAN AND REGIONAL COOPERATION Funded by fl_'le", None, None),
        ("004", "Jinan vows to deepen cooperation and exchanges with sister cities", "2023-04-19", "day"),
    ],
)
def test_extract_txt_seed_title_and_date(prefix, title, published, precision):
    doc = read_seed(prefix)
    assert (doc.title, doc.published, doc.published_precision) == (title, published, precision)
    assert paragraph_texts(doc)[0] == title  # the title opens the text


@pytest.mark.parametrize(
    "prefix, dropped",
    [
        ("000", ["Source: WhereZhengzhou"]),
        ("001", ["3 Min. Lesezeit", "nrwheute"]),
        ("002", ["2024-10-23"]),
        ("004", ["govt.chinadaily.com.cn", "News and Policies", "Updated:", "Share - WeChat"]),
    ],
)
def test_extract_txt_seed_header_metadata_left_out(prefix, dropped):
    doc = read_seed(prefix)
    assert [line for line in dropped if line in doc.text] == []


def test_extract_txt_german_seed_ends_with_boilerplate_by_language():
    doc = read_seed("001")
    tail = paragraph_texts(doc)[-4:]
    assert tail == [
        "Teile diesen Artikel",
        "Hinterlasse einen Kommentar",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ]
    assert [p.boilerplate for p in doc.paragraphs[-4:]] == [True] * 4
    assert not any(p.boilerplate for p in doc.paragraphs[:-4])


@pytest.mark.parametrize(
    "prefix, boilerplate",
    [
        ("004", ["Copyright©2024 China Daily. All rights reserved.", "京ICP备13028878号-6", "京公网安 京公网安备 11010502032503号"]),
        ("002", ["Avertissement: Cet article est reproduit"]),
        ("000", []),
    ],
)
def test_extract_txt_seed_boilerplate_paragraphs(prefix, boilerplate):
    doc = read_seed(prefix)
    marked = paragraph_texts(doc, boilerplate=True)
    assert len(marked) == len(boilerplate)
    assert all(got.startswith(want) for got, want in zip(marked, boilerplate))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_extract_txt_paragraph_spans_cover_text(prefix):
    doc = read_seed(prefix)
    rebuilt = "\n\n".join(paragraph_texts(doc))
    assert rebuilt == doc.text
    assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))


@pytest.mark.parametrize(
    "line, published, precision",
    [
        ("Source: WhereZhengzhou | 2021-01-04 16:14", "2021-01-04", "day"),
        ("Updated: Apr 19, 2023 english.jinan.gov.cn Print", "2023-04-19", "day"),
        ("Stand: 19.04.2023", "2023-04-19", "day"),
        ("Publié le 3 mars 2022", "2022-03-03", "day"),
        ("Mis à jour le 1er février 2020", "2020-02-01", "day"),
        ("Veröffentlicht am 5. Mai 2021", "2021-05-05", "day"),
        ("2024-10-23", "2024-10-23", "day"),
        ("Monday, 19 April 2023", "2023-04-19", "day"),
        ("Date: March 2019", "2019-03", "month"),
        ("By Li Wei | chinadaily.com.cn | Updated: 2023-04-19 08:12", "2023-04-19", "day"),
        ("15.09.2023 – Von Sebastian Reuter", "2023-09-15", "day"),  # a byline beside the date
        ("**China im Fokus** | Wirtschaft & Städte | 23.11.2023", "2023-11-23", "day"),  # the date's own segment
        ("Delegations from both cities met on 5 May 2021 in the city hall", None, None),
        ("Am 15.09.2023 unterzeichnet von Max Muster", None, None),  # a sentence, not a byline
    ],
)
def test_extract_txt_header_dateline(line, published, precision):
    doc = extract_txt(f"Twin cities sign a new agreement\n\n{line}\n\n{BODY}".encode(), "d", "txt")
    assert (doc.published, doc.published_precision) == (published, precision)
    assert doc.title == "Twin cities sign a new agreement"
    assert (line in doc.text) == (published is None)


def test_extract_txt_short_title_beside_dateline_is_kept():
    doc = extract_txt(f"Partnerschaft mit Wuhan\n2024-10-23\n\n{BODY}".encode(), "d", "txt")
    assert (doc.title, doc.published, paragraph_texts(doc)[0]) == ("Partnerschaft mit Wuhan", "2024-10-23", "Partnerschaft mit Wuhan")


@pytest.mark.parametrize("lead, published", [("BELFAST, 21 October 2016 (Xinhua) --", "2016-10-21"),
                                              ("PINGYAO (Shanxi), 22 septembre 2025 (Xinhua) --", "2025-09-22"),
                                              ("CHÂTEAUROUX (Indre), 3 juin 2019 (AFP) -", "2019-06-03")])
def test_extract_txt_agency_dateline_dates_the_text(lead, published):
    """A wire's dateline, also with a qualifier after its place or accented capitals, is the publication date."""
    doc = extract_txt(f"Twin cities sign a new agreement\n\n{lead} The two cities signed.\n\n{BODY}".encode(), "d", "txt")
    assert doc.published == published


def test_extract_txt_header_date_prefers_published_over_updated():
    text = f"Twin cities sign a new agreement\n\nUpdated: 2023-05-02\nPublished: 2023-04-30\n\n{BODY}"
    assert extract_txt(text.encode(), "d", "txt").published == "2023-04-30"


def test_extract_txt_publication_line_at_end_dates_and_is_boilerplate():
    doc = extract_txt(f"Twin cities sign a new agreement\n\n{BODY}\n\nStand: 19.04.2023".encode(), "d", "txt")
    assert (doc.published, paragraph_texts(doc, boilerplate=True)) == ("2023-04-19", ["Stand: 19.04.2023"])


def test_extract_txt_body_date_is_not_publication_date():
    doc = extract_txt(f"{BODY}\n\nMarch 2019\nThe delegation visited Amiens.".encode(), "d", "txt")
    assert (doc.title, doc.published) == (None, None)
    assert "March 2019" in paragraph_texts(doc, boilerplate=False)[1]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021-01-04 16:14", ("2021-01-04", "day")),
        ("19.04.2023", ("2023-04-19", "day")),
        ("am 22. Juli 2004", ("2004-07-22", "day")),
        ("le 9 février 2018", ("2018-02-09", "day")),
        ("le 9 fevrier 2018", ("2018-02-09", "day")),
        ("Sept. 3, 2019", ("2019-09-03", "day")),
        ("im März 2011", ("2011-03", "month")),
        ("2021年1月4日", ("2021-01-04", "day")),
        ("31.02.2020", None),
        ("no date here", None),
    ],
)
def test_extract_txt_header_line_date(text, expected):
    found = search_date(text)
    assert (found and (found.iso, found.precision)) == expected


@pytest.mark.parametrize(
    "lang, line, expected",
    [
        ("en", "Share this article", True),
        ("en", "Share - WeChat", True),
        ("en", "Print", True),
        ("en", "Leave a Reply", True),
        ("en", "Your email address will not be published. Required fields are marked *", True),
        ("en", "We use cookies to improve your experience on our website.", True),
        ("en", "Copyright © 2024 China Daily. All rights reserved.", True),
        ("en", "5 min read", True),
        ("de", "Teile diesen Artikel", True),
        ("de", "Hinterlasse einen Kommentar", True),
        ("de", "3 Min. Lesezeit", True),
        ("de", "Diese Website verwendet Cookies.", True),
        ("de", "© Stadt Düsseldorf 2024 – Alle Rechte vorbehalten", True),
        ("fr", "Partager cet article", True),
        ("fr", "Laisser un commentaire", True),
        ("fr", "Votre adresse e-mail ne sera pas publiée.", True),
        ("fr", "Tous droits réservés", True),
        ("zh", "京ICP备13028878号-6", True),
        ("en", "Contact for the media:", True),
        ("de", "Ansprechpartner für die Medien:", True),
        ("fr", "Contact presse :", True),
        ("en", "Contact for the media was limited during the visit.", False),
        ("en", "Print media in both cities reported on the visit.", False),
        ("en", "The share of exports to China rose to 12 percent.", False),
        ("de", "Die Stadt teilt mit, dass der Vertrag unterzeichnet wurde.", False),
        ("fr", "Le partage des connaissances est au cœur du jumelage.", False),
    ],
)
def test_extract_txt_boilerplate_lines(lang, line, expected):
    assert is_boilerplate(line) is expected


def test_boilerplate_rules_starting_with_a_caret_are_anchored_in_every_alternative():
    """Such rules are only tried at a line's start, so "^a|b" would never find b inside a line."""
    for rule in BOILERPLATE_FILE.read_text(encoding="utf-8").splitlines():
        if rule.startswith("^"):
            plain = re.sub(r"\\.|\[[^\]]*\]", "x", rule)  # escapes and character classes hold no branch
            depth, alternatives = 0, [""]
            for ch in plain:
                depth += {"(": 1, ")": -1}.get(ch, 0)
                if ch == "|" and depth == 0:
                    alternatives.append("")
                else:
                    alternatives[-1] += ch
            assert all(a.startswith("^") for a in alternatives), rule


REFERENCE = (DATA / "encodings" / "reference.txt").read_text(encoding="utf-8")
REFERENCE_LATIN1 = (DATA / "encodings" / "reference_latin1.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name, original",
    [
        ("cp1252.txt", REFERENCE),
        ("latin1.txt", REFERENCE_LATIN1),
        ("utf16.txt", REFERENCE),
        ("utf16le.txt", REFERENCE),
        ("utf16be.txt", REFERENCE),
        ("utf8sig.txt", REFERENCE),
    ],
)
def test_extract_txt_encoding_decodes_original(name, original):
    data = (DATA / "encodings" / name).read_bytes()
    assert decode_text(data) == original
    assert extract_txt(data, name, "txt").text.startswith(original.split("\n")[0])


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Город Москва подписал соглашение о сотрудничестве с городом Пекин.", "cp1251"),
        ("济南市与雷恩市签署友好城市协议，双方将在经济、文化领域加强合作。", "gb18030"),
    ],
)
def test_extract_txt_encoding_other_scripts(text, encoding):
    assert decode_text(text.encode(encoding)) == text


def test_extract_txt_nfc_and_ligatures():
    doc = extract_txt("Coope\u0301ration ofﬁcielle: ﬂux, eﬀort, eﬃcace, baﬄe.".encode(), "d", "txt")
    assert doc.text == "Coopération officielle: flux, effort, efficace, baffle."


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.txt", "empty file"),
        ("junk.txt", "not a text file: binary content"),
        ("blank.txt", "empty file: whitespace only"),
        ("controls.txt", "not a text file: binary content"),
        ("symbols.txt", "no readable text: mostly symbols"),
    ],
)
def test_extract_txt_broken_files_raise(name, message):
    with pytest.raises(ExtractionError, match=f"^{message}$"):
        extract_txt((DATA / "broken" / name).read_bytes(), name, "txt")


MARKDOWN = """---
title: "Rennes und Jinan: 35 Jahre"
date: 2020-09-15
---

[Startseite](/) > News

# Rennes und Jinan feiern ihre *Partnerschaft*

Die Städte **Rennes** und [Jinan](https://example.org/jinan) feiern ihre ~~alte~~ Partnerschaft.
![Foto der Delegation](foto.jpg)

## Programm

- Empfang im *Rathaus*
- Besuch der Universität
  1. Vortrag
  2. Führung

| Jahr | Ereignis |
|------|----------|
| 1985 | Gründung |
| 2020 | Jubiläum |

> Ein `Zitat` des Bürgermeisters.

Teile diesen Artikel
"""


def test_extract_txt_markdown_syntax_removed():
    doc = extract_txt(MARKDOWN.encode(), "d", "md")
    assert paragraph_texts(doc) == [
        "Rennes und Jinan feiern ihre Partnerschaft",
        "Die Städte Rennes und Jinan feiern ihre alte Partnerschaft.",
        "Programm",
        "- Empfang im Rathaus\n- Besuch der Universität\n- Vortrag\n- Führung",  # a list item per line, marked
        "Jahr\tEreignis\n1985\tGründung\n2020\tJubiläum",
        "Ein Zitat des Bürgermeisters.",
        "Teile diesen Artikel",
    ]
    assert [p.boilerplate for p in doc.paragraphs] == [False] * 6 + [True]


@pytest.mark.parametrize(
    "front_matter, title, published",
    [
        (True, "Rennes und Jinan: 35 Jahre", "2020-09-15"),
        (False, "Rennes und Jinan feiern ihre Partnerschaft", None),
    ],
)
def test_extract_txt_markdown_title_and_date(front_matter, title, published):
    text = MARKDOWN if front_matter else MARKDOWN.split("---\n", 2)[2]
    doc = extract_txt(text.encode(), "d", "md")
    assert (doc.title, doc.published) == (title, published)


def test_extract_txt_columns_aligned_with_spaces_are_table_cells():
    text = ("Beschlussvorlage: Partnerschaft mit Suzhou\n\nDer Gemeinderat  beschließt die Partnerschaft.   Ein Satz "
            "mit  Lücken.\n\nAnlage 1: Partnerstädte\n\nPartnerstadt      Land          seit\n"
            "Besançon          Frankreich    1959\nMadison (Wis.)    USA           1988")
    doc = extract_txt(text.encode(), "d")
    assert paragraph_texts(doc)[1:] == [
        "Der Gemeinderat  beschließt die Partnerschaft.   Ein Satz mit  Lücken.",  # one line with gaps is no table
        "Anlage 1: Partnerstädte", "Partnerstadt\tLand\tseit\nBesançon\tFrankreich\t1959\nMadison (Wis.)\tUSA\t1988"]
