"""REST API of the client registry: clients, their notes, groups and labels (R21).

Every endpoint makes one selector or service call; the services check permissions, validate and
write the audit log, so the API behaves exactly like the web UI. Errors are translated to HTTP by
the handlers in kartoteka.api.api (422 per-field messages, 404, 403, 409); a stale If-Match is 412.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Status

from kartoteka.accounts.models import User
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, ErrorOut, PathId
from kartoteka.attributes.selectors import clients_with_attributes
from kartoteka.clients import selectors, services
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, Note
from kartoteka.clients.schemas import (
    CLIENT_INPUT_FIELDS,
    ClientCreateIn,
    ClientIn,
    ClientListParams,
    ClientOut,
    ClientPage,
    ColouredSetCreateIn,
    ColouredSetIn,
    ColouredSetOut,
    ColouredSetPage,
    ConflictOut,
    NoteIn,
    NoteOut,
    NotePage,
    StatusIn,
)

router = Router(tags=["clients"])

LIST_PARAMETERS = ("cursor", "limit", "count")  # besides the filter's own, parsed by ClientListParams
WRITE_ERRORS: dict[int, Any] = {**BODY_ERRORS, 409: ConflictOut}


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


# --- clients ---------------------------------------------------------------------


@router.get("/clients", response={200: ClientPage, **ERRORS}, exclude_unset=True, url_name="clients")
def client_list(request: HttpRequest, params: Query[ClientListParams]) -> dict[str, Any]:
    """Clients matching the filter, one page at a time (keyset pagination; archived clients are not listed).

    Custom attributes filter with `attr.<key>=value` (equals), `attr.<key>__in=a,b` (one of),
    `attr.<key>__gte=` / `attr.<key>__lte=` (from / to: numbers, dates) and
    `attr.<key>__isnull=true|false` (not set / set); keys and types: `GET /api/attributes`.
    """
    actor = _actor(request)
    # The same parsing as the web list; unknown names are refused (`?grup=3` must not list everyone).
    filters = ClientFilter.from_params(request.GET, strict=True, allow=LIST_PARAMETERS)
    page = selectors.client_list(actor=actor, filters=filters, cursor=params.cursor, limit=params.limit)
    result: dict[str, Any] = {"items": clients_with_attributes(page.items), "next_cursor": page.next_cursor}
    if params.count:
        result["count"] = selectors.client_count(actor=actor, filters=filters)
    return result


def _duplicates_error(exc: services.PossibleDuplicates) -> dict[str, Any]:
    return {
        "detail": exc.message,
        "duplicates": [{"id": c.pk, "name": c.display_name, "email": c.email} for c in exc.duplicates],
    }


@router.post("/clients", response={201: ClientOut, **WRITE_ERRORS}, url_name="client_create")
def client_create(request: HttpRequest, payload: ClientCreateIn) -> Status[Any]:
    """Create a client (source `api`). Answers 409 with the possible duplicates unless `allow_duplicates`."""
    given = payload.model_dump(exclude_unset=True)
    try:
        client = services.client_create(
            actor=_actor(request),
            data={name: given[name] for name in CLIENT_INPUT_FIELDS if name in given},
            groups=payload.groups or [],
            labels=payload.labels or [],
            source=Client.Source.API,
            allow_duplicates=payload.allow_duplicates,
            attributes=payload.attributes or {},
        )
    except services.PossibleDuplicates as exc:
        return Status(409, _duplicates_error(exc))
    return Status(201, client)


# --- versions: ETag / If-Match ----------------------------------------------------------
# The ETag is a strong validator of the client's version: "<id>-<version>". Every write to the
# client (an edit, a status change, archive, a bulk action) raises the version.

IF_MATCH: Any = Header(  # type: ignore[type-arg]
    None,
    alias="If-Match",
    description="The ETag from your GET: the change is refused with 412 if the client changed since. "
    "Without it, PATCH/PUT apply to the client as it is now (only the fields whose value differs are written).",
)
VERSIONED_WRITE_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 412: ErrorOut}


def _etag(client: Client) -> str:
    return f'"{client.pk}-{client.version}"'


def _expected_version(if_match: str | None, client: Client) -> int | None:
    """The version an If-Match asks for: None for none or `*`; 0 (never current) when no tag can match."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = []
    for tag in if_match.split(","):
        match = re.fullmatch(rf'"{client.pk}-([0-9]{{1,18}})"', tag.strip())  # a weak W/ tag never matches
        if match:
            versions.append(int(match.group(1)))
    return client.version if client.version in versions else 0


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS}, url_name="client")
def client_get(request: HttpRequest, response: HttpResponse, client_id: PathId) -> Client:
    """One client; the `ETag` header is its version, to send back as `If-Match` when changing it."""
    client = selectors.client_get(actor=_actor(request), client_id=client_id)
    response["ETag"] = _etag(client)
    return client


