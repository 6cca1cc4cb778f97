"""The `waishi` command line: ingest, ask, search, entities, sparql, export, serve, eval, app.

Every command has `--json`; user errors print one line to stderr and exit 1, never a trace.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from waishi.errors import WaishiError
from waishi.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Waishi (外事): foreign-affairs reports as a knowledge graph.",
)
eval_app = typer.Typer(no_args_is_help=True, help="Score against gold files.")
app.add_typer(eval_app, name="eval")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
_state: dict[str, Any] = {}


@app.callback()
def main(
    config: Annotated[Path | None, typer.Option(help="A waishi.toml file.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where the store and indexes live.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    _state["settings"] = Settings.load(config, data_dir=data_dir)


@contextmanager
def workspace(*, need_corpus: bool = False, read_only: bool = False) -> Iterator[Any]:
    """Open the workspace; turn user errors into one clear line and exit code 1.

    `read_only` commands read the store beside a process that writes it (the app, an ingest);
    only when the store is not set up yet do they write it first, as a writer would.
    """
    from waishi.workspace import Workspace

    settings = _state["settings"]
    # only the embedded store has a writer's lock to read beside; an in-memory store lives
    # and dies with this process, a server takes care of its own readers
    read_only = read_only and settings.store == "oxigraph"
    ws = None
    try:
        ws = Workspace(settings, read_only=read_only)
        if read_only and ws.needs_setup(need_corpus):
            ws.close()
            ws = None
            setup = Workspace(settings)
            try:
                if need_corpus:
                    setup.ensure_corpus()
            finally:
                setup.close()
            ws = Workspace(settings, read_only=True)
        elif need_corpus:
            ws.ensure_corpus()
        yield ws
    except WaishiError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        if ws is not None:
            ws.close()


def _lines(value: str) -> list[str]:
    if value == "-":
        return [line.strip() for line in sys.stdin if line.strip()]
    return [value]


def _emit(data: Any, as_json: bool, table: Callable[[Any], None]) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=None))
    else:
        table(data)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default: the bundled corpus.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Force a text encoding.")] = None,
    remove: Annotated[list[str] | None, typer.Option(help="Remove a document by id.")] = None,
    reindex: Annotated[bool, typer.Option(help="Rebuild the search index too.")] = False,
    jobs: Annotated[
        int | None, typer.Option(help="Processes extracting reports (default: ingest_jobs).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add reports to the graph (incremental: an unchanged report changes nothing)."""
    from waishi.errors import UnknownDocument
    from waishi.progress import ingest_progress

    with workspace() as ws:
        stored = ws.documents()
        unknown = [doc for doc in remove or [] if doc not in stored]
        if unknown:  # before anything changes
            listed = ", ".join(sorted(stored)[:10]) + (" …" if len(stored) > 10 else "")
            raise UnknownDocument(
                f"no stored report has the id {unknown[0]!r}; stored: {listed or 'none'}"
            )
        removed = [doc for doc in remove or [] if ws.remove(doc)]
        targets = paths or ([] if remove else [ws.settings.corpus_dir])
        with ingest_progress(sys.stderr) as status:
            report = ws.ingest(targets, encoding=encoding, status=status, jobs=jobs)
            if reindex:
                status.stage("refreshing the derived graph")
                ws.refresh_derived()
            changed = report.added or report.replaced or removed
            if reindex or changed or not ws.index_is_current():
                status.stage("building the search index")
                ws.refresh_index()
        data = {
            "added": report.added,
            "replaced": report.replaced,
            "unchanged": report.unchanged,
            "removed": removed,
            "failed": [{"path": p, "error": e} for p, e in report.failed],
            "documents": ws.documents(),
        }
        _emit(data, as_json, _print_ingest)
        if report.failed:
            raise typer.Exit(1)


