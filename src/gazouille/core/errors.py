"""Domain errors. Each door turns them into its own wire format (API: Mastodon's
``{"error": ...}`` with the status below; web: a readable page)."""

from __future__ import annotations

from typing import Any


class GazouilleError(Exception):
    status = 400
    default_message = "Bad request"

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class NotFound(GazouilleError):
    status = 404
    default_message = "Record not found"


class Forbidden(GazouilleError):
    status = 403
    default_message = "This action is not allowed"


class Unauthorized(GazouilleError):
    status = 401
    default_message = "The access token is invalid"


class ValidationFailed(GazouilleError):
    """422, Mastodon's ``Validation failed: …``."""

    status = 422
    default_message = "Validation failed"
