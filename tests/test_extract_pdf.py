import difflib
import importlib.util
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline.extract import ExtractionError
from pipeline.extract.pdf import PAGE_NUMBER, Run, extract_pdf, find_gutter, join_hyphenated, merge_runs, order_page, strip_furniture

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "pdf"
_spec = importlib.util.spec_from_file_location("make_pdf", ROOT / "scripts" / "make_pdf.py")
make_pdf = sys.modules.setdefault("make_pdf", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(make_pdf)

PAIRS = [(src, pdf) for src, pdf in make_pdf.iter_pairs(ROOT) if pdf.exists()]
SCRAMBLED = DATA / "scrambled_two_column.pdf"


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, " ".join(a.split()), " ".join(b.split()), autojunk=False).ratio()


def stream_text(path: Path) -> str:
    """pdfium's text in content-stream order, without any layout analysis."""
    pdf = pdfium.PdfDocument(str(path))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def drawn_lines(path: Path) -> list[str]:
    """The text of every text object (one drawString each) in the PDF."""
    pdf, texts = pdfium.PdfDocument(str(path)), []
    for page in pdf:
        textpage = page.get_textpage()
        for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_TEXT]):
            obj.textpage = textpage
            texts.append(obj.extract().replace("\x02", "-"))  # pdfium marks a line-end hyphen
    return texts


@pytest.mark.parametrize("src,pdf", PAIRS, ids=[p.name for _, p in PAIRS])
def test_extract_pdf_matches_reading_order(src, pdf):
    _, truth = make_pdf.read_source(src)
    assert similarity(extract_pdf(str(pdf), "d").text, truth) >= 0.98


def test_extract_pdf_scrambled_stream_is_not_in_reading_order():
    _, truth = make_pdf.read_source(DATA / "scrambled_two_column.md")
    assert similarity(stream_text(SCRAMBLED), truth) < 0.5
    assert similarity(extract_pdf(str(SCRAMBLED), "d").text, truth) >= 0.98


@pytest.mark.parametrize(
    "line_end,expected",
    [
        ("visited China-", "visited China-Europe rail"),
        ("visited Wirtschafts-", "visited Wirtschafts- und Handelszentren"),
        ("the Import-", "the Import- and export"),
        ("visited internatio-", "visited internationalisation projects"),
    ],
)
def test_extract_pdf_line_end_hyphens(line_end, expected):
    assert any(line.endswith(line_end) for line in drawn_lines(SCRAMBLED))  # the case really is at a line end
    assert expected in extract_pdf(str(SCRAMBLED), "d").text


def test_extract_pdf_drops_running_header_footer_and_page_numbers():
    doc = extract_pdf(str(SCRAMBLED), "d")
    assert "Test brochure" not in doc.text and "Pipeline test data" not in doc.text
    assert "Page 1" not in doc.text and "Page 2" not in doc.text
    assert doc.n_pages == 2
    assert doc.title == "Partner cities along the rail corridor: a test brochure"
    assert doc.text.startswith(doc.title)
    assert doc.published is None


def test_extract_pdf_paragraphs_and_table_rows():
    doc = extract_pdf(str(SCRAMBLED), "d")
    assert "Zhengzhou\tAmiens\t2018\tLetter of intent\nWuhan\tDuisburg\t1982\tSister city\n" in doc.text
    assert len(doc.paragraphs) == doc.text.count("\n\n") + 1
    assert doc.text[doc.paragraphs[1].start : doc.paragraphs[1].end] == "Delegations"


@pytest.mark.parametrize(
    "left,right,expected",
    [
        ("interna-", "tional", "international"),
        ("in Zheng-", "zhou and", "in Zhengzhou and"),
        ("the China-", "Europe trains", "the China-Europe trains"),
        ("als Wirtschafts-", "und Handelszentren", "als Wirtschafts- und Handelszentren"),
        ("the Import-", "and export", "the Import- and export"),
        ("Informations-", "oder Kommunikationstechnik", "Informations- oder Kommunikationstechnik"),
        ("COVID-", "19 crisis", "COVID-19 crisis"),
        ("signed in 2018 -", "a first", "signed in 2018 - a first"),
        ("the city", "council", "the city council"),
        ("Partner\u00ad", "Stadt", "PartnerStadt"),
    ],
)
def test_extract_pdf_join_hyphenated(left, right, expected):
    assert join_hyphenated(left, right) == expected


def test_extract_pdf_join_hyphenated_keeps_compound_spelled_with_hyphen_elsewhere():
    assert join_hyphenated("a well-", "known port", {"well-known"}) == "a well-known port"
    assert join_hyphenated("a well-", "known port") == "a wellknown port"


@pytest.mark.parametrize("text", ["3", "Page 3", "- 3 -", "Seite 3 von 4", "page 12 of 40", "3/4", "(7)"])
def test_extract_pdf_page_number_pattern_matches(text):
    assert PAGE_NUMBER.fullmatch(text)


