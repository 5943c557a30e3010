import re
from pathlib import Path

import pytest

from pipeline import language
from pipeline.language import SURE_WORDS, assign_languages, detect_language, get_detector, guess_by_function_words
from pipeline.records import Paragraph, TextDoc

DATA = Path(__file__).parent / "data" / "language"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
LANGS = ("en", "de", "fr")


def read_lines(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def build_doc(text: str, boilerplate: tuple[int, ...] = ()) -> TextDoc:
    """A TextDoc whose paragraphs are the runs of non-blank lines in `text`."""
    spans = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text)]
    paragraphs = tuple(Paragraph(i, start, end, boilerplate=i in boilerplate) for i, (start, end) in enumerate(spans))
    return TextDoc(doc_id="test", text=text, paragraphs=paragraphs)


def paragraph_texts(doc: TextDoc) -> list[str]:
    return [doc.text[p.start:p.end] for p in doc.paragraphs]


@pytest.mark.parametrize(("kind", "minimum", "words"), [("sentences", 320, (1, 99)), ("short", 110, (3, 5))])
@pytest.mark.parametrize("lang", LANGS)
def test_language_test_set_is_large_and_unique(lang, kind, minimum, words):
    lines = read_lines(f"{lang}_{kind}.txt")
    assert len(lines) >= minimum
    assert len(set(lines)) == len(lines)
    assert all(words[0] <= len(line.split()) <= words[1] for line in lines)


@pytest.mark.parametrize(("kind", "floor"), [("sentences", 0.99), ("short", 0.95)])
@pytest.mark.parametrize("lang", LANGS)
def test_language_accuracy_meets_floor(lang, kind, floor):
    lines = read_lines(f"{lang}_{kind}.txt")
    wrong = [(line, detect_language(line)) for line in lines if detect_language(line)[0] != lang]
    assert 1 - len(wrong) / len(lines) >= floor, wrong


def test_language_other_languages_are_und():
    lines = [line.split("\t", 1) for line in read_lines("other_sentences.txt")]
    wrong = [(lang, text) for lang, text in lines if detect_language(text)[0] != "und"]
    assert len(wrong) / len(lines) <= 0.05, wrong


@pytest.mark.parametrize(
    "text",
    ["", "   \n", "2024-10-23", "12 345,67 € – 3 %", "郑州与亚眠签署了意向书。", "京公网安备 11010502032503号",
     "Делегация из Харбина посетила Москву."],
)
def test_language_und_without_en_de_fr_letters(text):
    assert detect_language(text)[0] == "und"


def long_texts() -> list[tuple[str, str]]:
    """(language, text) of SURE_WORDS words or more: test sentences of one language joined in runs of five."""
    texts = []
    for lang in LANGS:
        lines = read_lines(f"{lang}_sentences.txt")
        texts += [(lang, " ".join(lines[i:i + 5])) for i in range(0, len(lines) - 4, 5)]
    others: dict[str, list[str]] = {}
    for line in read_lines("other_sentences.txt"):
        other, text = line.split("\t", 1)
        others.setdefault(other, []).append(text)
    texts += [("und", " ".join(lines)) for lines in others.values()]
    return [(lang, text) for lang, text in texts if len(text.split()) >= SURE_WORDS]


def test_language_function_words_agree_with_detector_on_long_texts():
    """The shortcut answers only where the detector is certain of the same language, and often enough to pay."""
    texts = long_texts()
    guessed = [(text, guess_by_function_words(text)) for _, text in texts]
    assert sum(guess is not None for _, guess in guessed) >= 0.8 * sum(lang != "und" for lang, _ in texts)
    for text, guess in guessed:
        if guess is not None:
            values = get_detector().compute_language_confidence_values(text)
            assert (language.LANGUAGES[values[0].language], round(values[0].value, 4)) == (guess, 1.0), text


@pytest.mark.parametrize("text", [
    "Zhengzhou y Amiens firmaron una carta de intención para hermanarse. " * 4,
    "Il consiglio comunale ha approvato il bilancio per il prossimo anno e la delegazione di Wuhan. " * 3,
    "De gemeenteraad heeft de begroting voor volgend jaar goedgekeurd en de delegatie van Wuhan. " * 3,
    "The mayor of Hamburg visited Shanghai.",  # too short to be sure
    "The mayor of Hamburg visited Shanghai, and der Bürgermeister von Hamburg besuchte die Stadt und den Hafen, "
    "the port of the city, with the delegation from the province and die Delegation aus der Provinz.",  # mixed
])
def test_language_function_words_leave_unsure_texts_to_the_detector(text):
    assert guess_by_function_words(text) is None


def test_language_is_deterministic_across_calls_and_detectors():
    lines = read_lines("en_short.txt")[:40] + read_lines("de_short.txt")[:40] + read_lines("fr_short.txt")[:40]
    first = [detect_language(line) for line in lines]
    language.get_detector.cache_clear()
    assert [detect_language(line) for line in lines] == first
    assert [detect_language(line) for line in lines] == first


def test_language_scores_are_confidences():
    for line in read_lines("de_sentences.txt")[:50] + ["", "郑州与亚眠签署了意向书。"]:
        assert 0.0 <= detect_language(line)[1] <= 1.0


