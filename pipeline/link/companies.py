"""Stage 5: organisation spans and rules -> mentions of businesses only; corpus-wide canonical companies.

A name counts as a company when something says so: a legal form or business head word
("GmbH", "Group", "Bank"), the lexicon of known firms, or the context ("companies such as …",
"the logistics company X", "X, a carmaker"). Universities, agencies, chambers, parks, fairs,
governments and media outlets are never companies (GOLD_FORMAT.md).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..annotate import LIST_MARKER
from ..config import MODELS
from ..literals import Prefilter
from .places import fold_name

_W = r"[A-Za-zÀ-ÖØ-öø-ÿ]"
NON_COMPANY = re.compile(
    r"\b(universit\w*|hochschule|college|school|schule|école|ecole|lycée|academy|akademie|académie|institut\w*|"
    r"hospital|klinik\w*|hôpital|ministry|ministerium|ministère|bureau|agency|agentur|agence|"
    r"association|verein|verband|vereinigung|federation|fédération|chamber|kammer|ihk|chambre|"
    r"council|rat|conseil|committee|komitee|comité|commission|kommission|foundation|stiftung|fondation|"
    r"park|zone|exchange|börse|bourse|government|regierung|gouvernement|municipality|municipal|stadtverwaltung|"
    r"rathaus|mairie|embassy|botschaft|ambassade|consulate|konsulat|consulat|centre|center|zentrum|"
    r"museum|musée|festival|forum|summit|gipfel|sommet|conference|konferenz|conférence|fair|messe|salon|"
    r"office|amt|department|departement|party|partei|parti|church|kirche|église|cathedral|dom|"
    r"initiative|union|club|orchestra|orchester|team|people's|volksregierung|senat|senate|parliament|"
    r"parlament|landtag|bundestag|administration|verwaltung|police|polizei|army|court|gericht|"
    r"region|province|provinz|district|bezirk|county|landkreis|city|stadt|ville|port authority|"
    r"hafenbehörde|network|netzwerk|réseau|alliance|program\w*|projekt|project|projet|plan|"
    r"award|preis|prix|year|jahr|année|day|tag|week|woche|jumelage|partnerschaft|twinning|"
    r"mayor|maire|\w*bürgermeister\w*|minister|president|präsident|président)\b"
    r"|\w(kammer|ministerium|verband|verein|behörde|agentur|hochschule|universität|klinikum|stiftung|messe|"
    r"verwaltung|regierung)\b",
    re.IGNORECASE)
BUSINESS_WORDS = re.compile(
    r"(\b(gmbh|ag|se|kg|kgaa|s\.a\.|sa|sas|sarl|sca|s\.p\.a\.|spa|n\.v\.|b\.v\.|plc|ltd\.?|limited|inc\.?|corp\.?|"
    r"corporation|llc|group|gruppe|groupe|holdings?|co\.|company|bank|banque|motors?|airlines?|airways|"
    r"logistics|logistik|steel|chemicals?|technolog(y|ies)|pharma\w*|automotive|electric|electronics|"
    r"industries|industrie|energy|energie|énergie|shipping|railway|railways|diagnostics|aviation|aerospace|"
    r"software|telecom\w*|insurance|versicherung\w*|assurances?)(?!\w))", re.IGNORECASE)
CUE_LIST = re.compile(
    r"\b(companies|firms|enterprises|corporations|groups|businesses|brands|carmakers|manufacturers|investors|"
    r"giants|Unternehmen|Firmen|Konzerne|Konzernen|Riesen|Hersteller|Herstellern|Marken|entreprises|sociétés|"
    r"groupes|firmes|industriels)\b[^.;:]{0,40}?\b(such as|like|including|include|namely|wie|darunter|etwa|"
    r"u\.\s?a\.|comme|telles? que|dont|notamment|parmi lesquelles)\b", re.IGNORECASE)
DESCRIPTOR = (r"(company|firm|carmaker|automaker|chipmaker|manufacturer|builder|operator|giant|maker|supplier|"
              r"retailer|insurer|"
              r"\w*hersteller|\w*dienstleister|\w*anbieter|\w*betreiber|\w*bauer|\w*gesellschaft|"
              r"conglomerate|producer|provider|cooperative|coopérative|genossenschaft|\w*unternehmen|\w*konzern|"
              r"\w*logistiker|"
              r"autobauer|firma|entreprise|société|constructeur|fabricant|opérateur|équipementier|transporteur|"
              r"groupe|group|bank|banque|PME|PMI|ETI|KMU|SME|start-up|startup)")
# what may stand before a known name in one capitalised run: "Technologieunternehmen Huawei", "Das Unternehmen WuXi
# AppTec" (German capitalises both), "Le Groupe Lactalis"
_ARTICLES = r"the|der|die|das|des|dem|den|le|la|les|l'|l’"
_DESCRIPTOR_PREFIX = re.compile(rf"(?:(?:{_ARTICLES})\s+)?" + DESCRIPTOR, re.IGNORECASE)
# "le constructeur de poids lourds Scania"; after a German preposition comes a noun ("Chemiekonzern mit Sitz in")
_LOWER_WORDS = (r"(?:\s+(?!(?:mit|für|aus|von|bei|nach|zu|zum|zur|in|im|am|an|auf|über|unter|seit|durch)\s)"
                r"(?-i:[a-zäöüßéèàâêîôûç'’-]+)){0,3}")
DESCRIPTOR_BEFORE = re.compile(DESCRIPTOR + _LOWER_WORDS + r"\s+(\(?[A-Z]|„|“|\")*$", re.IGNORECASE)
DESCRIPTOR_AFTER = re.compile(
    r"^\s*(\([^)]{1,40}\))?,\s+(a|an|the|ein|eine|einem|der|die|das|un|une|le|la|l')\s+([\w\-]+\s+){0,4}?"
    + DESCRIPTOR + r"\b", re.IGNORECASE)
DESCRIBED_NAME = re.compile(
    r"\b" + DESCRIPTOR + _LOWER_WORDS + r"\s+((?:[A-Z][\w.&'’-]*|[A-Z]{2,})(?:\s+[A-Z][\w.&'’-]*){0,2})")
_SENTENCE_CUES = Prefilter([CUE_LIST, DESCRIBED_NAME])  # most sentences hold neither a cue nor a descriptor
LEADING_NOISE = re.compile(
    rf"^((?i:{_ARTICLES})\s+|[A-Z][\w\-]+(?:'s|’s)\s+|"
    # "Representatives of Sichuan Airlines": people of a firm
    r"(?i:representatives?|delegates?|executives?|employees?|staff|managers?|vertreter\w*|mitarbeiter\w*|"
    r"représentants?|salariés?|dirigeants?)\s+(?i:of|from|von|der|des|de|du|d['’])\s*|"
    r"(German|Chinese|French|British|Italian|Spanish|Dutch|Swiss|Austrian|Polish|Hungarian|Belgian|European|"
    r"American|Japanese|Korean|[Ss]tate-owned|deutsche[nrs]?|chinesische[nrs]?|französische[nrs]?|"
    r"staatliche[nrs]?|chinois[e]?|allemand[e]?|français[e]?|européen(ne)?)\s+)+")
# "Aachener Pharmaunternehmen Grünenthal GmbH": a German place adjective may open the descriptor
_LEADING_DESCRIPTOR = re.compile(r"^(?:(?-i:[A-ZÄÖÜ][a-zäöüß]+er)\s+)?" + DESCRIPTOR + r"\s+(?=(?-i:[A-Z]))",
                                 re.IGNORECASE)
ITEM_SPLIT = re.compile(r",\s*|\s+(?:and|und|sowie|et|or|oder|ou)\s+|;\s*")
GENERIC_SUFFIX = re.compile(
    r"(\s+(group|gruppe|groupe|holding|holdings|gmbh|ag|se|kg|s\.a\.|sa|sas|plc|ltd\.?|limited|inc\.?|corp\.?|"
    r"corporation|llc|co\.?,?\s*ltd\.?|co\.|company|steel|energy|chemicals|bus|buses|logistics|"
    r"[a-z]+ branch|branch))+$", re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon_forms() -> dict[str, str]:
    """Name or alias as written -> canonical name, from models/companies.tsv."""
    table: dict[str, str] = {}
    path = MODELS / "companies.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, aliases = line.partition("\t")
        for form in [name, *filter(None, aliases.split("|"))]:
            table[form] = name
    return table


@lru_cache(maxsize=1)
def known_companies() -> dict[str, str]:
    """Folded name or alias -> canonical name."""
    return {fold_name(form): name for form, name in lexicon_forms().items()}


@lru_cache(maxsize=1)
def media_outlets() -> frozenset[str]:
    lines = (MODELS / "media.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold_name(x) for x in lines if x.strip() and not x.startswith("#"))


def company_key(name: str) -> str:
    """The key a company is grouped by: folded, without legal forms and generic trailing words."""
    known = known_companies().get(fold_name(name))
    return fold_name(known) if known else fold_name(GENERIC_SUFFIX.sub("", name.strip()) or name)


def _company_id(key: str) -> str:
    return "company:" + re.sub(r"[^a-z0-9]+", "-", key).strip("-")


_ARTICLE = re.compile(r"^(?i:the|der|die|das|le|la|l'|l’)\s+")
_POSSESSIVE_END = re.compile(r"(?:'s|’s)$")
_LEGAL_FORM_DOT = re.compile(r"\b(Ltd|Inc|Co|Corp|S\.A|S\.p\.A|N\.V|B\.V)\.$")  # abbreviations; "AG." ends a sentence


def clean_name(text: str) -> str:
    """The name without articles, nationality words and possessive; "Deutsche Post" stays whole."""
    text = _ARTICLE.sub("", text.strip())
    if fold_name(text) not in known_companies():
        text = LEADING_NOISE.sub("", text)
        text = _LEADING_DESCRIPTOR.sub("", text)
    text = _POSSESSIVE_END.sub("", text).strip(" \t\n,;:\"“”„«»()")
    if text.endswith(".") and not _LEGAL_FORM_DOT.search(text):
        text = text[:-1]
    return text


_CAMEL = re.compile(r"[a-z]+[A-Z]")  # brands written "bioMérieux", "iFLYTEK"
_NAME_JOINERS = {"of", "and", "und", "de", "du", "des", "la", "le", "et", "&", "für", "y", "e"}


def _is_known_or_unit(name: str) -> bool:
    """A firm of the lexicon, or one of its units ("Airbus Helicopters", "IBM France")."""
    return fold_name(name) in known_companies() or fold_name(name.split()[0]) in known_companies()


LEGAL_TAIL = re.compile(r"^\.?,?\s*(?:Co\.,?\s*)?(?:Ltd\.?|Limited|Inc\.?|KG|AG|GmbH|SE|S\.A\.)(?![\w])")


def is_company_name(name: str, context_before: str, context_after: str, in_cue_list: bool,
                    is_place) -> bool:
    """Does the evidence say this name is a business?"""
    folded = fold_name(name)
    if not name or len(folded) < 2 or not (name[0].isupper() or name[0].isdigit() or _CAMEL.match(name)
                                             or _is_known_or_unit(name)):  # "thyssenkrupp Steel Europe AG"
        return False
    if re.search(r"[;:!?]", name) or re.search(r",(?!\s*(Ltd|Inc|KG)\b)", name):
        return False
    if re.match(r"(co\.|kg|ag|se|gmbh|ltd|inc|s\.a\.)(\s|$)", folded):
        return False  # a bare legal form ("Co. KG") is the tail of a name the NER cut
    if folded in media_outlets():
        return False
    if folded in known_companies():
        return True  # a known firm's unit ("Airbus Helicopters") needs the checks below
    if NON_COMPANY.search(name) or is_place(name):
        return False  # also a known firm's foundation ("Ford Foundation")
    if len(name.split()) > 6 or sum(w.islower() and w not in _NAME_JOINERS for w in name.split()[1:]) >= 2:
        return False  # a clause, not a name ("BYD haben hier ihren Hauptsitz")
    return bool(_is_known_or_unit(name) or BUSINESS_WORDS.search(name) or in_cue_list
                or DESCRIPTOR_BEFORE.search(context_before) or DESCRIPTOR_AFTER.search(context_after))


_LIST_END = re.compile(r"[.;:!?]\s|\.$|\s(to|in|for|with|zu|um|in|für|mit|pour|avec|dans)\s")
_RUN_REST = r"[\w.&'\-]*(?:\s+(?:of\s+)?[A-Z][\w.&'\-]*){0,4}"  # of a word, then up to four capitalised ones
_CAPITALISED_RUN = re.compile("[A-Z]" + _RUN_REST)
# besides places and business words, words after a known firm's name that make the run one of its units
_UNIT_WORD = re.compile(r"(?i:europe|europa|international|helicopters|trucks|studios?)")


@lru_cache(maxsize=1)
def _lower_case_brands() -> tuple[str, ...]:
    return tuple(sorted({form.split()[0] for form in lexicon_forms() if form[:1].islower()}))


@lru_cache(maxsize=1)
def _runs_with_brands() -> re.Pattern[str]:
    """`_CAPITALISED_RUN`, or a lower-case brand of the lexicon, opening a run ("thyssenkrupp Steel Europe AG");
    about twice as slow, so only for texts that hold such a brand."""
    brands = "|".join(map(re.escape, _lower_case_brands()))
    return re.compile(rf"(?:[A-Z]|\b(?:{brands})(?!\w))" + _RUN_REST)


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first word of every listed name, folded as a word alone ("j.p" of "j.p. morgan")."""
    return frozenset(fold_name(key.split(" ", 1)[0]) for key in known_companies())


