"""GermEval 2014 + the project's German domain sentences → a spaCy German NER pipeline (PER/LOC/ORG/OTH) with scores."""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config, minibatch, registry
from thinc.api import compounding

from .link.places import Gazetteer, load_gazetteer

REPO = Path(__file__).resolve().parents[1]
TRAINING_DIR = REPO / "models" / "training"
CONFIG_PATH = TRAINING_DIR / "config.cfg"
DOMAIN_PATH = TRAINING_DIR / "de_domain.jsonl"
LABELS = ("LOC", "ORG", "PER", "OTH")

# The fixed split, by position in the files, so every rebuild sees the same sentences.
HELDOUT_GERMEVAL = 1000  # the last 1,000 sentences of NER-de-dev.tsv: never trained on, reported
DEV_GERMEVAL = 500  # the first 500 sentences of NER-de-dev.tsv: early stopping only
DOMAIN_HELDOUT_EVERY = 5  # every 5th domain sentence (lines 5, 10, …): never trained on, reported


def map_tag(tag: str) -> str:
    """Map a GermEval outer tag to BIO over LABELS; -deriv ("deutsche") and -part ("EU-weit") become O."""
    if tag == "O" or tag.endswith(("deriv", "part")):
        return "O"
    return tag


def read_germeval(path: str | Path) -> list[tuple[list[str], list[str]]]:
    """Read a GermEval 2014 TSV file into (tokens, BIO tags) per sentence, using the outer tag column."""
    sentences, tokens, tags = [], [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            tokens.append(fields[1])
            tags.append(map_tag(fields[2]))
        elif tokens:
            sentences.append((tokens, tags))
            tokens, tags = [], []
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def read_domain(path: str | Path) -> list[dict]:
    """Read the project's annotated sentences: one {"text", "entities": [[start, end, label]]} per line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def split_germeval(data_dir: Path) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Split GermEval into train (dev middle + all of test), dev (early stopping) and held-out parts."""
    dev_file = read_germeval(data_dir / "NER-de-dev.tsv")
    test_file = read_germeval(data_dir / "NER-de-test.tsv")
    return {
        "dev": dev_file[:DEV_GERMEVAL],
        "train": dev_file[DEV_GERMEVAL:-HELDOUT_GERMEVAL] + test_file,
        "heldout": dev_file[-HELDOUT_GERMEVAL:],
    }


def split_domain(records: list[dict]) -> dict[str, list[dict]]:
    """Hold out every DOMAIN_HELDOUT_EVERY-th domain sentence; train on the rest."""
    is_heldout = [(i + 1) % DOMAIN_HELDOUT_EVERY == 0 for i in range(len(records))]
    return {
        "train": [r for r, held in zip(records, is_heldout) if not held],
        "heldout": [r for r, held in zip(records, is_heldout) if held],
    }


def make_token_examples(nlp: Language, sentences: list[tuple[list[str], list[str]]]) -> list[Example]:
    """Pre-tokenised sentences → Examples whose predicted side keeps the gold tokens."""
    return [
        Example(Doc(nlp.vocab, words=tokens), Doc(nlp.vocab, words=tokens, ents=tags))
        for tokens, tags in sentences
    ]


def make_text_examples(nlp: Language, records: list[dict]) -> list[Example]:
    """Raw-text records → Examples tokenised by the pipeline's own tokenizer, as at run time."""
    return [
        Example.from_dict(nlp.make_doc(r["text"]), {"entities": [tuple(e) for e in r["entities"]]})
        for r in records
    ]


def add_gazetteer_places(doc: Doc, gazetteer: Gazetteer) -> Doc:
    """Add a LOC span for each gazetteer place name (`Gazetteer.scan`) that overlaps no entity of the model."""
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    spans = list(doc.ents)
    for start, end, _ in gazetteer.scan(doc.text):
        span = doc.char_span(start, end, label="LOC")
        if span is not None and not taken & set(range(span.start, span.end)):
            spans.append(span)
            taken |= set(range(span.start, span.end))
    doc.ents = sorted(spans)
    return doc


def evaluate_ner(nlp: Language, examples: list[Example], *, add_gazetteer: bool = False) -> dict[str, dict[str, float]]:
    """Score entity spans: precision, recall and F1 per label and over all labels ("ALL"); with add_gazetteer,
    the gazetteer's places fill in LOC where the model found nothing, as a rule layer in the pipeline could."""
    gazetteer = load_gazetteer() if add_gazetteer else None
    fresh = (Doc(nlp.vocab, words=[t.text for t in eg.predicted], spaces=[bool(t.whitespace_) for t in eg.predicted])
             for eg in examples)
    docs = (add_gazetteer_places(doc, gazetteer) if gazetteer else doc for doc in nlp.pipe(fresh))
    scores = Scorer.score_spans([Example(doc, eg.reference) for doc, eg in zip(docs, examples)], "ents")
    per_type = scores.get("ents_per_type") or {}
    overall = {"p": scores["ents_p"], "r": scores["ents_r"], "f": scores["ents_f"]}
    by_label = {label: per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0}) for label in LABELS}
    return {name: {key: round(float(prf[key]), 4) for key in "prf"} for name, prf in {"ALL": overall, **by_label}.items()}


