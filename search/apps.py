from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Søgning")

    def ready(self):
        from committees.models import Committee, Municipality, Organisation
        from search.facets import facet_labels

        # Facet labels are kept for a minute; a change saved here is shown at once.
        for model in (Municipality, Committee, Organisation):
            for event, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(facet_labels.forget, sender=model, dispatch_uid=f"labels-{model.__name__}-{event}")
