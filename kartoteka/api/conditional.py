"""ETag / If-Match for rows that carry a `version` (clients, cases, tasks): one implementation.

Every such row answers with `ETag: "<id>-<version>"`. A write may send `If-Match` with it; when
the row has changed since, the answer is 412 and nothing is saved. Without If-Match the write is
still conditional on the version the server read a moment before (409 if another write slipped
in between), so two writes never silently overwrite each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import HttpResponse
from ninja import Header, Status

IF_MATCH: Any = Header(  # type: ignore[type-arg]
    None,
    alias="If-Match",
    description="The ETag from your GET: the change is refused with 412 if the row changed since.",
)


def etag(row: Any) -> str:
    return f'"{row.pk}-{row.version}"'


def expected_version(if_match: str | None, row: Any) -> int:
    """The version the caller saw: If-Match's when sent (0, never current, when no tag can match),
    else the one just read, so that the write is still refused if another slips in before it."""
    if if_match is None or if_match.strip() == "*":
        return int(row.version)
    versions = []
    for tag in if_match.split(","):
        match = re.fullmatch(rf'"{row.pk}-(\d{{1,18}})"', tag.strip())  # a weak W/ tag never matches
        if match:
            versions.append(int(match.group(1)))
    return int(row.version) if row.version in versions else 0


def answer(response: HttpResponse, row: Any) -> Any:
    response["ETag"] = etag(row)
    return row


def conditional_write(
    response: HttpResponse,
    row: Model,
    if_match: str | None,
    change: Callable[[int], Any],
    *,
    stale: type[Exception],
) -> Status[Any]:
    """Run `change(expected_version)`; `stale` raised means 412 (If-Match) or 409 (a race), with the current ETag."""
    try:
        result = change(expected_version(if_match, row))
    except stale as exc:
        current = type(row)._default_manager.only("id", "version").filter(pk=row.pk).first()
        if current is not None:
            response["ETag"] = etag(current)
        return Status(412 if if_match else 409, {"detail": getattr(exc, "message", str(exc))})
    if isinstance(result, type(row)):
        response["ETag"] = etag(result)
    return Status(200, result) if result is not None else Status(204, None)
