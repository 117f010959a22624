"""Words → search terms, computed in Python so SQLite and PostgreSQL match identically.

A document keeps each word accent-folded and lower-cased, plus its Snowball stems in the
status's language (French, English, or both when the language is unknown). A query word
becomes the group of all its readings (folded, French stem, English stem): a document
matches when every group has a term in it. Terms are letters and digits only, so nothing
a user types can reach the full-text engines as an operator. See docs/search.md.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import unescape

import Stemmer

from gazouille.core.text import URL_RE

WORD_RE = re.compile(r"[^\W_]+")
TAG_RE = re.compile(r"<[^>]*>")
MAX_TERM = 40  # longer "words" are noise (hashes, base64) and bloat the index
MAX_QUERY_WORDS = 8
STEMMED = ("french", "english")


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def fold(text: str) -> str:
    """Lower-case without accents ("Événement" → "evenement")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in WORD_RE.findall(text.casefold()) if len(w) <= MAX_TERM]


def stem_languages(language: str | None) -> tuple[str, ...]:
    """The Snowball stemmers for a status's language code (``fr``, ``en-GB``, None…)."""
    if not language:
        return STEMMED
    base = language.split("-")[0].lower()
    return {"fr": ("french",), "en": ("english",)}.get(base, ())


def _french_verb_stem(word: str) -> str | None:
    """Snowball leaves the first person plural alone ("mangeons" → "mangeon", since "-ons"
    also ends nouns); its verb reading ("mange" → "mang") lets "manger" find it."""
    if word.endswith("ons") and not word.endswith("ions") and len(word) >= 7:
        return fold(_stemmer("french").stemWord(word[:-3]))
    return None


def readings(word: str, languages: tuple[str, ...]) -> set[str]:
    """Every term a word may be indexed or searched under."""
    folded = fold(word)
    found = {folded}
    for language in languages:
        stemmer = _stemmer(language)
        # Stems of both spellings: Snowball French knows accents, users often omit them.
        found.add(fold(stemmer.stemWord(word)))
        found.add(fold(stemmer.stemWord(folded)))
        if language == "french" and (verb := _french_verb_stem(word)):
            found.add(verb)
    return {t for t in found if t and WORD_RE.fullmatch(t)}


def plain_text(html: str) -> str:
    return unescape(TAG_RE.sub(" ", html))


def document_terms(texts: list[str], language: str | None) -> str:
    """The ``terms`` of a search document: space-separated, each term once."""
    languages = stem_languages(language)
    terms: dict[str, None] = {}
    for text in texts:
        for word in words(re.sub(URL_RE, " ", text)):
            for term in sorted(readings(word, languages)):
                terms.setdefault(term, None)
    return " ".join(terms)


def query_groups(query: str) -> list[list[str]]:
    """The OR-groups of a query, one per word (at most MAX_QUERY_WORDS), each sorted."""
    groups: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for word in words(query):
        group = frozenset(readings(word, STEMMED))
        if group and group not in seen:
            seen.add(group)
            groups.append(sorted(group))
        if len(groups) == MAX_QUERY_WORDS:
            break
    return groups


def fts5_query(groups: list[list[str]]) -> str:
    """``("mang" OR "manger") AND ("restaur")`` — every term quoted (they are letters and
    digits only), so FTS5 reads no operator from user input."""
    return " AND ".join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)


def tsquery(groups: list[list[str]]) -> str:
    """PostgreSQL's form of the same query: ``('mang' | 'manger') & ('restaur')``."""
    return " & ".join("(" + " | ".join(f"'{t}'" for t in g) + ")" for g in groups)