def test_language_assign_marks_french_trailer_in_english_doc():
    doc = build_doc(
        "Zhengzhou and Amiens sign a letter of intent\n\n"
        "On May 9, 2018, Zhengzhou and Amiens signed a letter of intent to establish a sister city relationship.\n\n"
        "The vice mayor of Amiens then visited Zhengzhou with a delegation of business leaders.\n\n"
        "Avertissement : cet article est reproduit à partir d'autres médias et n'engage pas la rédaction."
    )
    tagged = assign_languages(doc)
    assert (tagged.language, [p.language for p in tagged.paragraphs]) == ("en", ["en", "en", "en", "fr"])
    assert tagged.language_score > 0.5
    assert all(p.language_score > 0.5 for p in tagged.paragraphs)


def test_language_assign_marks_english_reply_prompt_in_german_doc():
    doc = build_doc(
        "Chongqing und Düsseldorf feiern 20 Jahre Partnerschaft\n\n"
        "Die beiden Städte sind seit dem 22. Juli 2004 Partnerstädte und arbeiten in Handel und Kultur zusammen.\n\n"
        "Das Amt für Hafenlogistik hat ein Verbindungsbüro in Düsseldorf eröffnet.\n\n"
        "Teile diesen Artikel\n\n"
        "Leave a Reply\n\n"
        "Your email address will not be published. Required fields are marked *",
        boilerplate=(3, 4, 5),
    )
    tagged = assign_languages(doc)
    assert tagged.language == "de"
    assert [p.language for p in tagged.paragraphs] == ["de", "de", "de", "de", "en", "en"]


@pytest.mark.parametrize(("doc_text", "expected"), [
    ("Die Stadt unterzeichnete gestern einen Vertrag mit ihrer neuen Partnerstadt in China.\n\nZhengzhou\n\n"
     "2024-10-23", "de"),
    ("The city signed an agreement with its new partner city in China yesterday.\n\nZhengzhou\n\n2024-10-23", "en"),
    ("La ville a signé hier un accord avec sa nouvelle ville partenaire en Chine.\n\nZhengzhou\n\n2024-10-23", "fr"),
])
def test_language_assign_short_spans_inherit_document_language(doc_text, expected):
    tagged = assign_languages(build_doc(doc_text))
    assert [p.language for p in tagged.paragraphs] == [expected] * 3


def test_language_assign_short_paragraphs_skip_the_detector(monkeypatch):
    """A byline or a heading of names takes the language of the long paragraphs; lingua reads "By Markus
    Brenner" as German. Only a document of short paragraphs asks the detector about them."""
    calls = []
    detector = get_detector()
    monkeypatch.setattr(language, "get_detector", lambda: calls.append(1) or detector)
    doc = build_doc("By Markus Brenner\n\nJiangsu and Baden-Württemberg: partners in industry\n\n"
                    "The two regions signed a new agreement on the exchange of students and engineers.")
    tagged = assign_languages(doc)
    assert [p.language for p in tagged.paragraphs] == ["en", "en", "en"]
    assert calls == []
    assert assign_languages(build_doc("Partnerstadt Wuhan\n\nFreundschaft seit 1982")).language == "de"
    assert len(calls) == 2


def test_language_assign_keeps_cjk_lines_und():
    doc = build_doc("Copyright 2024 China Daily. All rights reserved.\n\n京ICP备13028878号-6")
    assert [p.language for p in assign_languages(doc).paragraphs] == ["en", "und"]


def test_language_assign_ignores_boilerplate_when_voting():
    doc = build_doc(
        "Your email address will not be published. Required fields are marked with an asterisk and must be filled.\n\n"
        "Die Stadt feiert ihre Partnerschaft.",
        boilerplate=(0,),
    )
    tagged = assign_languages(doc)
    assert tagged.language == "de"
    assert [p.language for p in tagged.paragraphs] == ["en", "de"]


def test_language_assign_returns_copy_and_handles_no_paragraphs():
    doc = TextDoc(doc_id="x", text="Die Stadt feiert ihre Partnerschaft mit Wuhan.")
    tagged = assign_languages(doc)
    assert (tagged.language, tagged.paragraphs, doc.language) == ("de", (), "und")


@pytest.mark.parametrize(("seed", "expected"), [("000", "en"), ("001", "de"), ("002", "en"), ("003", "en"),
                                                ("004", "en")])
def test_language_assign_seed_documents(seed, expected):
    paths = sorted(SEEDS.glob(f"{seed}_*.txt"))
    if not paths:
        pytest.skip(f"seed {seed} not found in {SEEDS}")
    tagged = assign_languages(build_doc(paths[0].read_text(encoding="utf-8")))
    assert tagged.language == expected
    texts = paragraph_texts(tagged)
    languages = {text: p.language for text, p in zip(texts, tagged.paragraphs)}
    if seed == "001":  # not marked boilerplate here: a short analysed paragraph takes the document's language
        assert languages["Leave a Reply"] == "de"
        assert languages["Teile diesen Artikel\nHinterlasse einen Kommentar"] == "de"
    if seed == "002":
        assert tagged.paragraphs[-1].language == "fr"
        assert [p.language for p in tagged.paragraphs[:-1]] == ["en"] * (len(texts) - 1)
