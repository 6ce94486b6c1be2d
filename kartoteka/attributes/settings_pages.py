from django.utils.translation import gettext_lazy as _

from kartoteka.core.settings_pages import SettingsPage, register_settings_page

register_settings_page(
    SettingsPage(
        key="attributes",
        label=_("Client attributes"),
        url_name="attributes:list",
        permission="attributes.change_attribute",
        description=_("Your own fields on the client's card: text, number, date, yes/no, lists."),
        icon="tags",
        order=10,
    )
)
