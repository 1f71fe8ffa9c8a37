"""PostgreSQL full-text search helpers shared by every app that searches.

Each searchable row stores a ``tsvector`` (a generated column) built with the text-search
configuration of its community's language, so French words match in their other
inflections ("apprenant" finds "apprenants") and English ones too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db.models import Case, Field, Lookup, Q, Value, When
from django.db.models.expressions import Combinable
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# ts_headline marks matches with these (characters nobody types); `highlight` turns the
# escaped text into <mark>s, so that user text is never interpreted as HTML.
MARK_START = "\u2060\u27e6"
MARK_STOP = "\u27e7\u2060"

SEARCH_CONFIGS = {"fr": "french", "en": "english"}


def search_config_for(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def weighted_vector(language_field: str, weighted_fields: list[tuple[str, str]]) -> Case:
    """An expression for a `GeneratedField`: the row's fields, weighted ("A" > "D"), with
    the stemming of the language held in ``language_field``."""

    def vector(config: str) -> Combinable:
        parts = [
            SearchVector(name, weight=weight, config=config) for name, weight in weighted_fields
        ]
        combined: Combinable = parts[0]
        for part in parts[1:]:
            combined = combined + part
        return combined

    whens = [
        When(**{language_field: lang}, then=vector(cfg)) for lang, cfg in SEARCH_CONFIGS.items()
    ]
    return Case(*whens, default=vector("simple"))


def search_query(text: str, language: str) -> SearchQuery:
    """A forgiving query: the words a person typed, in any order (websearch syntax)."""
    return SearchQuery(text, search_type="websearch", config=Value(search_config_for(language)))


def matches(
    text: str, *, language_field: str = "language", vector_field: str = "search_vector"
) -> Q:
    """A filter for rows of any language: each row is matched with its own stemming."""
    condition = Q()
    for lang in SEARCH_CONFIGS:
        condition |= Q(**{language_field: lang, vector_field: search_query(text, lang)})
    return condition


def rank(
    text: str, *, language_field: str = "language", vector_field: str = "search_vector"
) -> Case:
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F, FloatField

    whens = [
        When(**{language_field: lang}, then=SearchRank(F(vector_field), search_query(text, lang)))
        for lang in SEARCH_CONFIGS
    ]
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def name_prefix_query(text: str) -> SearchQuery | None:
    """Every word typed, as the start of a word of the name: "mar dup" finds "Marie
    Dupont". Accents and case are ignored (names are stored folded, see `Member`).
    None when the text has no word at all (nothing to filter on)."""
    import re

    from community.models.accounts import fold

    words = re.findall(r"\w+", fold(text))[:8]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")


def headline(
    expression: str | Combinable, text: str, language: str, *, words: int = 30
) -> SearchHeadline:
    """A snippet of ``expression`` around the words of ``text``, matches marked."""
    return SearchHeadline(
        expression,
        search_query(text, language),
        config=Value(search_config_for(language)),
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=words,
        min_words=max(5, words // 3),
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def highlight(snippet: str) -> SafeString:
    """Escape a marked snippet and turn the marks into <mark> elements."""
    escaped = escape(snippet or "")
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


@Field.register_lookup
class AnyOf(Lookup):
    """``filter(pk__any_of=[...])``: ``id = ANY(%s)`` with one array parameter, whatever
    the list's length (``__in`` sends one placeholder per value, which the driver parses
    one by one: 12 ms for the 400 candidates of a search)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return "%s", [list(value)]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