@pytest.mark.parametrize("text", ["1982", "Page layout", "Wuhan", "3 cities"])
def test_extract_pdf_page_number_pattern_rejects(text):
    assert not PAGE_NUMBER.fullmatch(text)


def page_rows(body_bottom: float, footer: str, header_size: float = 8.0) -> list[list[Run]]:
    runs = [
        Run("Brochure header", 50, 200, 40, header_size),
        Run("Body text line", 50, 250, 200, 10),
        Run("1964", 300, 330, body_bottom, 8),
        Run(footer, 450, 500, 820, 8),
    ]
    return merge_runs(runs)


def test_extract_pdf_strip_furniture_by_repetition_and_page_number():
    rows = page_rows(780, "Page 2 of 3")
    kept = strip_furniture(rows, 842, {"brochure header"}, small=None)
    assert [r.text for row in kept for r in row] == ["Body text line", "1964"]


def test_extract_pdf_strip_furniture_keeps_what_is_not_furniture():
    rows = page_rows(780, "Contact: info@example.org")
    kept = strip_furniture(rows, 842, set(), small=None)
    assert [r.text for row in kept for r in row] == ["Brochure header", "Body text line", "1964", "Contact: info@example.org"]


def test_extract_pdf_strip_furniture_small_print_on_single_page():
    rows = page_rows(780, "Contact: info@example.org")
    kept = strip_furniture(rows, 842, set(), small=9.5)
    assert [r.text for row in kept for r in row] == ["Body text line"]


def two_column_page() -> list[Run]:
    """Title, two columns, a full-width table row, two more columns; x positions unlike the renderer's."""
    runs = [Run("Title across the page", 40, 500, 60, 18)]
    for i in range(4):
        runs += [Run(f"left {i}", 40, 250, 100 + 12 * i, 10), Run(f"right {i}", 290, 520, 100 + 12 * i, 10)]
    runs += [Run("Cell A", 40, 90, 170, 9), Run("Cell B", 200, 260, 170, 9), Run("Cell C", 400, 440, 170, 9)]
    for i in range(3):
        runs += [Run(f"right {i + 4}", 290, 520, 200 + 12 * i, 10), Run(f"left {i + 4}", 40, 250, 200 + 12 * i, 10)]
    return runs


def test_extract_pdf_order_page_columns_and_full_width_blocks():
    lines = order_page(merge_runs(two_column_page()), 0)
    assert [line.text for line in lines] == [
        "Title across the page",
        *(f"left {i}" for i in range(4)),
        *(f"right {i}" for i in range(4)),
        "Cell A\tCell B\tCell C",
        *(f"left {i}" for i in range(4, 7)),
        *(f"right {i}" for i in range(4, 7)),
    ]


def test_extract_pdf_find_gutter_from_geometry():
    g0, g1 = find_gutter(merge_runs(two_column_page()))
    assert 250 <= g0 < g1 <= 290
    single = [Run(f"a full line of text {i}", 40, 500, 100 + 12 * i, 10) for i in range(10)]
    assert find_gutter(merge_runs(single)) is None


def test_extract_pdf_merge_runs_spaces_and_cells():
    runs = [Run("Wuhan", 40, 70, 100, 10), Run("and", 72, 90, 100.5, 10), Run("1982", 200, 220, 100, 10)]
    assert [[r.text for r in row] for row in merge_runs(runs)] == [["Wuhan and", "1982"]]


def write_pdf(path: Path, draw, **kwargs) -> str:
    pdf = canvas.Canvas(str(path), invariant=1, **kwargs)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return str(path)


def draw_image(pdf):
    pdf.drawImage(ImageReader(Image.new("RGB", (40, 20), "gray")), 100, 500, 200, 100)


def draw_vectors(pdf):
    pdf.rect(100, 100, 300, 200)
    pdf.line(100, 100, 400, 300)


@pytest.mark.parametrize("draw", [draw_image, draw_vectors], ids=["image", "vectors"])
def test_extract_pdf_no_text_layer(tmp_path, draw):
    with pytest.raises(ExtractionError, match=r"PDF has no text layer \(scanned\?\)"):
        extract_pdf(write_pdf(tmp_path / "scan.pdf", draw), "d")


def test_extract_pdf_encrypted(tmp_path):
    path = write_pdf(tmp_path / "locked.pdf", lambda pdf: pdf.drawString(100, 700, "secret"), encrypt="pw")
    with pytest.raises(ExtractionError, match="PDF is encrypted"):
        extract_pdf(path, "d")


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_extract_pdf_truncated(tmp_path, cut):
    data = SCRAMBLED.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ExtractionError, match="not a valid PDF: "):
        extract_pdf(str(path), "d")


def test_extract_pdf_not_a_pdf(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(ExtractionError, match="not a valid PDF: no %PDF header"):
        extract_pdf(str(path), "d")