def _print_ingest(data: dict[str, Any]) -> None:
    for key in ("added", "replaced", "unchanged", "removed"):
        if data[key]:
            typer.echo(f"{key}: {', '.join(data[key])}")
    for failure in data["failed"]:
        typer.echo(f"failed: {failure['path']}: {failure['error']}", err=True)
    for doc_id, doc in data["documents"].items():
        typer.echo(f"  {doc_id}  {doc['entities']} entities, {doc['facts']} facts  {doc['title']}")
        if doc.get("home"):
            typer.echo(f"      speaks for {doc['home']} ({doc['home_note']})")
        else:
            note = doc.get("home_note") or "not looked for"
            typer.echo(f"      speaks for no known place: {note}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question, or - to read one per line.")],
    as_json: JsonFlag = False,
) -> None:
    """Answer questions (中文 or English) from the graph, with why, evidence and SPARQL."""
    with workspace(need_corpus=True, read_only=True) as ws:
        for text in _lines(question):
            answer = ws.ask(text)
            _emit(answer.to_json(), as_json, _print_answer)


def _print_answer(data: dict[str, Any]) -> None:
    typer.echo(f"Q: {data['question']}   [{data['intent']}, confidence {data['confidence']}]")
    if data["message"]:
        typer.echo(f"   {data['message']}")
    for title, rows in (("answers", data["answers"]), ("inferred", data["inferred"])):
        if rows:
            typer.echo(f"{title}:")
        for row in rows:
            typer.echo(f"  {row['label']:<24} {row['label_en']:<28} {row['type']:<12} {row['why']}")
    typer.echo("evidence:")
    for ev in data["evidence"][:8]:
        s, e = ev["start"], ev["end"]
        typer.echo(f"  [{ev['doc']} {s}-{e}] {ev['sentence'][:120]}")
    typer.echo("SPARQL:\n" + data["sparql"].split("\n", 13)[-1])


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A query, or - to read one per line.")],
    k: Annotated[int, typer.Option("-k", help="How many results.")] = 10,
    kind: Annotated[str | None, typer.Option(help="Only 'sentence' or 'entity' results.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Raw hybrid retrieval (dense + BM25 + graph), best first."""
    with workspace(need_corpus=True, read_only=True) as ws:
        for text in _lines(query):
            data = {"query": text, "results": ws.search(text, k, kind)}
            _emit(data, as_json, _print_search)


def _print_search(data: dict[str, Any]) -> None:
    typer.echo(f"Q: {data['query']}")
    for r in data["results"]:
        where = f"{r['doc']} {r['start']}-{r['end']}" if r["kind"] == "sentence" else "entity"
        more = f" (+{len(r['places']) - 1} more places)" if len(r.get("places", ())) > 1 else ""
        typer.echo(f"  {r['score']:.4f} [{where}{more}] {r['text'][:100]}")
        typer.echo(f"         why: {'; '.join(r.get('why', ()))}")


@app.command()
def entities(
    kind: Annotated[str | None, typer.Option("--type", help="Only this type, e.g. City.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every entity in the graph with type, labels, aliases and mention count."""
    with workspace(read_only=True) as ws:
        # page by page, as the store gives them: the first rows show before the last is read
        separator = ""
        if as_json:
            typer.echo("[", nl=False)
        for page in ws.entity_pages(kind=kind):
            if as_json:
                for row in page:
                    typer.echo(separator + json.dumps(row, ensure_ascii=False), nl=False)
                    separator = ", "
            else:
                _print_entities(page)
        if as_json:
            typer.echo("]")


def _print_entities(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        ids = " ".join(f"{k}={r[k]}" for k in ("iso3166", "geonames", "wikidata") if k in r)
        typer.echo(
            f"{r['type']:<12} {r['label']:<28} {r['label_en']:<28} {r['mentions']:>3}  {ids}"
        )


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="SPARQL text, @file.rq, or - for stdin.")],
    fmt: Annotated[
        str, typer.Option("--format", help="table, csv, tsv, json, xml, turtle, nt, jsonld")
    ] = "table",
    as_json: JsonFlag = False,
) -> None:
    """Run a read-only SPARQL query (updates, LOAD and SERVICE are refused).

    Exit 2 when the result was cut at max_result_rows (stderr says so), 1 on an error.
    """
    from search.sparql import judge_query, run_query, serialize

    try:
        text = (
            sys.stdin.read()
            if query == "-"
            else (Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query)
        )
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"error: cannot read the query from {query[1:]} ({exc})", err=True)
        raise typer.Exit(1) from None
    try:  # what the guard refuses whatever the store, before the store is opened
        judge_query(text, engine="oxigraph")
    except WaishiError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    with workspace(read_only=True) as ws:
        s = ws.settings
        result = run_query(
            ws.dataset, text, timeout_s=s.query_timeout_s, max_rows=s.max_result_rows,
            memory_mb=s.query_memory_mb,
        )
        if as_json:
            fmt = "json"
        if fmt == "table":
            _print_table(result)
        else:
            payload, _ = serialize(result, fmt)
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        if result.truncated:
            typer.echo(
                f"truncated: only the first {s.max_result_rows} "
                f"{'triples' if result.graph is not None else 'rows'} are shown "
                "(max_result_rows); add a LIMIT or raise WAISHI_MAX_RESULT_ROWS",
                err=True,
            )
            raise typer.Exit(2)


def _print_table(result: Any) -> None:
    if result.boolean is not None:
        typer.echo(str(result.boolean).lower())
        return
    if result.graph is not None:
        typer.echo(result.graph.serialize(format="turtle"))
        return
    typer.echo("\t".join(result.variables))
    for row in result.rows:
        typer.echo("\t".join("" if v is None else str(v) for v in row))


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="The file to write.")],
    fmt: Annotated[
        str, typer.Option("--format", help="turtle, nt, jsonld, trig, graphml")
    ] = "turtle",
    as_json: JsonFlag = False,
) -> None:
    """Export the whole graph (RDF) or its networkx view (GraphML)."""
    with workspace(read_only=True) as ws:
        count = ws.export(out, fmt)
        _emit(
            {"path": str(out), "format": fmt, "items": count},
            as_json,
            lambda d: typer.echo(f"wrote {d['items']} items to {d['path']} ({d['format']})"),
        )


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Port (default: sparql_port setting).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """A read-only SPARQL 1.1 Protocol endpoint at /sparql on 127.0.0.1."""
    from dataclasses import replace

    from waishi.serve import exposed_warning, run_server

    if port is not None:
        _state["settings"] = replace(_state["settings"], sparql_port=port)
    settings = _state["settings"]
    _warn_if_exposed(exposed_warning(settings, "the SPARQL endpoint"))
    with workspace(read_only=True):
        pass  # a new store gets its reference data first; the workers only read

    def announce(url: str) -> None:
        _emit({"endpoint": url}, as_json, lambda d: typer.echo(f"SPARQL endpoint: {d['endpoint']}"))
        sys.stdout.flush()

    try:
        run_server(settings, announce)
    except WaishiError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _warn_if_exposed(warning: str | None) -> None:
    if warning:
        typer.echo(warning, err=True)


