"""The columns of a list, declared once, and what the generic list partials need of a filter.

A list declares its columns as a tuple of Column: the list's header (with sort links), the
row's cells, and later the column chooser of exports and saved views read the same declaration.
`templates/lists/_chips.html` and `templates/lists/_header.html` render chips and the header
for any list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from kartoteka.core.filtering import FilterSet


@dataclass(frozen=True)
class Column:
    """`key` names the column (and its cell: the macro `cell_<key>` of the list's cells template,
    unless `cell` says otherwise); `sort` is the sort parameter it orders by, if any."""

    key: str
    label: Any
    sort: str | None = None
    cell: str = ""

    @property
    def cell_name(self) -> str:
        return self.cell or f"cell_{self.key}"


@dataclass(frozen=True)
class Header:
    title: str
    url: str | None
    direction: str | None  # "asc", "desc" or None (not the current sort)


def column_headers(columns: Iterable[Column], filters: FilterSet) -> list[Header]:
    """The header of each column: a link that sorts by it (again: the other way round)."""
    sort_name, sort = filters.sort_declaration()
    current, descending = sort_name.lstrip("-"), sort_name.startswith("-")
    params = filters.to_params()
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
    filters: FilterSet, *, describe: Mapping[str, Callable[[Any], str | None]] | None = None
) -> list[dict[str, str]]:
    """The filter's chips with the query string that removes each (for `lists/_chips.html`).

    `describe`: parameter -> how to show its value (e.g. a group's name read through the actor's scope).
    """
    return [
        {"param": chip.name, "name": chip.label, "value": chip.value, "remove_url": "?" + urlencode(chip.remove_params)}
        for chip in filters.chips(describe=describe)
    ]