def train_ner(
    nlp: Language, train: list[Example], dev: list[Example], loop: dict, *, seed: int, deadline: float
) -> list[dict]:
    """Train with compounding batches until patience or the deadline runs out; keep the best dev epoch."""
    optimizer = loop["optimizer"]
    train = list(train)
    nlp.initialize(lambda: train, sgd=optimizer)
    rng = random.Random(seed)
    sizes = compounding(loop["batch_sizes"]["start"], loop["batch_sizes"]["stop"], loop["batch_sizes"]["compound"])
    history, best_f, best_bytes = [], -1.0, None
    for epoch in range(1, loop["max_epochs"] + 1):
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=sizes):
            nlp.update(batch, drop=loop["dropout"], sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages):
            dev_f = float(evaluate_ner(nlp, dev)["ALL"]["f"])
            if dev_f > best_f:
                best_f, best_bytes = dev_f, nlp.to_bytes()
        history.append({"epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 1), "dev_f": dev_f})
        print(f"epoch {epoch:2d}  loss {losses.get('ner', 0.0):9.1f}  dev F1 {dev_f:.4f}  best {best_f:.4f}", flush=True)
        best_epoch = max(history, key=lambda h: h["dev_f"])["epoch"]
        if epoch - best_epoch >= loop["patience"] or time.monotonic() > deadline:
            break
    nlp.from_bytes(best_bytes)
    return history


def build_german_ner(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    seed: int = 0,
    max_minutes: float = 15.0,
    config_path: str | Path = CONFIG_PATH,
    domain_path: str | Path = DOMAIN_PATH,
) -> dict:
    """Train the German NER pipeline from GermEval + domain sentences, save it to out_dir, return its scores."""
    started = time.monotonic()
    fix_random_seed(seed)
    config = load_config(config_path)
    nlp = load_model_from_config(config, auto_fill=True)
    loop = registry.resolve(config["loop"])

    germeval = split_germeval(Path(data_dir))
    domain = split_domain(read_domain(domain_path))
    # the domain sentences are few but are what the pipeline reads: [loop] domain_repeat upsamples them
    repeat = loop["domain_repeat"]
    train = make_token_examples(nlp, germeval["train"]) + make_text_examples(nlp, domain["train"]) * repeat
    dev = make_token_examples(nlp, germeval["dev"])
    print(f"train {len(train)} examples (domain x{repeat}), dev {len(dev)}", flush=True)

    history = train_ner(nlp, train, dev, loop, seed=seed, deadline=started + max_minutes * 60)
    heldout = {"germeval_heldout": make_token_examples(nlp, germeval["heldout"]),
               "domain_heldout": make_text_examples(nlp, domain["heldout"])}
    scores = {
        **{part: evaluate_ner(nlp, examples) for part, examples in heldout.items()},
        **{f"{part}_gazetteer": evaluate_ner(nlp, examples, add_gazetteer=True) for part, examples in heldout.items()},
        "sizes": {
            "germeval_train": len(germeval["train"]),
            "germeval_dev": len(germeval["dev"]),
            "germeval_heldout": len(germeval["heldout"]),
            "domain_train": len(domain["train"]),
            "domain_heldout": len(domain["heldout"]),
        },
        "epochs": history,
        "seed": seed,
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    nlp.meta.update(
        name="ner", version="0.1.0", lang="de",
        sources=[{"name": "GermEval 2014 NER", "license": "CC BY 4.0",
                  "author": "Benikova, Biemann, Reznicek (2014), LREC"}],
    )
    out = Path(out_dir)
    nlp.to_disk(out)
    (out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--germeval", type=Path, default=REPO.parent / "shared" / "data" / "germeval2014")
    parser.add_argument("--out", type=Path, default=REPO / "models" / "de_ner")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=15.0)
    args = parser.parse_args(argv)
    scores = build_german_ner(args.germeval, args.out, seed=args.seed, max_minutes=args.max_minutes)
    print(json.dumps({k: v for k, v in scores.items() if k not in ("sizes", "epochs")}, indent=2))


if __name__ == "__main__":
    main()
