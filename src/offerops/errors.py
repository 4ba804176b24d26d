"""Expected errors and their exit codes; anything else is a bug (exit 3, with a log)."""

from __future__ import annotations


class OfferopsError(Exception):
    """An expected failure with a message for the user: no traceback is shown."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(OfferopsError):
    """Bad flags or arguments: the command could not run."""

    exit_code = 2


class ConfigError(OfferopsError):
    """offerops.yaml is missing or unusable: the command could not run."""

    exit_code = 2


class BackendError(OfferopsError):
    """The marketplace (emulator or AWS) refused or failed a request."""

    exit_code = 1
