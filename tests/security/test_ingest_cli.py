"""The real `waishi ingest` on a real store, given files that should not get in or get lost.

A report's id belongs to one source: a second file with the same stem (another folder's, or
another suffix) is refused with a message, never stored over the first; the same file again is
unchanged. A batch goes on past files it cannot read and names each at the end, exit 1.
Removing an id that is not stored is an error that changes nothing.

One batch holds every case (a command that stores reports loads the embedding model, a
minute on a busy machine); each test reads its part of the outcome.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.ingest.test_readers import TRADITIONAL, docx_bomb, mutants, pdf_bytes

pytestmark = pytest.mark.slow

Run = Callable[..., subprocess.CompletedProcess[str]]

FIRST = "青岛市与曼海姆(德国)签署友好合作备忘录。\n"
SECOND = "青岛市与达尔文(澳大利亚)开展港口合作。\n"


@dataclass
class Batch:
    folder: Path
    out: subprocess.CompletedProcess[str]  # `waishi ingest FOLDER`
    data: dict[str, Any]  # `waishi ingest --json FOLDER` run again: what the store holds

    def failures(self) -> dict[str, str]:
        """file (relative to the folder) -> its one line on stderr."""
        lines = [line for line in self.out.stderr.splitlines() if line.startswith("failed: ")]
        return {line.split(": ")[1].removeprefix(f"{self.folder}/"): line for line in lines}


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Run:
    env = {**os.environ, "WAISHI_DATA_DIR": str(tmp_path_factory.mktemp("ingest-cli-data")),
           "HF_HUB_OFFLINE": "1"}
    exe = str(Path(sys.executable).with_name("waishi"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=900)

    return run


def write_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    return path


def damaged_pdf(path: Path) -> Path:
    """A damaged PDF on which pypdf raises something other than its own PdfReadError."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    for raw in mutants(pdf_bytes(["Qingdao twinned with Bishkek in 2022"]), 400, seed=19):
        try:
            for page in PdfReader(io.BytesIO(raw)).pages:
                page.extract_text()
        except PdfReadError:
            continue
        except Exception:
            path.write_bytes(raw)
            return path
    raise AssertionError("no mutant made pypdf raise another error than its own")


@pytest.fixture(scope="module")
def batch(cli: Run, tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("batch")  # read in path order:
    for sub in ("a", "b", "briefings"):
        (folder / sub).mkdir()
    (folder / "a" / "report.txt").write_text(FIRST, encoding="utf-8")
    (folder / "b" / "report.txt").write_text(SECOND, encoding="utf-8")  # taken by a/report.txt
    write_docx(folder / "briefings" / "briefing.docx", FIRST)
    (folder / "briefings" / "briefing.txt").write_text(SECOND, encoding="utf-8")  # taken
    damaged_pdf(folder / "damaged.pdf")
    (folder / "lying.docx").write_bytes(docx_bomb(600 << 20, declared=2048))
    (folder / "taipei-exchange.txt").write_bytes(TRADITIONAL.encode("big5"))
    (folder / "zhuhai-visit.txt").write_text(SECOND, encoding="gbk")
    out = cli("ingest", str(folder))
    again = cli("ingest", "--json", str(folder))
    return Batch(folder, out, json.loads(again.stdout))


def test_a_batch_goes_on_past_bad_files_and_names_each_at_the_end(batch: Batch) -> None:
    assert batch.out.returncode == 1
    assert batch.out.stdout.startswith(
        "added: report, briefing, taipei-exchange, zhuhai-visit\n"), batch.out.stdout
    failures = batch.failures()
    assert list(failures) == ["b/report.txt", "briefings/briefing.txt", "damaged.pdf",
                              "lying.docx"]
    assert "not a readable PDF" in failures["damaged.pdf"]
    assert "damaged zip archive" in failures["lying.docx"]
    assert "Traceback" not in batch.out.stderr
    stored = batch.data["documents"]
    assert stored["taipei-exchange"]["title"] == TRADITIONAL.splitlines()[0]  # Big5, decoded
    assert stored["zhuhai-visit"]["title"] == SECOND.strip()


def test_same_stem_in_two_folders_is_refused_not_overwritten(batch: Batch) -> None:
    first, second = batch.folder / "a" / "report.txt", batch.folder / "b" / "report.txt"
    assert batch.failures()["b/report.txt"] == (
        f"failed: {second}: the id 'report' is already taken by {first}; rename this file, "
        "or remove that report first (waishi ingest --remove report)"
    )
    stored = batch.data["documents"]["report"]
    assert (stored["path"], stored["title"]) == (str(first), FIRST.strip())


def test_same_stem_with_another_suffix_is_refused(batch: Batch) -> None:
    word = batch.folder / "briefings" / "briefing.docx"
    assert f"the id 'briefing' is already taken by {word}" in (
        batch.failures()["briefings/briefing.txt"])
    stored = batch.data["documents"]["briefing"]
    assert (stored["path"], stored["title"]) == (str(word), FIRST.strip())


def test_the_same_files_again_are_unchanged_and_the_others_still_refused(batch: Batch) -> None:
    data = batch.data
    assert data["added"] == data["replaced"] == []
    assert sorted(data["unchanged"]) == ["briefing", "report", "taipei-exchange", "zhuhai-visit"]
    assert len(data["failed"]) == 4


def test_removing_an_id_that_is_not_stored_is_an_error_and_changes_nothing(
    cli: Run, batch: Batch, tmp_path: Path
) -> None:
    new = tmp_path / "new-report.txt"
    new.write_text(SECOND, encoding="utf-8")
    out = cli("ingest", "--remove", "report", "--remove", "no-such-doc", str(new))
    assert out.returncode == 1
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: no stored report has the id 'no-such-doc'; stored: briefing, "
                      "report, taipei-exchange, zhuhai-visit"]
    assert "Traceback" not in out.stderr
    # neither the known id removed nor the file ingested: the store lists the same reports
    out = cli("ingest", "--remove", "no-such-doc")
    assert out.returncode == 1 and "stored: briefing, report, taipei-exchange" in out.stderr


def test_once_removed_the_id_is_free_for_the_other_file(cli: Run, batch: Batch) -> None:
    second = batch.folder / "b" / "report.txt"
    out = cli("ingest", "--json", "--remove", "report", str(second))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["removed"], data["added"]) == (["report"], ["report"])
    assert data["documents"]["report"]["path"] == str(second)
