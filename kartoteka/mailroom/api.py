"""REST API of correspondence (R16): the same filter as the Korespondencja page, the same services
as the web UI.

Concurrency, as for clients and cases: every mail item answers with `ETag: "<id>-<version>"`. A
write may send `If-Match` with it; when the item has changed since, the answer is 412 and nothing
is saved. Without If-Match the write is still conditional on the version the server read a moment
before (409 if another write slipped in between). The header is read from the request rather
than declared per operation (docs/api.md says so): the OpenAPI document lists the inputs whose
every allowed value is accepted, and no document can say which tag is current.

Scans: `POST /api/mail/{id}/scan` takes a multipart form with one file, `file` (PDF, JPEG or PNG,
judged by its content, at most KARTOTEKA_MAIL_SCAN_MAX_BYTES); `GET` downloads it. Both are left
out of the OpenAPI document (docs/api.md documents them): a document can only say "binary", and
most bytes are no scan, so a contract test would read every refusal as a broken promise (and the
path's download alone would make it expect 405 for the upload).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from kartoteka.accounts.models import User
from kartoteka.api.conditional import answer, conditional_write
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, ErrorOut, PathId
from kartoteka.clients.selectors import client_get
from kartoteka.core.errors import NotFound
from kartoteka.core.pagination import InvalidCursor
from kartoteka.mailroom import selectors, services
from kartoteka.mailroom.filters import MailFilter
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import ScanUpload
from kartoteka.mailroom.schemas import (
    MailCollectIn,
    MailCreateIn,
    MailForwardIn,
    MailIn,
    MailListParams,
    MailOut,
    MailPage,
)
from kartoteka.mailroom.views import scan_response

router = Router(tags=["mail"])

LIST_PARAMETERS = ("cursor", "limit", "count")  # besides the filter's own, parsed by MailListParams


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _write(request: HttpRequest, response: HttpResponse, item: MailItem, change: Callable[[int], Any]) -> Status[Any]:
    """Run `change(expected_version)` conditional on If-Match (api.conditional, read from the request)."""
    if_match = request.headers.get("If-Match")
    return conditional_write(response, item, if_match, change, stale=services.StaleMailItem)


@router.get("/mail", response={200: MailPage, **ERRORS}, url_name="mail_list")
def mail_list(request: HttpRequest, params: Query[MailListParams]) -> dict[str, Any]:
    """Mail items matching the filter, newest first by default, one page at a time (keyset pagination)."""
    actor = _actor(request)
    filters = MailFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
    try:
        page = selectors.mail_list(actor=actor, filters=filters, cursor=params.cursor or None, limit=params.limit)
    except InvalidCursor as exc:
        raise NotFound(_("There is no page at this cursor: use a `next_cursor` of this list, or none.")) from exc
    result: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
    if params.count:
        result["count"] = selectors.mail_count(actor=actor, filters=filters)
    return result


@router.post("/mail", response={201: MailOut, **BODY_ERRORS}, url_name="mail_create")
def mail_create(request: HttpRequest, payload: MailCreateIn, response: HttpResponse) -> Status[MailItem]:
    """Register mail received for a client (today unless `received_on` is given)."""
    actor = _actor(request)
    client = client_get(actor=actor, client_id=payload.client)
    data = payload.model_dump(exclude_unset=True, exclude={"client"})
    item = services.mail_item_create(actor=actor, client=client, data=data)
    return Status(201, answer(response, item))


@router.get("/mail/{mail_id}", response={200: MailOut, **ERRORS}, url_name="mail")
def mail_get(request: HttpRequest, mail_id: PathId, response: HttpResponse) -> MailItem:
    return cast(MailItem, answer(response, selectors.mail_get(actor=_actor(request), mail_id=mail_id)))


@router.patch("/mail/{mail_id}", response={200: MailOut, 412: ErrorOut, **BODY_ERRORS}, url_name="mail_patch")
def mail_patch(request: HttpRequest, response: HttpResponse, mail_id: PathId, payload: MailIn) -> Status[Any]:
    """Change only the fields sent (received_on, sender, kind, note). Honours If-Match."""
    actor = _actor(request)
    item = selectors.mail_get(actor=actor, mail_id=mail_id)
    data = payload.model_dump(exclude_unset=True)
    return _write(
        request,
        response,
        item,
        lambda v: services.mail_item_update(actor=actor, item=item, data=data, expected_version=v),
    )


@router.delete("/mail/{mail_id}", response={204: None, 412: ErrorOut, **ERRORS}, url_name="mail_delete")
def mail_delete(request: HttpRequest, response: HttpResponse, mail_id: PathId) -> Status[Any]:
    """Delete a mail item for good, its scan too (managers and administrators). Honours If-Match."""
    actor = _actor(request)
    item = selectors.mail_get(actor=actor, mail_id=mail_id)
    return _write(
        request, response, item, lambda v: services.mail_item_delete(actor=actor, item=item, expected_version=v)
    )


@router.post("/mail/{mail_id}/collect", response={200: MailOut, 412: ErrorOut, **BODY_ERRORS}, url_name="mail_collect")
def mail_collect(request: HttpRequest, response: HttpResponse, mail_id: PathId, payload: MailCollectIn) -> Status[Any]:
    """Hand the item over to a contact person of its client who may collect mail. Anyone else, or
    an item already collected or forwarded, is refused with 409. Honours If-Match."""
    actor = _actor(request)
    item = selectors.mail_get(actor=actor, mail_id=mail_id)
    return _write(request, response, item, lambda v: services.mail_item_collect(
        actor=actor, item=item, contact_id=payload.contact, expected_version=v))  # fmt: skip


@router.post("/mail/{mail_id}/forward", response={200: MailOut, 412: ErrorOut, **BODY_ERRORS}, url_name="mail_forward")
def mail_forward(request: HttpRequest, response: HttpResponse, mail_id: PathId, payload: MailForwardIn) -> Status[Any]:
    """Record that the item was sent on to an address. An item already collected or forwarded is
    refused with 409. Honours If-Match."""
    actor = _actor(request)
    item = selectors.mail_get(actor=actor, mail_id=mail_id)
    data = payload.model_dump(exclude_unset=True)
    return _write(request, response, item, lambda v: services.mail_item_forward(
        actor=actor, item=item, data=data, expected_version=v))  # fmt: skip


@router.post(
    "/mail/{mail_id}/scan",
    response={200: MailOut, 412: ErrorOut, **BODY_ERRORS},
    url_name="mail_scan_upload",
    include_in_schema=False,
)
def mail_scan_upload(
    request: HttpRequest, response: HttpResponse, mail_id: PathId, file: File[UploadedFile]
) -> Status[Any]:
    """Attach (or replace) the item's scan: multipart, one file `file`. Honours If-Match."""
    actor = _actor(request)
    item = selectors.mail_get(actor=actor, mail_id=mail_id)
    upload = ScanUpload(file=file, name=file.name or "")
    return _write(request, response, item, lambda v: services.mail_item_scan_attach(
        actor=actor, item=item, scan=upload, expected_version=v))  # fmt: skip


@router.get("/mail/{mail_id}/scan", response={200: None, **ERRORS}, url_name="mail_scan", include_in_schema=False)
def mail_scan_download(request: HttpRequest, mail_id: PathId) -> FileResponse:
    """Download the item's scan (404 when it has none), with its real content type."""
    item, path = selectors.mail_scan_get(actor=_actor(request), mail_id=mail_id)
    return scan_response(item, path)
