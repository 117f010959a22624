"""Forms: reading a posted form (CSRF checked), and turning a domain's validation error into
messages shown next to the fields, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from gazouille.core.errors import ValidationFailed
from gazouille.core.ids import parse_id
from gazouille.web import context as web
from gazouille.web.i18n import Translator, gettext_noop

MAX_FORM_FIELDS = 200
MAX_UPLOAD_FILES = 4

# The domains' field messages, so that they are extracted into the catalogues.
FIELD_MESSAGES = [
    gettext_noop("can't be blank"),
    gettext_noop("has already been taken"),
    gettext_noop("is invalid"),
    gettext_noop("is reserved"),
    gettext_noop("must be accepted"),
    gettext_noop("must be between 8 and 72 characters"),
    gettext_noop("must contain only letters, numbers and underscores (30 at most)"),
    gettext_noop("is invalid or has expired"),
    gettext_noop("is your current address"),
    gettext_noop("is too long (maximum is 30 characters)"),
    gettext_noop("is too long (maximum is 500 characters)"),
    gettext_noop("is too long (maximum is 255 characters)"),
    gettext_noop("is not included in the list"),
    gettext_noop("does not match"),
    gettext_noop("needs a description (alt text)"),
    gettext_noop("is too large"),
    gettext_noop("is not a CSV of accounts"),
    gettext_noop("is not an account you follow"),
    gettext_noop("has too many lines"),
    gettext_noop("Your session expired. Reload the page and try again."),
    # Whole messages of the statuses and polls domains.
    gettext_noop("Text can't be blank"),
    gettext_noop("Poll must have at least 2 options"),
    gettext_noop("Poll options can't be blank"),
    gettext_noop("Poll contains duplicate options"),
    gettext_noop("A post cannot have both media attachments and a poll"),
    gettext_noop("Record invalid"),
]


@dataclass
class FormErrors:
    """Messages by field name; ``general`` for those that belong to no field."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def get(self, name: str) -> list[str]:
        return self.fields.get(name, [])


def errors_from(exc: ValidationFailed, translator: Translator) -> FormErrors:
    errors = FormErrors()
    for name, problems in (exc.details or {}).items():
        for problem in problems:
            errors.add(name, translator.gettext(str(problem.get("description", ""))))
    if not errors:
        message = exc.message.removeprefix("Validation failed: ")
        errors.general.append(translator.gettext(message))
    return errors


async def read_form(request: Request) -> FormData:
    """The posted form, with its CSRF token checked."""
    form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=MAX_FORM_FIELDS)
    web.check_csrf(request, form)
    return form


def text(form: FormData | dict[str, Any], name: str, default: str = "") -> str:
    value = form.get(name)
    return value if isinstance(value, str) else default


def flag(form: FormData | dict[str, Any], name: str) -> bool:
    return text(form, name).lower() in ("1", "true", "on", "yes")


def form_id(form: FormData | dict[str, Any], name: str) -> int | None:
    return parse_id(text(form, name))


def uploads(form: FormData, name: str) -> list[UploadFile]:
    return [
        f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename and f.size != 0
    ]


def invalid(field_name: str, description: str) -> ValidationFailed:
    """A validation error of the web's own (e.g. a repeated password that differs)."""
    return ValidationFailed(
        f"Validation failed: {field_name} {description}",
        details={field_name: [{"error": "ERR_INVALID", "description": description}]},
    )
