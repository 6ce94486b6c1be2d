from django.apps import AppConfig


class AttributesConfig(AppConfig):
    name = "kartoteka.attributes"
    label = "attributes"
    verbose_name = "Custom attributes"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kartoteka.attributes import filters
        from kartoteka.audit.titles import register_event_titles

        filters.register()  # ClientFilter's `attr.<key>` parameters
        register_event_titles(
            {
                "attributes.value.bulk_set": _("Attribute set (bulk action)"),
                "attributes.value.bulk_cleared": _("Attribute cleared (bulk action)"),
                "attributes.attribute.created": _("Attribute defined: %(name)s"),
                "attributes.attribute.updated": _("Attribute changed"),
                "attributes.attribute.deleted": _("Attribute deleted: %(name)s"),
            }
        )