def _may_open_a_name(word: str) -> bool:
    """Whether a listed name starts with this word; most words of most runs open none."""
    return fold_name(word).split(" ", 1)[0] in _first_words()  # folding splits "Mercedes-Benz"


def _names_firm_or_unit(words: list[str], is_place) -> bool:
    """Whether the words (the first `_may_open_a_name`) name a known firm, or a known firm and then its
    unit's places or business words."""
    for j in range(len(words), 0, -1):
        if fold_name(" ".join(words[:j])) in known_companies():
            return all(is_place(w) or BUSINESS_WORDS.fullmatch(w) or _UNIT_WORD.fullmatch(w) for w in words[j:])
    return False


# the name that opens a list item: words up to the first lower-case one that joins no name
_NAME_HEAD = re.compile(r"\S+(?:\s+(?:(?:" + "|".join(map(re.escape, sorted(_NAME_JOINERS))) + r")\s+)*"
                        r"(?![a-zäöüßéèàâêîôûç])\S+)*")


def iter_cue_items(text: str, start: int, end: int):
    """(start, end) of the capitalised items of an enumeration that follows a cue ("companies such as")."""
    for cue in CUE_LIST.finditer(text, start, end):
        pos = cue.end()
        stop = _LIST_END.search(text, pos, end)
        limit = stop.start() if stop else end
        for item in map(str.strip, ITEM_SPLIT.split(text[pos:limit])):
            if not item:
                continue
            item_clean = _NAME_HEAD.match(item).group()  # "Henkel Chemicals kann die Stadt …"
            offset = text.find(item_clean, pos, limit)
            if offset >= 0:
                yield offset, offset + len(item_clean)
                pos = offset + len(item_clean)


