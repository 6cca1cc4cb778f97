"""A report's id belongs to one source: a second file with the same stem (another folder's, or
another suffix) is refused with a message, never stored over the first; the same file again is
unchanged, or replaced when edited. The real `waishi` command on a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

pytestmark = pytest.mark.slow

Run = Callable[..., subprocess.CompletedProcess[str]]

FIRST = "青岛市与曼海姆(德国)签署友好合作备忘录。\n"
SECOND = "青岛市与达尔文(澳大利亚)开展港口合作。\n"


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Run:
    env = {**os.environ, "WAISHI_DATA_DIR": str(tmp_path_factory.mktemp("identity-data")),
           "HF_HUB_OFFLINE": "1"}
    exe = str(Path(sys.executable).with_name("waishi"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=600)

    return run


def ingest(cli: Run, *paths: Path) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    out = cli("ingest", "--json", *map(str, paths))
    return out.returncode, json.loads(out.stdout), out.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".docx":
        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        document.save(str(path))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_same_stem_in_two_folders_is_refused_not_overwritten(cli: Run, tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "report.txt", FIRST)
    second = write(tmp_path / "b" / "report.txt", SECOND)
    code, data, stderr = ingest(cli, first, second)
    assert code == 1
    assert data["added"] == ["report"] and data["replaced"] == []
    [failure] = data["failed"]
    assert failure["path"] == str(second)
    assert f"'report' is already taken by {first}" in failure["error"]
    assert "--remove report" in failure["error"]
    assert data["documents"]["report"]["path"] == str(first)
    assert data["documents"]["report"]["title"] == FIRST.strip()
    assert "Traceback" not in stderr

    # alone, later, still refused; the first file again is unchanged, edited it is replaced
    code, data, _ = ingest(cli, second)
    assert code == 1 and data["added"] == data["replaced"] == [] and len(data["failed"]) == 1
    code, data, _ = ingest(cli, first)
    assert (code, data["unchanged"], data["failed"]) == (0, ["report"], [])
    write(first, FIRST + SECOND)
    code, data, _ = ingest(cli, first)
    assert (code, data["replaced"], data["failed"]) == (0, ["report"], [])

    # once the first is removed, the second may take the id
    assert cli("ingest", "--remove", "report").returncode == 0
    code, data, _ = ingest(cli, second)
    assert (code, data["added"]) == (0, ["report"])
    assert data["documents"]["report"]["path"] == str(second)


def test_same_stem_with_another_suffix_is_refused(cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "briefings"
    word = write(folder / "briefing.docx", FIRST)  # a folder is read in name order
    text = write(folder / "briefing.txt", SECOND)
    out = cli("ingest", str(folder))
    assert out.returncode == 1
    assert out.stdout.startswith("added: briefing\n")
    errors = [line for line in out.stderr.splitlines() if line.startswith("failed:")]
    assert errors == [
        f"failed: {text}: the id 'briefing' is already taken by {word}; rename this file, "
        "or remove that report first (waishi ingest --remove briefing)"
    ]
    assert "Traceback" not in out.stderr

    # the folder again: the Word file is unchanged, the text file still refused
    code, data, _ = ingest(cli, folder)
    assert code == 1 and data["unchanged"] == ["briefing"] and len(data["failed"]) == 1
    assert data["documents"]["briefing"]["path"] == str(word)
    assert data["documents"]["briefing"]["title"] == FIRST.strip()
