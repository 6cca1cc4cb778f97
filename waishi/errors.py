"""The one exception type a user can cause, and its named kinds.

The CLI and the app show these messages without a stack trace; anything else is a bug.
"""

from __future__ import annotations


class WaishiError(Exception):
    """An error the user can fix; the message says how."""


class UnreadableDocument(WaishiError):
    """A report that is empty, binary, too large or in an encoding we cannot decode."""


class UnknownDocument(WaishiError):
    """A report id that names no stored report."""


class UnsafeQuery(WaishiError):
    """A SPARQL query that tries to update, LOAD, or reach the network."""


class MalformedQuery(WaishiError):
    """A SPARQL query that does not parse."""


class QueryTimeout(WaishiError):
    """A SPARQL query that ran past the configured time limit."""


class IndexMismatch(WaishiError):
    """An index built by another model, dimension or corpus than the one configured."""


class StoreUnavailable(WaishiError):
    """The configured RDF store cannot be opened or reached."""


class QueryTooLarge(WaishiError):
    """A SPARQL query that needed more memory than a query may use, and was stopped."""
