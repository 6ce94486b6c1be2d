"""The e-mail that tells a task's creator it was completed, sent by the worker (`manage.py
db_worker`) after the completing transaction commits — never inside the request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from kartoteka.accounts.models import User
from kartoteka.planner.models import Task

EMAIL_TEMPLATE = "planner/email/task_done.txt"


@task()
def task_done_mail_task(*, task_id: int, recipient_id: int, language: str) -> None:
    found = Task.objects.select_related("client", "done_by").filter(pk=task_id).first()
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    # Deleted or reopened meanwhile, or the creator gone: there is nothing true left to tell.
    if found is None or found.done_at is None or recipient is None or not recipient.email:
        return
    from kartoteka.planner.services import task_link

    with translation.override(language):
        context = {
            "task": found,
            "recipient": recipient,
            "link": settings.KARTOTEKA_SITE_URL.rstrip("/") + task_link(found),
        }
        subject = translation.gettext("Task done: %(subject)s") % {"subject": found.subject}
        body = render_to_string(EMAIL_TEMPLATE, context)
    send_mail(" ".join(subject.split())[:200], body, None, [recipient.email])
