"""Settings → Client portal (Ustawienia → Panel klienta)."""

from django.utils.translation import gettext_lazy as _

from kartoteka.core.settings_pages import SettingsPage, register_settings_page

register_settings_page(
    SettingsPage(
        key="portal",
        label=_("Client portal"),
        url_name="portal_staff:settings",
        permission="portal.change_portalsettings",
        description=_("What clients may do in their portal, e.g. edit their contact details."),
        icon="person-badge",
        order=40,
    )
)
