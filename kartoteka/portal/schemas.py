"""JSON shapes of the portal-users API (the service judges the values, the document states its rules)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import InputSchema, Text, documented
from kartoteka.clients.validation import SINGLE_LINE_NOT_BLANK_PATTERN, SINGLE_LINE_PATTERN
from kartoteka.portal.models import PortalUser


class PortalUserOut(Schema):
    id: int
    client: int = Field(description="Id of the client the portal user logs in for.")
    email: str = Field(description="The login; lower-case.")
    name: str
    state: Literal["invited", "active", "blocked"] = Field(
        description="`invited`: the password is not set yet; `active`: may log in; `blocked`: may not."
    )
    invited_at: dt.datetime | None
    activated_at: dt.datetime | None = Field(description="When the password was first set; null until then.")
    blocked_at: dt.datetime | None
    last_login: dt.datetime | None

    @staticmethod
    def resolve_client(obj: PortalUser) -> int:
        return obj.client_id

    @staticmethod
    def resolve_state(obj: PortalUser) -> str:
        return "blocked" if obj.is_blocked else "active" if obj.is_activated else "invited"


class PortalUserList(Schema):
    items: list[PortalUserOut]


class PortalUserInviteIn(InputSchema):
    """Invite a person to the client's portal: an e-mail with a one-time link to set a password."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("email",), not_null=("email",)))

    email: Text | None = Field(
        None,
        description="Stored lower-case; the login.",
        json_schema_extra={
            "maxLength": 254,
            "minLength": 1,
            "pattern": SINGLE_LINE_NOT_BLANK_PATTERN,
            "format": "email",
        },
    )
    name: Text | None = Field(
        None, description="Optional.", json_schema_extra={"maxLength": 200, "pattern": SINGLE_LINE_PATTERN}
    )
