"""The entry editor's consent panel: each person's consent in force and, when consent
allows less than the access chosen for the entry, why the entry is narrower."""

from django.urls import reverse

from wagtail.admin.panels import Panel

from heritage.access import AccessLevel, opens_more_than


class ConsentPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "heritage/admin/consent_panel.html"

        def get_context_data(self, parent_context=None):
            from heritage.consent import consent_allows, records_in_force

            context = super().get_context_data(parent_context)
            entry = self.instance
            context["add_url"] = reverse("wagtailsnippets_heritage_consentrecord:add")
            if entry.pk is None:
                return context
            allowed = consent_allows(entry.translation_key)
            context["records"] = records_in_force(entry.translation_key)
            context["allowed_label"] = AccessLevel(allowed).label
            context["narrower"] = opens_more_than(entry.access_level, allowed)
            context["waits_for_publication"] = opens_more_than(allowed, entry.consent_level)
            return context