@app.command("app")
def run_app(
    share: Annotated[
        bool, typer.Option(help="Never: kept for symmetry with gradio; refused.")
    ] = False,
) -> None:
    """Start the analyst web app on the configured host and port."""
    if share:
        typer.echo("error: sharing through gradio.live would leave this machine; refused", err=True)
        raise typer.Exit(1)
    from waishi.serve import exposed_warning

    _warn_if_exposed(exposed_warning(_state["settings"], "the app"))
    import app_gradio

    app_gradio.main(_state["settings"])


@eval_app.command("entities")
def eval_entities(
    gold: Annotated[Path, typer.Option(help="Gold entities TSV.")] = Path(
        "tests/data/gold_entities.tsv"
    ),
    by_recogniser: Annotated[
        bool, typer.Option("--recognisers", help="With --json: the rows per recogniser.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Precision, recall and F1 per type against a gold entity list, and each recogniser's
    true and false positives (an entity named by several counts for each)."""
    from waishi.evaluate import load_gold_entities, score_entities, score_rules, total

    with workspace(need_corpus=True, read_only=True) as ws:
        entities, golds = ws.entities(), load_gold_entities(gold)
        scores = score_entities(entities, golds)
        by_rule = score_rules(entities, ws.entity_rules(), golds)
        rows = [
            {
                "type": s.type,
                "gold": s.gold,
                "predicted": s.predicted,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
            }
            for s in [*scores, total(scores)]
        ]
        recognisers = [
            {
                "rule": r.rule,
                "true": r.true_positives,
                "false": r.false_positives,
                "precision": round(r.precision, 3),
            }
            for r in by_rule
        ]
        if as_json:  # one list: the rows per type, or with --recognisers the rows per rule
            _emit(recognisers if by_recogniser else rows, True, _print_scores)
        else:
            _print_scores(rows)
            _print_rules(recognisers)


def _print_rules(rows: list[dict[str, Any]]) -> None:
    true = sum(r["true"] for r in rows) or 1
    false = sum(r["false"] for r in rows) or 1
    typer.echo(f"\n{'recogniser':<24}{'true':>6}{'false':>6}{'P':>8}{'of TP':>8}{'of FP':>8}")
    for r in rows:
        typer.echo(
            f"{r['rule']:<24}{r['true']:>6}{r['false']:>6}{r['precision']:>8.3f}"
            f"{r['true'] / true:>8.1%}{r['false'] / false:>8.1%}"
        )


def _print_scores(rows: list[dict[str, Any]]) -> None:
    typer.echo(f"{'type':<18}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for r in rows:
        typer.echo(
            f"{r['type']:<18}{r['gold']:>6}{r['predicted']:>6}{r['precision']:>8.3f}"
            f"{r['recall']:>8.3f}{r['f1']:>8.3f}"
        )


@eval_app.command("qa")
def eval_qa(
    questions: Annotated[Path, typer.Argument(help="A JSONL file of {id, question, answers}.")],
    gold: Annotated[Path, typer.Option(help="Gold entities TSV, for aliases.")] = Path(
        "tests/data/gold_entities.tsv"
    ),
    split: Annotated[
        str | None, typer.Option(help="Only the questions marked with this split.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Per-question precision, recall and F1, their mean, F1 per intent and the calibration
    table (answers by confidence, and the share of them that is right)."""
    from waishi.evaluate import load_gold_entities, load_questions, score_answers

    with workspace(need_corpus=True, read_only=True) as ws:
        results = score_answers(ws, load_questions(questions), load_gold_entities(gold), split)
        _emit(results, as_json, _print_qa)


def _print_qa(data: dict[str, Any]) -> None:
    for r in data["questions"]:
        typer.echo(
            f"{r['id']:<6}P={r['precision']:.2f} R={r['recall']:.2f} F1={r['f1']:.2f}  "
            f"{r['question']}"
        )
        if r["f1"] < 1:
            typer.echo(f"        got {r['predicted']}  want {r['gold']}  [{r['intent']}]")
    typer.echo(f"mean    P={data['precision']:.3f} R={data['recall']:.3f} F1={data['f1']:.3f}")
    if data["unanswerable"]:
        typer.echo(f"unanswerable: {data['abstained']} of {data['unanswerable']} abstained")
    typer.echo(f"\n{'intent':<16}{'questions':>10}{'F1':>8}{'chosen':>8}")
    for row in data["intents"]:
        chosen = "" if row["chosen"] is None else f"{row['chosen']:.2f}"
        typer.echo(f"{row['intent']:<16}{row['questions']:>10}{row['f1']:>8.3f}{chosen:>8}")
    typer.echo(f"\n{'confidence':<12}{'answers':>8}{'right':>8}")
    for row in data["calibration"]:
        right = "" if row["right"] is None else f"{row['right']:.2f}"
        typer.echo(f"{row['confidence']:<12}{row['answers']:>8}{right:>8}")
