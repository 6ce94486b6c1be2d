"""JSON shapes of the messages API. The schemas refuse only what is not even the right shape; the
services judge the values (a template's syntax and variables, the recipient's address) and answer
with a message per field, the same as the web forms'. The document states the same rules."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kartoteka.api.schemas import Id, InputSchema, Text, documented
from kartoteka.clients.validation import MULTI_LINE_NOT_BLANK_PATTERN, SINGLE_LINE_NOT_BLANK_PATTERN
from kartoteka.messaging.models import SUBJECT_MAX, Message
from kartoteka.messaging.templating import BODY_TEMPLATE_MAX, SUBJECT_TEMPLATE_MAX
from kartoteka.messaging.validation import BODY_MAX

# A message template is a language of its own (messaging.templating): the document names it as a
# format; the contract run draws valid templates for it (fuzz_hooks.py), the way it draws phones.
TEMPLATE_FORMAT = "message-template"
_BODY_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

SUBJECT_TEMPLATE_RULES: dict[str, Any] = {
    "format": TEMPLATE_FORMAT, "minLength": 1, "maxLength": SUBJECT_TEMPLATE_MAX,
    "pattern": SINGLE_LINE_NOT_BLANK_PATTERN,
}  # fmt: skip
BODY_TEMPLATE_RULES: dict[str, Any] = {
    "format": TEMPLATE_FORMAT, "minLength": 1, "maxLength": BODY_TEMPLATE_MAX, "pattern": MULTI_LINE_NOT_BLANK_PATTERN,
}  # fmt: skip


class MessageOut(Schema):
    id: int
    client: int = Field(description="Id of the client the message was sent to (or about, for a business card).")
    kind: Literal["message", "vcard"] = Field(description="`message` (bulk) or `vcard` (a business card).")
    recipient: str
    subject: str
    body: str
    status: Literal["queued", "sending", "sent", "failed", "skipped"]
    attempts: int
    next_attempt_at: dt.datetime | None = Field(description="When a queued message is (re)tried; null otherwise.")
    last_error: str = Field(description="The mail server's answer to the last failed attempt; empty when none.")
    created_at: dt.datetime
    sent_at: dt.datetime | None
    sent_by: int | None = Field(description="Id of the staff member who sent it.")
    job: int | None = Field(description="Id of the bulk job that queued it (null for a business card).")

    @staticmethod
    def resolve_client(obj: Message) -> int:
        return obj.client_id

    @staticmethod
    def resolve_sent_by(obj: Message) -> int | None:
        return obj.sent_by_id

    @staticmethod
    def resolve_job(obj: Message) -> int | None:
        return obj.job_id

    @staticmethod
    def resolve_next_attempt_at(obj: Message) -> dt.datetime | None:
        return obj.next_attempt_at if obj.status == Message.Status.QUEUED else None


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class MessageListParams(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Messages per page, 1 to 200.")


class PreviewIn(InputSchema):
    """A subject and a body template, rendered for one client; nothing is stored or sent."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("client_id", "subject", "body")))

    client_id: Id | None = Field(None, description="The client to render the message for.")
    subject: Text | None = Field(
        None, description="The subject template (one line).", json_schema_extra=SUBJECT_TEMPLATE_RULES
    )
    body: Text | None = Field(None, description="The body template.", json_schema_extra=BODY_TEMPLATE_RULES)


class PreviewOut(Schema):
    client: int
    recipient: str
    subject: str
    body: str

    @staticmethod
    def resolve_client(obj: dict[str, Any]) -> int:
        return int(obj["client"].pk)


class VariableOut(Schema):
    name: str = Field(description="Used as `{{ client.<name> }}`.")
    label: str


class VcardSendIn(InputSchema):
    """The business card by e-mail: to whom, with what subject and text (defaults when left out)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=documented(required=("recipient",)))

    recipient: Text | None = Field(
        None, description="The recipient's e-mail address.", json_schema_extra={"format": "email", "maxLength": 254}
    )
    subject: Text | None = Field(
        None,
        description='One line; left out: "Wizytówka: <client>" (in the request\'s language).',
        json_schema_extra={"minLength": 1, "maxLength": SUBJECT_MAX, "pattern": SINGLE_LINE_NOT_BLANK_PATTERN},
    )
    body: Text | None = Field(
        None,
        description="The e-mail's text; left out: a short default.",
        json_schema_extra={"maxLength": BODY_MAX, "pattern": _BODY_TEXT_PATTERN},
    )
    version: Text | None = Field(
        None, description="vCard version of the attachment; 3.0 by default.", json_schema_extra={"enum": ["3.0", "4.0"]}
    )
