"""REST API of cases (R4.2): the same filters as the Sprawy page, the same services as the web UI.

Concurrency, as for clients: every case answers with `ETag: "<id>-<version>"`. A write may send
`If-Match` with it; when the case has changed since, the answer is 412 and nothing is saved.
Without If-Match the write is still conditional on the version the server read a moment before
(409 if another write slipped in between), so two writes never silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.conditional import IF_MATCH, answer, conditional_write
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, ErrorOut, PathId
from kartoteka.cases import selectors, services
from kartoteka.cases.filters import CaseFilter
from kartoteka.cases.models import Case
from kartoteka.cases.schemas import CaseCreateIn, CaseIn, CaseListParams, CaseOut, CasePage
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import NotFound, ValidationError

router = Router(tags=["cases"])

LIST_PARAMETERS = ("cursor", "limit", "count")  # besides the filter's own, parsed by CaseListParams
READ_ERRORS: dict[int, Any] = ERRORS
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 412: ErrorOut}  # 412: If-Match does not match
BODY_WRITE_ERRORS: dict[int, Any] = {**BODY_ERRORS, 412: ErrorOut}


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _write(response: HttpResponse, case: Case, if_match: str | None, change: Callable[[int], Any]) -> Status[Any]:
    """Run `change(expected_version)` through api.conditional: 412 (If-Match) or 409 (a race) when stale."""
    return conditional_write(response, case, if_match, change, stale=services.StaleCase)


def _act(
    request: HttpRequest, response: HttpResponse, case_id: int, if_match: str | None, service: Callable[..., Any]
) -> Status[Any]:
    """One service call on one case, conditional on its version (close, reopen, delete)."""
    actor = _actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return _write(response, case, if_match, lambda v: service(actor=actor, case=case, expected_version=v))


def _answer(response: HttpResponse, case: Case) -> Case:
    return cast(Case, answer(response, case))


@router.get("/cases", response={200: CasePage, **READ_ERRORS}, url_name="cases")
def case_list(request: HttpRequest, params: Query[CaseListParams]) -> dict[str, Any]:
    """Cases matching the filter, one page at a time (keyset pagination)."""
    actor = _actor(request)
    filters = CaseFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
    page = selectors.case_list(actor=actor, filters=filters, cursor=params.cursor, limit=params.limit)
    result: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
    if params.count:
        result["count"] = selectors.case_count(actor=actor, filters=filters)
    return result


@router.post("/cases", response={201: CaseOut, **BODY_ERRORS}, url_name="case_create")
def case_create(request: HttpRequest, payload: CaseCreateIn, response: HttpResponse) -> Status[Case]:
    """Open a case for a client (its owner: the caller unless `owner` is given)."""
    actor = _actor(request)
    if payload.client is None:
        raise ValidationError({"client": [_("Choose the client (an id).")]})
    try:
        client = client_get(actor=actor, client_id=payload.client)
    except NotFound as exc:  # a field of the body, not the resource of the URL: 422 on that field
        raise ValidationError({"client": [_("There is no client with this id.")]}) from exc
    data = payload.model_dump(exclude_unset=True, exclude={"client"})
    case = services.case_create(actor=actor, client=client, data=data)
    return Status(201, _answer(response, case))


@router.get("/cases/{case_id}", response={200: CaseOut, **READ_ERRORS}, url_name="case")
def case_get(request: HttpRequest, case_id: PathId, response: HttpResponse) -> Case:
    return _answer(response, selectors.case_get(actor=_actor(request), case_id=case_id))


@router.patch("/cases/{case_id}", response={200: CaseOut, **BODY_WRITE_ERRORS}, url_name="case_patch")
def case_patch(
    request: HttpRequest, response: HttpResponse, case_id: PathId, payload: CaseIn, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Change only the fields sent (the client cannot change). Honours If-Match."""
    actor = _actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    data = payload.model_dump(exclude_unset=True)
    return _write(
        response, case, if_match, lambda v: services.case_update(actor=actor, case=case, data=data, expected_version=v)
    )


@router.delete("/cases/{case_id}", response={204: None, **WRITE_ERRORS}, url_name="case_delete")
def case_delete(
    request: HttpRequest, response: HttpResponse, case_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Delete a case for good (managers and administrators). Honours If-Match."""
    return _act(request, response, case_id, if_match, services.case_delete)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **WRITE_ERRORS}, url_name="case_close")
def case_close(
    request: HttpRequest, response: HttpResponse, case_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Close an open case (its closing date is set now). Honours If-Match."""
    return _act(request, response, case_id, if_match, services.case_close)


@router.post("/cases/{case_id}/reopen", response={200: CaseOut, **WRITE_ERRORS}, url_name="case_reopen")
def case_reopen(
    request: HttpRequest, response: HttpResponse, case_id: PathId, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Reopen a closed case (its closing date is cleared). Honours If-Match."""
    return _act(request, response, case_id, if_match, services.case_reopen)
