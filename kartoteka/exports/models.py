from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportPreference(models.Model):
    """A user's last export choice: the format and the columns in their order, offered next time."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=20, default="xlsx")
    columns = models.JSONField(_("columns"), default=list)  # column keys, in the order chosen
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("export preference")
        verbose_name_plural = _("export preferences")
        default_permissions = ()
        permissions = [("export_clients", "Can export clients to files")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.format} {','.join(self.columns)}"