def find_companies(text: str, sentences, entities, is_place) -> list[tuple[int, int, str]]:
    """(start, end, surface) of every company named in the analysed sentences."""
    candidates: dict[tuple[int, int], bool] = {}  # span -> found in a cue enumeration
    cues = [_SENTENCE_CUES.candidates(text[sent.start:sent.end]) for sent in sentences]
    for sent, found_cues in zip(sentences, cues):
        for s, e in iter_cue_items(text, sent.start, sent.end) if 0 in found_cues else ():
            candidates[(s, e)] = True
    for ent in entities:
        if ent.label == "ORG":
            for line_start, line_end in _lines(text, ent.start, ent.end):
                for span in _coordinated_parts(text, line_start, line_end):
                    candidates.setdefault(span, False)
    for sent, found_cues in zip(sentences, cues):  # "das Logistikunternehmen Yuxinou", "the carmaker Geely"
        for m in DESCRIBED_NAME.finditer(text, sent.start, sent.end) if 1 in found_cues else ():
            candidates.setdefault(m.span(2), False)
    runs = _runs_with_brands() if any(brand in text for brand in _lower_case_brands()) else _CAPITALISED_RUN
    for sent in sentences:  # lexicon hits the NER missed: a whole capitalised run (a firm or its unit), or
        # its end after a descriptor (`_DESCRIPTOR_PREFIX`); never a word inside a longer name ("Continental Bridge")
        for m in runs.finditer(text, sent.start, sent.end):
            words = m.group().split()
            starts = [w.start() for w in _WORD_START.finditer(m.group())]  # the words may be apart by a line break
            for i in range(len(words)):
                if not _may_open_a_name(words[i]) or i and not _DESCRIPTOR_PREFIX.fullmatch(" ".join(words[:i])):
                    continue
                if _names_firm_or_unit(words[i:], is_place):
                    candidates.setdefault((m.start() + starts[i], m.end()), False)
    found: list[tuple[int, int, str]] = []
    for (s, e), in_list in sorted(candidates.items()):
        raw = text[s:e]
        name = clean_name(raw.split(" (")[0])
        if not name:
            continue
        s2 = s + raw.find(name)
        e2 = s2 + len(name)
        tail = LEGAL_TAIL.match(text, e2) if re.search(r"\b(Co|Group|Holding|Corp)\.?$", name) else None
        if tail:  # "… Logistics Co" + "., Ltd." cut by the tokenizer
            e2 = tail.end()
            name = text[s2:e2]
        paren = re.match(r"^\s*\(([^)]{2,60})\)", text[e2:e2 + 64])
        if is_company_name(name, text[max(0, s2 - 40):s2], text[e2:e2 + 80], in_list, is_place):
            if any(fs <= s2 and e2 <= fe for fs, fe, _ in found):
                continue
            found = [f for f in found if not (s2 <= f[0] and f[1] <= e2)]
            found.append((s2, e2, " ".join(name.split())))
            if paren and not is_place(paren.group(1)) and _is_alias(paren.group(1), name):
                # "EDF (Électricité de France)": an alias
                ps = e2 + paren.start(1)
                found.append((ps, ps + len(paren.group(1)), paren.group(1)))
    return sorted(set(found))


