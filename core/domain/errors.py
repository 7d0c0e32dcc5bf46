"""Domain errors: each becomes a friendly reply at the edge."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain said no."""

    code = "domain_error"

    def __init__(self, detail: str = "", **params: Any) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.params = params


class InvalidInput(DomainError):
    code = "invalid_input"


class RoundNotOpen(DomainError):
    code = "round_not_open"


class ActionNotAvailable(DomainError):
    """An action that does not apply to a round in its state (closing a round that never
    opened, publishing the results of a round nobody could answer yet)."""

    code = "action_not_available"


class UnknownProject(DomainError):
    code = "unknown_project"


class UnknownItem(DomainError):
    code = "unknown_item"


class LimitReached(DomainError):
    code = "limit_reached"


class NotConsented(DomainError):
    code = "not_consented"


class ProjectFileError(Exception):
    """A project file is not valid; the message names the key and the line."""

    def describe(self, language: str) -> str:
        """The problem in ``language``; here the message as given (a subclass that knows its
        problems one by one says them in the language asked)."""
        return str(self)
