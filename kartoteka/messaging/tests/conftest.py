import pytest
from aiosmtpd.controller import Controller

from kartoteka.core.tests.smtp import Inbox, free_port, smtp_inbox


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def inbox(settings):
    """A real SMTP server on loopback; the worker's tasks run at once, when the transaction commits."""
    yield from smtp_inbox(settings)


class ScriptedInbox(Inbox):
    """An SMTP server that answers the first DATA commands with the given replies, then accepts."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__()
        self.replies = list(replies)
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.replies:
            self.refused += 1
            return self.replies.pop(0)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def scripted(settings, inbox):
    """Point Django's SMTP backend at a second server whose first answers the test scripts."""
    controllers = []

    def start(*replies: str) -> ScriptedInbox:
        box = ScriptedInbox(list(replies))
        controller = Controller(box, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        return box

    yield start
    for controller in controllers:
        controller.stop()
