"""French and English: Babel catalogues, the choice of language for a request, and the
formatting of dates and numbers in that language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime as DateTime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_compact_decimal, format_decimal
from babel.support import NullTranslations, Translations

from gazouille.core import clock

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
_ACCEPT_RE = re.compile(r"([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?")


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


@lru_cache(maxsize=8)
def catalogue(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale], domain="messages")


def supported(locale: str | None) -> str | None:
    code = (locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LOCALES else None


def negotiate(accept_language: str) -> str:
    """The best of our languages for an ``Accept-Language`` header."""
    choices: list[tuple[float, int, str]] = []
    for index, match in enumerate(_ACCEPT_RE.finditer(accept_language or "")):
        code = supported(match.group(1))
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            quality = 0.0
        if code and quality > 0:
            choices.append((-quality, index, code))
    return sorted(choices)[0][2] if choices else DEFAULT_LOCALE


@dataclass(frozen=True)
class Translator:
    locale: str

    @property
    def _catalogue(self) -> NullTranslations:
        return catalogue(self.locale)

    def gettext(self, message: str, **values: Any) -> str:
        text = self._catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._catalogue.ngettext(singular, plural, n)
        return text % {"num": n, **values}

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def compact(self, value: int) -> str:
        if value < 10_000:
            return self.number(value)
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def datetime(self, value: DateTime | None) -> str:
        if value is None:
            return ""
        return format_datetime(clock.as_utc(value), "medium", tzinfo=None, locale=self.locale)

    def date(self, value: DateTime | None) -> str:
        if value is None:
            return ""
        return format_date(clock.as_utc(value), "long", locale=self.locale)

    def ago(self, value: DateTime | None) -> str:
        """'5 min', '3 h', '2 j' as in timelines; a full date past a week."""
        if value is None:
            return ""
        delta = clock.now() - clock.as_utc(value)
        if delta.days >= 7:
            return format_datetime(clock.as_utc(value), "d MMM y", locale=self.locale)
        if delta.total_seconds() < 45:
            return self.gettext("now")
        return format_timedelta(delta, locale=self.locale, format="narrow", threshold=1)
