"""Errors that reach the user as a message in their language, never a traceback."""

from __future__ import annotations


class TextgenError(Exception):
    """A failure with a message key (data/strings/generate.yaml) and its parameters.

    `str(error)` is an English fallback for logs and the command line.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}" if params else key)


class ModelLoadError(TextgenError):
    """The model could not be found or loaded."""


class BackendError(TextgenError):
    """The generation backend failed (remote server down, slow, or garbage)."""