def _client_update(
    request: HttpRequest,
    response: HttpResponse,
    client_id: int,
    payload: ClientIn,
    if_match: str | None,
    *,
    partial: bool,
) -> Status[Any]:
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    given = payload.model_dump(exclude_unset=partial)
    try:
        client = services.client_update(
            actor=actor,
            client=client,
            data={name: given[name] for name in CLIENT_INPUT_FIELDS if name in given},
            groups=payload.groups if partial else (payload.groups or []),
            labels=payload.labels if partial else (payload.labels or []),
            allow_duplicates=payload.allow_duplicates,
            expected_version=_expected_version(if_match, client),
            attributes=payload.attributes if partial else (payload.attributes or {}),
            replace_attributes=not partial,
        )
    except services.PossibleDuplicates as exc:
        return Status(409, _duplicates_error(exc))
    except services.StaleEdit as exc:
        response["ETag"] = _etag(exc.client)
        return Status(412, {"detail": exc.message})
    response["ETag"] = _etag(client)
    return Status(200, client)


@router.patch("/clients/{client_id}", response={200: ClientOut, **VERSIONED_WRITE_ERRORS}, url_name="client_patch")
def client_patch(
    request: HttpRequest, response: HttpResponse, client_id: PathId, payload: ClientIn, if_match: str | None = IF_MATCH
) -> Status[Any]:
    """Change only the fields sent; `groups` / `labels`, when sent, replace the client's sets.

    A change made meanwhile by someone else to other fields is kept. With `If-Match`, a client
    changed since your GET is not changed (412, with the current `ETag`).
    """
    return _client_update(request, response, client_id, payload, if_match, partial=True)


@router.put("/clients/{client_id}", response={200: ClientOut, **VERSIONED_WRITE_ERRORS}, url_name="client_put")
def client_put(
    request: HttpRequest,
    response: HttpResponse,
    client_id: PathId,
    payload: ClientCreateIn,
    if_match: str | None = IF_MATCH,
) -> Status[Any]:
    """Replace the client's fields: a field not sent becomes empty, groups and labels become `[]`.

    Send `If-Match` so that you replace what you read: without it, a change made meanwhile by
    someone else is overwritten by your values.
    """
    return _client_update(request, response, client_id, payload, if_match, partial=False)


@router.post("/clients/{client_id}/status", response={200: ClientOut, **BODY_ERRORS}, url_name="client_status")
def client_set_status(request: HttpRequest, client_id: PathId, payload: StatusIn) -> Client:
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    return services.client_set_status(actor=actor, client=client, status=payload.status or "")


# --- notes -----------------------------------------------------------------------


@router.get("/clients/{client_id}/notes", response={200: NotePage, **ERRORS}, tags=["notes"])
def note_list(request: HttpRequest, client_id: PathId) -> dict[str, Any]:
    """The client's notes, newest first (all of them: `next_cursor` is always null)."""
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    notes = selectors.client_notes(actor=actor, client=client)
    return {"items": list(notes), "next_cursor": None}


