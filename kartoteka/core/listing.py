"""The columns of a list, declared once, and what the generic list partials need of a filter.

A list declares its columns as a tuple of Column: the list's header (with sort links), the
row's cells, and later the column chooser of exports and saved views read the same declaration.
`templates/lists/_chips.html` and `templates/lists/_header.html` render chips and the header
for any list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Template

from kartoteka.core.filtering import FilterSet
from kartoteka.core.numbers import InvalidNumber, parse_positive_int


@dataclass(frozen=True)
class Column:
    """`key` names the column and its cell template (`<the list's cells directory>/<key>.jinja`,
    unless `cell` names another); `sort` is the sort parameter it orders by, if any."""

    key: str
    label: Any
    sort: str | None = None
    cell: str = ""


@dataclass(frozen=True)
class Header:
    title: str
    url: str | None
    direction: str | None  # "asc", "desc" or None (not the current sort)


def column_headers(
    columns: Iterable[Column], filters: FilterSet, *, keep: Mapping[str, str] | None = None
) -> list[Header]:
    """The header of each column: a link that sorts by it (again: the other way round).

    `keep`: the list's own parameters (e.g. `limit`) the links carry along."""
    sort_name, sort = filters.sort_declaration()
    current, descending = sort_name.lstrip("-"), sort_name.startswith("-")
    params = {**filters.to_params(), **(keep or {})}
    headers = []
    for column in columns:
        if column.sort is None or column.sort not in sort.choices:
            headers.append(Header(str(column.label), None, None))
            continue
        next_sort = f"-{column.sort}" if current == column.sort and not descending else column.sort
        direction = ("desc" if descending else "asc") if current == column.sort else None
        headers.append(Header(str(column.label), "?" + urlencode({**params, "sort": next_sort}), direction))
    return headers


def chip_links(
    filters: FilterSet,
    *,
    describe: Mapping[str, Callable[[Any], str | None]] | None = None,
    keep: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """The filter's chips with the query string that removes each (for `lists/_chips.html`).

    `describe`: parameter -> how to show its value (e.g. a group's name read through the actor's scope).
    `keep`: the list's own parameters (e.g. `limit`) the links carry along.
    """
    return [
        {
            "param": chip.name,
            "name": chip.label,
            "value": chip.value,
            "remove_url": "?" + urlencode({**chip.remove_params, **(keep or {})}),
        }
        for chip in filters.chips(describe=describe)
    ]


@dataclass(frozen=True)
class RowPage:
    """What every row of one page shares: texts (translated once a page, not once a row),
    the actor's permissions and whether rows have a selection box."""

    text: Mapping[str, Any]
    perms: Mapping[str, bool]
    selectable: bool = True


def render_rows(columns: Sequence[Column], rows: Sequence[Any], *, cells: str, page: RowPage) -> SafeString:
    """The <tr>s of a list page: `lists/rows.jinja` with the list's templates in `cells` put in."""
    template = _row_template(cells, tuple(c.cell or c.key for c in columns), settings.DEBUG)
    return mark_safe(template.render({"columns": columns, "rows": rows, "page": page}))  # noqa: S308 -- autoescaped


@lru_cache(maxsize=64)
def _row_template(cells: str, names: tuple[str, ...], debug: bool) -> Template:
    """One template for the whole row, assembled as text: a macro or include per cell cost three
    times the rendering (docs/decisions.md). Assembled again on every call while DEBUG is on,
    so edited templates show at once."""
    if debug:
        _row_template.cache_clear()
    env = engines["jinja2"].env  # type: ignore[attr-defined]

    def source(name: str) -> str:
        return str(env.loader.get_source(env, name)[0]).strip()

    frame = source("lists/rows.jinja")
    parts = {
        "[[tr]]": source(f"{cells}/_tr.jinja"),
        "[[cells]]": "".join(source(f"{cells}/{name}.jinja") for name in names),
        "[[actions]]": source(f"{cells}/_actions.jinja"),
    }
    for marker, text in parts.items():
        frame = frame.replace(marker, text)
    template: Template = env.from_string(frame)
    return template


MAX_PAGE_SIZE = 200  # rows per page a web list accepts in ?limit= (the API's limit has the same bound)


def page_size(raw: str | None) -> int:
    """A list's `?limit=N` (1 to MAX_PAGE_SIZE, ASCII digits); anything else is the default page size."""
    try:
        return parse_positive_int(raw, maximum=MAX_PAGE_SIZE)
    except InvalidNumber:
        return int(settings.KARTOTEKA_PAGE_SIZE)
