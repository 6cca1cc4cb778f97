"""A crash mid-ingest leaves the previous graph: an ingest process is killed at several
moments while it replaces a report, and the store holds the old or the new version, whole.
Killed after a report's write or removal, before the derived graph and the search index caught
up, readers still show the stored reports, the next writer rebuilds the derived graph and the
first search the index: labels and answers as if nothing happened."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.queries import select
from graph.reference import derived_version, reports_version
from graph.store import open_dataset
from ingest.readers import read_document
from ingest.segment import split_sentences
from tests.conftest import CORPUS, ROOT
from waishi.settings import Settings
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow


# one report a bulk load (new reports are otherwise gathered into loads of up to 100k quads), so
# that a kill can fall between two loads
ONE_REPORT_A_LOAD = {"WAISHI_INGEST_BATCH_QUADS": "1"}


def _ingest(data_dir: Path, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WAISHI_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
           **ONE_REPORT_A_LOAD}
    exe = str(Path(sys.executable).with_name("waishi"))
    return subprocess.Popen([exe, "ingest", str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _stored(data_dir: Path, doc_id: str) -> tuple[str, int]:
    ws = Workspace(Settings.load(data_dir=data_dir))
    try:
        sha = ws.documents()[doc_id]["sha256"]
        query = ("PREFIX wsh: <https://w3id.org/waishi/ontology#> "
                 "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT (COUNT(?s) AS ?n) WHERE { "
                 f'?s wsh:inDocument ?d . ?d dcterms:identifier "{doc_id}" }}')
        count = int(select(ws.dataset, query)[0][0])
        return sha, count
    finally:
        ws.close()


def test_killed_ingest_leaves_old_or_new_version_whole(tmp_path: Path) -> None:
    seed = (CORPUS / "qingdao-fao-2022-work-report.txt").read_text(encoding="utf-8")
    report = tmp_path / "report.txt"
    versions = {}
    for name, text in (("old", seed), ("new", seed + "\n" + seed.replace("2022", "2023") * 6)):
        versions[name] = (
            hashlib.sha256(text.encode()).hexdigest(),
            len(split_sentences("report", text)),
        )
        if name == "old":
            report.write_text(text, encoding="utf-8")
            assert _ingest(tmp_path / "data", report).wait(timeout=600) == 0
            new_text = ""
        else:
            new_text = text
    assert read_document(report).sha256 == versions["old"][0]
    report.write_text(new_text, encoding="utf-8")
    seen = set()
    for delay in (1.0, 4.0, 8.0):
        process = _ingest(tmp_path / "data", report)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        sha, sentences = _stored(tmp_path / "data", "report")
        version = "old" if sha == versions["old"][0] else "new"
        assert sha == versions[version][0]
        assert sentences == versions[version][1], (delay, version, sentences)
        seen.add(version)
        if version == "new":
            break
    assert "old" in seen


def _sentences_stored(data_dir: Path) -> dict[str, int]:
    """Sentences stored per report graph, whether or not the report's document node is there."""
    ws = Workspace(Settings.load(data_dir=data_dir))
    try:
        query = (
            "PREFIX wsh: <https://w3id.org/waishi/ontology#> SELECT ?g (COUNT(?s) AS ?n) WHERE {"
            " GRAPH ?g { ?s a wsh:Sentence } } GROUP BY ?g"
        )
        return {str(g).rsplit("/", 1)[-1]: int(n) for g, n in select(ws.dataset, query)}
    finally:
        ws.close()


