"""The analyst walkthrough notebook runs from top to bottom on a fresh store, so it never rots.

It runs on a kernel of this virtualenv through a kernelspec written to a temporary
JUPYTER_PATH: the user's own Jupyter configuration is neither read for it nor changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "analyst_walkthrough.ipynb"
KERNEL = "waishi-test-venv"


def outputs_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts.append(data.get("text/plain", ""))
        parts.append(data.get("text/html", ""))
    return "\n".join(parts)


def test_the_walkthrough_runs_on_a_fresh_store(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "waishi test venv", "language": "python",
    }))
    chart = tmp_path / "centrality.png"
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("WAISHI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAISHI_CHART", str(chart))
    monkeypatch.setenv("MPLBACKEND", "Agg")

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # coalesce_streams: on a loaded machine the kernel may flush one print in two messages, and
    # outputs_text would then split its line in two
    client = NotebookClient(notebook, kernel_name=KERNEL, timeout=600, coalesce_streams=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    code = [c for c in notebook.cells if c.cell_type == "code"]
    text = "\n".join(outputs_text(c) for c in code)
    assert not [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert str(tmp_path / "data") in text  # the store named by WAISHI_DATA_DIR
    assert "qingdao-fao-2022-work-report" in text
    sco_line = next(line for line in text.splitlines() if line.startswith("SCO partner cities:"))
    for city in ("比什凯克", "阿克套", "费萨拉巴德", "撒马尔罕", "彼尔姆", "奥尔沙"):
        assert city in sco_line
    rcep_line = next(line for line in text.splitlines() if line.startswith("RCEP partners:"))
    assert "清迈" in rcep_line and "澳大利亚" in rcep_line
    assert "sister-city facts" in text and "比什凯克" in text
    assert "foreign partners" in text and "betweenness" in text
    path_line = next(line for line in text.splitlines() if "Qingdao → Mannheim" in line)
    assert "hops" in path_line
    assert "曼海姆" in text and "vis.Network" in text and 'class="waishi-map"' in text
    assert chart.is_file() and chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.stat().st_size > 10_000
    assert (tmp_path / "data" / "store").is_dir()
