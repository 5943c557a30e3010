"""HTML extraction: main content only, title and date from markup, boilerplate marked, bad pages rejected, offline."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from pipeline.extract import ExtractionError
from pipeline.extract.html import DATE_CONFIG, extract_html, read_title_and_date
from pipeline.extract.normalize import is_boilerplate

PAGES = Path(__file__).parent / "data" / "html"


def read_page(name: str):
    return extract_html((PAGES / name).read_bytes(), name)


def paragraph_texts(doc, boilerplate: bool | None = None) -> list[str]:
    return [doc.text[p.start : p.end] for p in doc.paragraphs if boilerplate is None or p.boilerplate == boilerplate]


@pytest.mark.parametrize(
    "name, title, published",
    [
        ("news_agency.html", "Hamburg and Shanghai mark 35 years as sister cities", "2021-06-14"),
        ("municipal_press.html", "Ludwigsburg und Suzhou unterzeichnen Absichtserklärung für Städtepartnerschaft", "2019-11-08"),
        ("french_page.html", "Rennes et Jinan renouvellent leur jumelage", "2022-03-03"),
        ("no_date.html", "Friendship city agreement with Wuxi", None),  # only a copyright year in the footer
    ],
)
def test_extract_html_title_and_date_from_markup(name, title, published):
    doc = read_page(name)
    assert (doc.title, doc.published) == (title, published)
    assert doc.published_precision == ("day" if published else None)
    assert paragraph_texts(doc)[0] == title  # the title opens the text


@pytest.mark.parametrize(
    "name, kept, left_out",
    [
        (
            "news_agency.html",
            ["signed on 29 May 1986", "Hapag-Lloyd", "resume in the autumn semester"],
            ["We use cookies", "Accept all", "Business", "Share on Facebook", "Related stories",
             "Shanghai opens new trade office", "human rights", "hanseat88", "Leave a Reply",
             "Your email address", "© 2025", "Privacy policy"],
        ),
        (
            "municipal_press.html",
            ["Absichtserklärung über eine künftige Städtepartnerschaft", "Mann+Hummel", "Schüleraustausch"],
            ["Cookies", "Alle akzeptieren", "Leichte Sprache", "Startseite", "Rathaus & Politik", "Drucken",
             "Impressum", "Wilhelmstraße", "© Stadt Ludwigsburg"],
        ),
        (
            "french_page.html",
            ["renouvelé jeudi l'accord de jumelage", "Lactalis", "1985\tSignature du jumelage", "parc de Maurepas"],
            ["Nous utilisons des cookies", "Tout accepter", "Actualités", "Partager cet article",
             "Laisser un commentaire", "À lire aussi", "Brest et Qingdao", "Tous droits réservés"],
        ),
    ],
)
def test_extract_html_main_content_only(name, kept, left_out):
    doc = read_page(name)
    assert [phrase for phrase in kept if phrase not in doc.text] == []
    assert [phrase for phrase in left_out if phrase in doc.text] == []


@pytest.mark.parametrize(
    "name, boilerplate",
    [
        ("french_page.html", ["Publié le"]),  # the label left where <time> was
        ("municipal_press.html", ["Pressemitteilung vom", "Ansprechpartner"]),
        ("news_agency.html", []),
    ],
)
def test_extract_html_boilerplate_paragraphs(name, boilerplate):
    doc = read_page(name)
    assert paragraph_texts(doc, boilerplate=True) == boilerplate
    assert not any(is_boilerplate(text) for text in paragraph_texts(doc, boilerplate=False))


@pytest.mark.parametrize("name", ["news_agency.html", "municipal_press.html", "french_page.html", "no_date.html"])
def test_extract_html_paragraph_spans_cover_text(name):
    doc = read_page(name)
    assert "\n\n".join(paragraph_texts(doc)) == doc.text
    assert len(doc.paragraphs) >= 3


@pytest.mark.parametrize(
    "data, message",
    [
        ((PAGES.parent / "broken" / "nobody.html").read_bytes(), "HTML has no main content"),
        (b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>", "HTML has no main content"),
        (b"", "empty file"),
        (b"  \n ", "empty file"),
    ],
)
def test_extract_html_bad_pages_raise(data, message):
    with pytest.raises(ExtractionError, match=f"^{message}$"):
        extract_html(data, "bad")


ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("page", sorted([*PAGES.glob("*.html"), *(ROOT / "corpus").rglob("*.html"),
                                         *(ROOT / "tests" / "gold" / "dev").rglob("*.html")]), ids=lambda p: p.name)
def test_title_and_date_are_those_of_trafilaturas_metadata(page):
    """read_title_and_date calls trafilatura's metadata helpers one by one: an upgrade that changes them shows here."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    metadata = extract_metadata(trafilatura.load_html(page.read_bytes()), date_config=DATE_CONFIG)
    assert read_title_and_date(trafilatura.load_html(page.read_bytes())) == (metadata.title, metadata.date)


def test_extract_html_offline_and_deterministic(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access during extraction")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for page in sorted(PAGES.glob("*.html")):
        first, second = read_page(page.name), read_page(page.name)
        assert first == second


def test_extract_html_list_items_are_lines_marked_as_items():
    page = ("<html><head><title>Twin cities</title></head><body><main><h1>Twin cities</h1>"
            "<p>Cardiff has four twin cities and one friendship agreement, listed below with their years.</p>"
            "<ul><li>Stuttgart, Germany (1955)</li><li>Nantes, France (1964)</li></ul></main></body></html>")
    doc = extract_html(page.encode(), "d")
    assert "- Stuttgart, Germany (1955)\n- Nantes, France (1964)" in paragraph_texts(doc)