_WORD_START = re.compile(r"\S+")
_FIRM_WORD = re.compile(r"\b(?:Corporation|Corp\.|Company|Co\.|Ltd\.?|Limited|Inc\.?|PLC|plc|GmbH|AG|SE|SA|SAS|S\.A\.|"
                        r"S\.p\.A\.|N\.V\.|Group|Gruppe|Groupe|Holdings?)(?!\w)")
_INITIALS = re.compile(r"(?<![\w'’])\w")


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An entity's parts on each line, without a list item's marker: a list's items or a table's cells that the
    NER, which reads line breaks as spaces, joined ("SE (IT-Dienstleistungen) - Dortmunder Hafen AG")."""
    parts, pos = [], start
    for line in text[start:end].split("\n"):
        marker = LIST_MARKER.match(line)
        skip = marker.end() if marker else 0
        if line[skip:].strip():
            parts.append((pos + skip, pos + len(line.rstrip())))
        pos += len(line) + 1
    return parts


def _is_alias(paren: str, name: str) -> bool:
    """Whether the parentheses after a firm give another name of it ("EDF (Électricité de France)", "Qingdao
    Port International Co., Ltd. (QPI)", "Tsingtao Brewery (Tsingtao)", "ChemChina"), not its trade ("KHS GmbH
    (Abfüll- und Verpackungsanlagen)"): one abbreviates the other, they share a word, or it names a firm."""
    return _abbreviates(paren, name) or _abbreviates(name, paren) or bool(
        {fold_name(w) for w in paren.split()} & {fold_name(w) for w in name.split()}) \
        or _is_known_or_unit(paren) or _FIRM_WORD.search(paren) is not None


def _abbreviates(short: str, long: str) -> bool:
    """"EDF" of "Électricité de France", "JAC Motors" of "Anhui Jianghuai Automobile Group": the capitals of the
    short name's first word are initials of the long one's words, in order."""
    capitals = iter(fold_name(c) for c in _INITIALS.findall(long))
    letters = [fold_name(c) for c in short.split()[0] if c.isupper()] if short.split() else []
    return len(letters) >= 2 and all(letter in capitals for letter in letters)


_COORDINATION = re.compile(r"\s+(?:and|und|et|sowie)\s+(?=[A-Z])")


def _coordinated_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """"PSA Group and Dongfeng Motor Group Co., Ltd.": two firms the NER took for one name, when each part
    names a firm by itself; a name that joins words stays whole ("Hamburger Hafen und Logistik")."""
    name = text[start:end]
    m = _COORDINATION.search(name)
    if not m or fold_name(name) in known_companies():
        return [(start, end)]
    parts = [(start, start + m.start()), (start + m.end(), end)]
    if all(_is_known_or_unit(part) or BUSINESS_WORDS.search(part) for part in (text[a:b] for a, b in parts)):
        return parts
    return [(start, end)]


def group_document_companies(surfaces: list[str]) -> dict[str, str]:
    """Surface -> the company id of one document: forms that share a key, or whose key's tokens
    start with another's ("ThyssenKrupp" ~ "ThyssenKrupp Steel"), are one company, unless the rest
    names a second firm: a joint venture ("BMW Brilliance Automotive") is a company of its own. An
    alias in parentheses joins the name before it (handled by the caller's order)."""
    keys = {s: company_key(s) for s in surfaces}
    ordered = sorted(set(keys.values()), key=lambda k: (len(k.split()), k))
    known = known_companies()
    root: dict[str, str] = {}
    for key in ordered:
        tokens = key.split()
        root[key] = next((r for r in ordered if r in root and root[r] == r and len(r.split()) < len(tokens)
                          and tokens[:len(r.split())] == r.split()
                          and not any(" ".join(tokens[len(r.split()):j]) in known
                                      for j in range(len(r.split()) + 1, len(tokens) + 1))), key)
    return {s: _company_id(root[k]) for s, k in keys.items()}


def consolidate_companies(mentions: list[tuple[str, str, str]]) -> tuple[list[dict], list[dict]]:
    """(companies rows, document_companies rows) from (doc_id, surface, company_id) mentions."""
    by_company: dict[str, dict[str, int]] = {}
    docs: dict[str, set[str]] = {}
    per_doc: dict[tuple[str, str], list[str]] = {}
    for doc_id, surface, cid in mentions:
        by_company.setdefault(cid, {}).setdefault(surface, 0)
        by_company[cid][surface] += 1
        docs.setdefault(cid, set()).add(doc_id)
        bucket = per_doc.setdefault((doc_id, cid), [])
        if surface not in bucket:
            bucket.append(surface)
    names = {cid: display_name(forms) for cid, forms in by_company.items()}
    companies = [{"company_id": cid, "name": names[cid],
                  "aliases": sorted(f for f in forms if f != names[cid]), "n_documents": len(docs[cid])}
                 for cid, forms in sorted(by_company.items())]
    document_companies = [{"doc_id": doc_id, "company_id": cid, "name": names[cid], "mentions": forms}
                          for (doc_id, cid), forms in sorted(per_doc.items())]
    return companies, document_companies


def display_name(forms: dict[str, int]) -> str:
    """The lexicon's name if known, else the shortest form in normal case, then the most frequent."""
    for form in forms:
        if fold_name(form) in known_companies():
            return known_companies()[fold_name(form)]
    return min(forms, key=lambda f: (f.isupper() and len(f) > 4, len(f.split()), -forms[f], f))