@router.post("/clients/{client_id}/notes", response={201: NoteOut, **BODY_ERRORS}, tags=["notes"])
def note_create(request: HttpRequest, client_id: PathId, payload: NoteIn) -> Status[Note]:
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    return Status(201, services.note_create(actor=actor, client=client, text=payload.text or ""))


def _note(request: HttpRequest, client_id: int, note_id: int) -> Note:
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    return selectors.note_get(actor=actor, client=client, note_id=note_id)


@router.patch("/clients/{client_id}/notes/{note_id}", response={200: NoteOut, **BODY_ERRORS}, tags=["notes"])
def note_update(request: HttpRequest, client_id: PathId, note_id: PathId, payload: NoteIn) -> Note:
    """Change a note's text: your own notes, or anyone's with the `moderate_note` permission."""
    note = _note(request, client_id, note_id)
    return services.note_update(actor=_actor(request), note=note, text=payload.text or "")


@router.delete("/clients/{client_id}/notes/{note_id}", response={204: None, **ERRORS}, tags=["notes"])
def note_delete(request: HttpRequest, client_id: PathId, note_id: PathId) -> Status[None]:
    """Delete a note: your own notes, or anyone's with the `moderate_note` permission."""
    services.note_delete(actor=_actor(request), note=_note(request, client_id, note_id))
    return Status(204, None)


# --- groups and labels -------------------------------------------------------------
# Both are named, coloured sets with the same endpoints; only the model and the services differ.

_SET_KINDS: dict[str, dict[str, Any]] = {
    "groups": {"all": selectors.groups_all, "get": selectors.group_get,
               "create": services.group_create,
               "update": services.group_update, "delete": services.group_delete},
    "labels": {"all": selectors.labels_all, "get": selectors.label_get,
               "create": services.label_create,
               "update": services.label_update, "delete": services.label_delete},
}  # fmt: skip


def _register_set_endpoints(kind: str, spec: dict[str, Any]) -> None:
    singular = kind[:-1]

    def get_one(request: HttpRequest, pk: int) -> Any:
        return spec["get"](actor=_actor(request), **{f"{singular}_id": pk})

    @router.get(f"/{kind}", response={200: ColouredSetPage, **ERRORS}, tags=[kind], operation_id=f"{kind}_list")
    def list_all(request: HttpRequest) -> dict[str, Any]:
        return {"items": list(spec["all"](actor=_actor(request))), "next_cursor": None}

    @router.post(
        f"/{kind}", response={201: ColouredSetOut, **BODY_ERRORS}, tags=[kind], operation_id=f"{singular}_create"
    )
    def create(request: HttpRequest, payload: ColouredSetCreateIn) -> Status[Any]:
        data = {k: v or "" for k, v in payload.model_dump().items()}
        return Status(201, spec["create"](actor=_actor(request), data=data))

    @router.get(
        f"/{kind}/{{pk}}", response={200: ColouredSetOut, **ERRORS}, tags=[kind], operation_id=f"{singular}_get"
    )
    def read(request: HttpRequest, pk: PathId) -> Any:
        return get_one(request, pk)

    @router.patch(
        f"/{kind}/{{pk}}", response={200: ColouredSetOut, **BODY_ERRORS}, tags=[kind], operation_id=f"{singular}_update"
    )
    def update(request: HttpRequest, pk: PathId, payload: ColouredSetIn) -> Any:
        obj = get_one(request, pk)
        data = {"name": obj.name, "color": obj.color, **payload.model_dump(exclude_unset=True)}
        return spec["update"](actor=_actor(request), data=data, **{singular: obj})

    @router.delete(f"/{kind}/{{pk}}", response={204: None, **ERRORS}, tags=[kind], operation_id=f"{singular}_delete")
    def delete(request: HttpRequest, pk: PathId) -> Status[None]:
        """Delete it; its clients stay, only their membership goes."""
        spec["delete"](actor=_actor(request), **{singular: get_one(request, pk)})
        return Status(204, None)


for _kind, _spec in _SET_KINDS.items():
    _register_set_endpoints(_kind, _spec)
