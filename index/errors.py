"""The exception tree. Every error a user can cause is a `QAError` with a one-line message that says
what is wrong and what to do; the CLI prints it and exits 2.

    QAError
    ├── InputError        a file, argument or question that cannot be used
    ├── StoreError        a store that is missing, corrupt, locked or built differently
    │   └── StoreMismatch built with another encoder or schema version
    └── ModelError        a shipped model file that is missing or damaged
"""

from __future__ import annotations


class QAError(Exception):
    """Base of every error meant for the user."""


class InputError(QAError):
    """A file, argument or question that cannot be used."""


class StoreError(QAError):
    """A store that cannot be opened or written."""


class StoreMismatch(StoreError):
    """A store built with another encoder or schema version."""


class ModelError(QAError):
    """A model file shipped with the project that is missing or cannot be loaded."""
