"""The registry of question intents: each one object (example questions, cues, slot matcher,
SPARQL plan, why). An `Intent` subclass registers itself when its module is imported, and every
module of this package is imported here: adding an intent touches one file.
"""

from __future__ import annotations

import importlib
import pkgutil

from search.qa.intents.base import REGISTRY, Intent

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

INTENTS: dict[str, Intent] = REGISTRY

__all__ = ["INTENTS", "Intent"]