def test_killed_ingest_of_new_reports_leaves_each_whole_or_absent(tmp_path: Path) -> None:
    """New reports are written by Oxigraph's bulk loader (graph/write.py, _ONE_BATCH): a kill
    at any moment leaves every report with all its sentences or with none. Each kill comes as
    the ingest logs its n-th report (its write just handed to the writer thread), a moment
    later or at once, so that it falls while a write runs or between two."""
    seed = (CORPUS / "qingdao-fao-2022-work-report.txt").read_text(encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = {}
    for k in range(12):
        text = seed.replace("2022", str(2010 + k)) * 6
        (corpus / f"report-{k}.txt").write_text(text, encoding="utf-8")
        expected[f"report-{k}"] = len(split_sentences(f"report-{k}", text))
    counts = []
    for nth, after in ((1, 0.0), (2, 0.05), (2, 0.3), (3, 0.0)):
        kill_on_log(
            tmp_path / "data", " mentions, ", "ingest", str(corpus), nth=nth, after=after,
            env=ONE_REPORT_A_LOAD,
        )
        stored = _sentences_stored(tmp_path / "data")
        for report, sentences in stored.items():
            assert sentences == expected[report], (nth, after, report, sentences)
        counts.append(len(stored))
    assert 0 < counts[-1] < len(expected), counts  # kills fell while reports were being written
    assert _ingest(tmp_path / "data", corpus).wait(timeout=600) == 0
    assert _sentences_stored(tmp_path / "data") == expected



def test_killed_while_a_large_report_is_stored_in_chunks_it_is_whole_or_absent(
    tmp_path: Path,
) -> None:
    """A large report is stored a chunk of sentences at a time, each chunk its own load: a kill
    between two leaves part of its graph, which the next writer drops (the report is absent,
    nothing of it left); ingested again, it is whole."""
    seed = (CORPUS / "qingdao-fao-2022-work-report.txt").read_text(encoding="utf-8")
    report = tmp_path / "large.txt"
    text = "\n".join(seed.replace("2022", str(2010 + k)) for k in range(4))
    report.write_text(text, encoding="utf-8")
    expected = len(split_sentences("large", text))
    chunks = {"WAISHI_INGEST_CHUNK_SENTENCES": "40", **ONE_REPORT_A_LOAD}
    for nth, after in ((2, 0.0), (3, 0.2)):
        kill_on_log(tmp_path / "data", "built and checked", "ingest", str(report), nth=nth,
                    after=after, env=chunks)
        stored = _sentences_stored(tmp_path / "data")  # a writer: drops what is left
        assert stored.get("large", 0) in (0, expected), (nth, after, stored)
    assert _ingest(tmp_path / "data", report).wait(timeout=600) == 0
    assert _sentences_stored(tmp_path / "data")["large"] == expected

# -- derived data after a kill: the derived graph and the search index record the version of the
# reports they were built from, and any command rebuilds what is stale ---------------------------

EXTRA = ROOT / "tests" / "data" / "unseen" / "reports" / "xian-fao-2023-targets.txt"
QUESTIONS = [
    "2022年青岛新结好了哪些国际友城？",
    "Which partners support SCO goals?",
    "西安计划与哪些城市建立友好城市关系？",
    "哪些西安企业参加哈萨克斯坦阿斯塔纳国际论坛？",
]


def waishi(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WAISHI_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    exe = str(Path(sys.executable).with_name("waishi"))
    done = subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, env=env,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def kill_on_log(
    data_dir: Path,
    line: str,
    *args: str,
    nth: int = 1,
    after: float = 0.0,
    env: dict[str, str] | None = None,
) -> None:
    """Run `waishi -v ARGS` and kill it (SIGKILL) `after` seconds after it logs `line` for the
    `nth` time."""
    env = {**os.environ, "WAISHI_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **(env or {})}
    exe = str(Path(sys.executable).with_name("waishi"))
    process = subprocess.Popen([exe, "-v", *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    seen: list[str] = []
    for text in process.stderr:
        seen.append(text)
        if line in text and sum(line in s for s in seen) == nth:
            time.sleep(after)
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(seen[-20:])


@dataclass(frozen=True)
class Outcome:
    """What the analyst sees: every entity with its labels, and the answers to `QUESTIONS`."""

    entities: list[dict[str, object]]
    answers: list[dict[str, object]]


def entities(data_dir: Path) -> list[dict[str, object]]:
    rows = json.loads(waishi(data_dir, "entities", "--json").stdout)
    return sorted(rows, key=lambda row: str(row["iri"]))


def answers(data_dir: Path) -> list[dict[str, object]]:
    out = waishi(data_dir, "ask", "--json", "-", stdin="\n".join(QUESTIONS) + "\n").stdout
    return [json.loads(line) for line in out.splitlines()]


def outcome(data_dir: Path) -> Outcome:
    return Outcome(entities(data_dir), answers(data_dir))


@dataclass(frozen=True)
class Stale:
    derived: bool  # the derived graph was built from other reports than those stored
    index: bool  # the search index was


def stale(data_dir: Path) -> Stale:
    """Read straight from the store and the index folder, without a workspace (which would
    repair them): which of the derived data no longer matches the stored reports."""
    settings = Settings.load(data_dir=data_dir)
    dataset = open_dataset(settings.store, settings.store_dir, "", "")
    try:
        current = reports_version(dataset)
        derived = derived_version(dataset) != current
    finally:
        dataset.close()
        gc.collect()  # the store's lock is freed once nothing refers to it
    manifest = settings.index_dir / "manifest.json"
    built_from = json.loads(manifest.read_text())["built_from"] if manifest.is_file() else None
    return Stale(derived, built_from != current)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two stores built without a crash: the seeds, and the seeds with one more report."""
    seeds = tmp_path_factory.mktemp("crash-seeds") / "data"
    waishi(seeds, "ingest", str(CORPUS))
    more = tmp_path_factory.mktemp("crash-more") / "data"
    shutil.copytree(seeds, more)
    waishi(more, "ingest", str(EXTRA))
    return {"seeds": seeds, "more": more}


@pytest.fixture(scope="module")
def expected(stores: dict[str, Path]) -> dict[str, Outcome]:
    return {name: outcome(data_dir) for name, data_dir in stores.items()}


def test_killed_after_a_reports_write_any_command_rebuilds_the_labels(
    stores: dict[str, Path], expected: dict[str, Outcome], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(stores["seeds"], data_dir)
    kill_on_log(data_dir, "reports stored; refreshing the derived graph", "ingest", str(EXTRA))
    assert stale(data_dir) == Stale(derived=True, index=True)  # the window the kill aimed at
    again = waishi(data_dir, "ingest", "--json", str(EXTRA))  # the report is stored: unchanged
    assert json.loads(again.stdout)["unchanged"] == [EXTRA.stem]
    assert stale(data_dir) == Stale(derived=False, index=False)
    assert outcome(data_dir) == expected["more"]


def searched(data_dir: Path) -> None:
    """One search, as an analyst runs it: the search index is built on first use."""
    assert waishi(data_dir, "search", "sister cities").stdout.strip()


def test_killed_while_indexing_an_ingest_the_first_search_rebuilds_the_index(
    stores: dict[str, Path], expected: dict[str, Outcome], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(stores["seeds"], data_dir)
    kill_on_log(data_dir, "derived graph refreshed", "ingest", str(EXTRA))
    assert stale(data_dir) == Stale(derived=False, index=True)
    assert answers(data_dir) == expected["more"].answers  # questions read the store itself
    searched(data_dir)
    assert stale(data_dir) == Stale(derived=False, index=False)


def test_killed_after_a_removal_the_next_writer_rebuilds_the_labels(
    stores: dict[str, Path], expected: dict[str, Outcome], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(stores["more"], data_dir)
    kill_on_log(data_dir, f"{EXTRA.stem} removed; refreshing the derived graph",
                "ingest", "--remove", EXTRA.stem)
    assert stale(data_dir) == Stale(derived=True, index=True)
    # readers (entities, ask) never write, and show the stored reports all the same
    assert entities(data_dir) == expected["seeds"].entities
    assert answers(data_dir) == expected["seeds"].answers
    assert stale(data_dir) == Stale(derived=True, index=True)
    again = waishi(data_dir, "ingest", "--json")  # the next writer: the bundled reports
    assert json.loads(again.stdout)["added"] == []
    assert stale(data_dir) == Stale(derived=False, index=False)
    assert outcome(data_dir) == expected["seeds"]


def test_killed_while_indexing_a_removal_the_first_search_rebuilds_the_index(
    stores: dict[str, Path], expected: dict[str, Outcome], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(stores["more"], data_dir)
    kill_on_log(data_dir, "derived graph refreshed", "ingest", "--remove", EXTRA.stem)
    assert stale(data_dir) == Stale(derived=False, index=True)
    assert answers(data_dir) == expected["seeds"].answers
    searched(data_dir)
    assert stale(data_dir) == Stale(derived=False, index=False)
