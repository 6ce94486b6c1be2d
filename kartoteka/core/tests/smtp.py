"""A real SMTP server on loopback for tests that check an e-mail arrives (aiosmtpd), shared by the apps.

`smtp_inbox(settings)` starts it, points Django's SMTP backend at it and has django-tasks run
enqueued tasks at once (the worker's mail is sent when the transaction commits); it yields the
`Inbox` whose `messages` are what the server received.
"""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp_inbox(settings: Any) -> Iterator[Inbox]:
    """Use as a pytest fixture body: `yield from smtp_inbox(settings)`."""
    settings.TASKS = IMMEDIATE
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield box
    finally:
        controller.stop()


def body_text(message: Message) -> str:
    """The text of a message (its first part when it has several)."""
    part = message if not message.is_multipart() else message.get_payload(0)
    assert isinstance(part, Message)
    return str(part.get_payload(decode=True).decode())  # type: ignore[union-attr]
