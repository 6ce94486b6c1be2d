"""JSON shapes of the tasks API. Input fields are optional at the schema level where the services
give the message (so it is the form's): the OpenAPI document still states every rule."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import Bool, Id, InputSchema, Text, documented
from kartoteka.clients.validation import SINGLE_LINE_NOT_BLANK_PATTERN
from kartoteka.planner.models import BODY_MAX, SUBJECT_MAX, Task
from kartoteka.planner.validation import DATE_PATTERN, MAX_ASSIGNEES, TIME_PATTERN

_BODY_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"  # tabs and line breaks may stay
SortName = Literal["due", "-due", "id", "-id", "client", "-client", "created", "-created"]


class TaskOut(Schema):
    id: int
    client: int = Field(description="The client's id.")
    client_name: str
    case: int | None = Field(description="The linked case's id (a case of the same client); null: none.")
    subject: str
    body: str
    due_date: dt.date
    due_time: str | None = Field(description="HH:MM; null: due all day.")
    assignees: list[int] = Field(description="Ids of the staff members it is assigned to.")
    assignee_names: list[str]
    created_by: int | None
    notify_creator: bool = Field(description="Its creator is told when someone else completes it.")
    done: bool
    done_at: dt.datetime | None
    done_by: int | None
    version: int = Field(description="Changes with every edit; send the ETag back as `If-Match`.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_client(obj: Task) -> int:
        return obj.client_id

    @staticmethod
    def resolve_client_name(obj: Task) -> str:
        return obj.client.display_name

    @staticmethod
    def resolve_case(obj: Task) -> int | None:
        return obj.case_id

    @staticmethod
    def resolve_due_time(obj: Task) -> str | None:
        return obj.due_time.strftime("%H:%M") if obj.due_time else None

    @staticmethod
    def resolve_assignees(obj: Task) -> list[int]:
        return sorted(user.pk for user in obj.assignees.all())

    @staticmethod
    def resolve_assignee_names(obj: Task) -> list[str]:
        return [str(user) for user in sorted(obj.assignees.all(), key=lambda user: user.pk)]

    @staticmethod
    def resolve_created_by(obj: Task) -> int | None:
        return obj.created_by_id

    @staticmethod
    def resolve_done(obj: Task) -> bool:
        return obj.is_done

    @staticmethod
    def resolve_done_by(obj: Task) -> int | None:
        return obj.done_by_id


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    count: int | None = Field(None, description="Tasks matching the filter; only with `count=true`.")


class TaskListParams(Schema):
    """The list's query parameters. The filter ones are parsed by TaskFilter, like the Zadania page's."""

    q: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",  # the search refuses control characters
        description="Search: words of the subject, the body or the client's name.",
    )
    client: int | None = Field(None, ge=1, le=2**63 - 1, description="Only this client's tasks.")
    assignee: int | None = Field(None, ge=1, le=2**63 - 1, description="Only tasks assigned to this staff member.")
    due_from: str | None = Field(
        None,
        pattern=DATE_PATTERN,
        description="Due on or after this day, YYYY-MM-DD.",
        json_schema_extra={"format": "date"},
    )
    due_to: str | None = Field(
        None,
        pattern=DATE_PATTERN,
        description="Due on or before this day, YYYY-MM-DD.",
        json_schema_extra={"format": "date"},
    )
    done: Literal["yes", "no", "all"] | None = Field(
        None, description="`no`: still to do; `yes`: done; `all` (default)."
    )
    sort: SortName | None = Field(None, description="due (default), id, client or created; `-` for descending.")
    cursor: str | None = Field(
        None, max_length=2000, description="`next_cursor` of the previous page (409 for one this list did not give)."
    )
    limit: int = Field(50, ge=1, le=200, description="Tasks per page, 1 to 200.")
    count: bool = Field(False, description="Also return the number of matching tasks.")


class TaskIn(InputSchema):
    """Change a task (PATCH): only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=documented(not_null=("subject", "due_date", "assignees", "notify_creator")),
    )

    subject: Text | None = Field(
        None,
        description="One line, at most 200 characters.",
        json_schema_extra={"maxLength": SUBJECT_MAX, "minLength": 1, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    body: Text | None = Field(None, json_schema_extra={"maxLength": BODY_MAX, "pattern": _BODY_PATTERN})
    due_date: Text | None = Field(
        None,
        description="The day it is due, YYYY-MM-DD.",
        json_schema_extra={"format": "date", "pattern": DATE_PATTERN},
    )
    due_time: Text | None = Field(
        None, description="HH:MM (24-hour clock); null or empty: all day.", json_schema_extra={"pattern": TIME_PATTERN}
    )
    assignees: list[Id] | None = Field(
        None,
        description="Ids of the staff members it is assigned to (404 for an unknown one); the caller when not given.",
        json_schema_extra={"minItems": 1, "maxItems": MAX_ASSIGNEES},
    )
    case: Id | None = Field(None, description="A case of the same client (404 for any other id); null: none.")
    notify_creator: Bool | None = Field(None, description="Tell the creator when someone else completes it.")


class TaskCreateIn(TaskIn):
    """Create a task for a client."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=documented(
            required=("client", "subject", "due_date"), not_null=("assignees", "notify_creator")
        ),
    )

    client: Id | None = Field(None, description="The client's id.")
