"""Errors that services raise and that both the web UI and the API translate for the user."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ApplicationError", "NotFound", "PermissionDenied", "ValidationError"]


class ApplicationError(Exception):
    """A business rule said no. The message is shown to the user as it is."""

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    """The object does not exist, or the actor may not see it."""
