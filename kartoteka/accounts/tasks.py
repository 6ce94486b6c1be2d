"""Password-reset mail, sent by the worker (`manage.py db_worker`), not during the request.

The request enqueues this for every address it accepts, known or not, and the worker looks the
address up: both answers then cost the same, and the time an SMTP server takes tells a caller
nothing about which addresses have accounts.
"""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django_tasks import task

EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


@task()
def password_reset_mail_task(*, email: str, domain: str, use_https: bool, language: str) -> None:
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
        )
