"""REST API of bulk actions and the archive.

`POST /api/clients/bulk/{action}` is generated from the bulk-action registry: one endpoint per
action, each with its own parameters in the OpenAPI schema. It answers 200 with the report when
the selection is small, or 202 with the job to poll (`GET /api/jobs/{id}`) when it is large.
"""

from typing import Any, Literal, cast

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, create_model, field_validator

from kartoteka.accounts.models import User
from kartoteka.api.schemas import BODY_ERRORS, ERRORS, MAX_ID, Id, InputSchema, Int, PathId, Text, documented
from kartoteka.bulk import services
from kartoteka.bulk.registry import ARCHIVE, BulkAction, Report, all_actions
from kartoteka.clients import selectors
from kartoteka.clients import services as client_services
from kartoteka.clients.api import LIST_PARAMETERS
from kartoteka.clients.api import router as clients_router
from kartoteka.clients.filters import PARAMETERS, ClientFilter
from kartoteka.clients.models import Client
from kartoteka.clients.schemas import ClientListParams, ClientOut, ClientPage
from kartoteka.core.errors import ApplicationError

router = Router(tags=["bulk actions"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _one_of_ids_or_filter(schema: dict[str, Any]) -> None:
    """In the OpenAPI document: exactly one of `ids` and `filter`, neither null (the service refuses it)."""
    schema["oneOf"] = [
        {"required": ["ids"], "not": {"required": ["filter"]}},
        {"required": ["filter"], "not": {"required": ["ids"]}},
    ]
    documented(not_null=("ids", "filter"))(schema)
    schema["properties"]["ids"]["minItems"] = 1
    # The filter's names are the list's query parameters; any other name is refused.
    value = {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
    schema["properties"]["filter"].update(properties=dict.fromkeys(PARAMETERS, value), additionalProperties=False)


class BulkIn(InputSchema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_of_ids_or_filter)

    @field_validator("ids", "filter", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # `null` is not "not sent": {"ids": null, "filter": {...}} must not pass as a filter alone.
        if value is None:
            raise ValueError("Leave the field out instead of sending null.")
        return value

    ids: list[Id] | None = Field(
        None, max_length=10_000, description="The clients to act on; or send `filter` instead."
    )
    filter: dict[Text, Text | Int | None] | None = Field(
        None,
        description="Every client matching the list's filter: the list's query parameters "
        "(q, status, group, label, created_from, created_to, `attr.<key>...`), "
        'e.g. `{"group": 3}`; `{}` means what the list '
        "shows without parameters (the client list: active clients). Unknown names are refused.",
    )
    confirm_count: Int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="Required by final actions (delete): the number of selected clients, as confirmation.",
    )


class ReportOut(Schema):
    action: str
    selected: int = Field(description="Clients in the selection.")
    changed: int
    skipped: dict[str, int] = Field(description="Clients left alone, by reason (e.g. `already_archived`).")


class FileReportOut(ReportOut):
    job_id: int = Field(description="The job that wrote the file (an export's id).")
    status_url: str = Field(description="The job's status.")
    download_url: str = Field(description="The file, for you only, until it expires.")


class JobAcceptedOut(Schema):
    job_id: int
    status: str
    total: int
    url: str = Field(description="Poll this for progress and the report.")


def _add_bulk_endpoint(action: BulkAction) -> None:
    list_name = action.lists[0]
    # Lazy descriptions: the document renders them in its request's language, not the importer's.
    described: dict[str, Any] = {p.name: p.description or p.label for p in action.params}
    fields: dict[str, Any] = {
        p.name: (
            p.api_type or (Id | None if p.coerce is int else Text | None),
            Field(None, description=described[p.name], json_schema_extra=dict(p.schema or {})),
        )
        for p in action.params
    }
    required = tuple(p.name for p in action.params if p.required) + (("confirm_count",) if action.final else ())
    if len(action.lists) > 1:  # e.g. export: from the client list (the default) or the archive
        list_type: Any = Literal[action.lists]
        fields["list"] = (
            list_type,
            Field(
                list_name,
                description="The list the clients are selected from, as in the web UI: `clients` (the client "
                "list, the default) or `archive`; `ids` outside it are skipped, `filter` has that list's meaning.",
            ),
        )

    def rules(schema: dict[str, Any]) -> None:
        _one_of_ids_or_filter(schema)
        documented(required=required)(schema)

    class ActionIn(BulkIn):
        model_config = ConfigDict(extra="forbid", json_schema_extra=rules)

    payload_schema = create_model(f"Bulk_{action.name}_In", __base__=ActionIn, **fields)

    def endpoint(request: HttpRequest, payload: Any) -> Status[Any]:
        data = payload.model_dump()
        chosen = data.get("list") or list_name
        selection = services.selection_from(list_name=chosen, ids=data["ids"], filter_params=data["filter"])
        outcome = services.bulk_run(
            actor=_actor(request),
            action_name=action.name,
            list_name=chosen,
            selection=selection,
            params={p.name: data.get(p.name) for p in action.params},
            confirm_count=data["confirm_count"],
        )
        job = outcome.job
        output = action.output
        if job is not None and output is not None and job.is_finished:  # a file written at once
            if job.status != job.Status.SUCCEEDED:
                raise ApplicationError(job.error or _("The export failed."))
            urls = {
                "status_url": output.status_url.format(id=job.pk),
                "download_url": output.file_url.format(id=job.pk),
            }
            return Status(
                200, {"action": action.name, **Report.from_dict(job.result).as_dict(), "job_id": job.pk, **urls}
            )
        if job is not None:
            url = output.status_url.format(id=job.pk) if output is not None else f"/api/jobs/{job.pk}"
            return Status(202, {"job_id": job.pk, "status": job.status, "total": job.total, "url": url})
        return Status(200, {"action": action.name, **(outcome.report or {})})

    endpoint.__annotations__ = {"request": HttpRequest, "payload": payload_schema, "return": Status[Any]}
    endpoint.__name__ = f"bulk_{action.name}"
    with translation.override("en"):
        summary = str(action.label)
        lists = " or ".join("archive" if name == ARCHIVE else "client list" for name in action.lists)
        doc = f"{summary} ({lists}; needs `{action.permission}`)."
    router.post(
        f"/clients/bulk/{action.name}",
        response={200: FileReportOut if action.output else ReportOut, 202: JobAcceptedOut, **BODY_ERRORS},
        summary=summary,
        description=doc,
        url_name=f"bulk_{action.name}",
    )(endpoint)


for _action in all_actions():
    _add_bulk_endpoint(_action)


@router.post("/clients/{client_id}/archive", response={200: ClientOut, **ERRORS}, tags=["archive"])
def client_archive(request: HttpRequest, client_id: PathId) -> Client:
    """Move the client to the archive: inactive, off the client list, not deleted."""
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    return client_services.client_archive(actor=actor, client=client)


@router.post("/clients/{client_id}/restore", response={200: ClientOut, **ERRORS}, tags=["archive"])
def client_restore(request: HttpRequest, client_id: PathId) -> Client:
    """Bring an archived client back to the client list, active again."""
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    return client_services.client_restore(actor=actor, client=client)


# On the clients router: Django resolves one URL pattern per path, so every method of
# /clients/{client_id} has to live on the router that owns that path.
@clients_router.delete(
    "/clients/{client_id}", response={204: None, **ERRORS}, tags=["archive"], url_name="client_delete"
)
def client_delete(request: HttpRequest, client_id: PathId) -> Status[None]:
    """Delete an archived client permanently, with its notes and memberships (administrators only)."""
    actor = _actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    client_services.client_delete(actor=actor, client=client)
    return Status(204, None)


@router.get("/archive", response={200: ClientPage, **ERRORS}, exclude_unset=True, tags=["archive"], url_name="archive")
def archive_list(request: HttpRequest, params: Query[ClientListParams]) -> dict[str, Any]:
    """Archived clients: the same parameters and envelope as `GET /api/clients` (status defaults to `all`)."""
    actor = _actor(request)
    filters = ClientFilter.from_params(request.GET, archived=True, strict=True, allow=LIST_PARAMETERS)
    page = selectors.client_list(actor=actor, filters=filters, cursor=params.cursor, limit=params.limit)
    result: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
    if params.count:
        result["count"] = selectors.client_count(actor=actor, filters=filters)
    return result
