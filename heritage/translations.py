"""wagtail-localize's "Update translations" view, without its "Publish immediately" for
people who may not publish. wagtail-localize checks only its own `submit_translation`
permission there (which officers hold) and publishes without naming a user, so Wagtail
never checks; officers keep the update itself (new source strings for translators)."""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.urls import path

from wagtail import hooks
from wagtail_localize.models import TranslationSource
from wagtail_localize.views import update_translations

from heritage.publishing import may_publish


def may_publish_translations(user, source: TranslationSource) -> bool:
    """Whether `user` may publish the source object and every translation made from it."""
    instances = [source.get_source_instance()]
    for translation in source.translations.filter(enabled=True):
        try:
            instances.append(translation.get_target_instance())
        except ObjectDoesNotExist:
            continue  # created on update, under a parent checked like any new page
    return all(may_publish(user, instance) for instance in instances)


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    def get_form(self):
        form = super().get_form()
        if not may_publish_translations(self.request.user, self.object):
            # Disabled: a posted "on" is ignored and the box is not shown.
            field = form.fields["publish_translations"]
            field.disabled = True
            field.widget = forms.HiddenInput()
        return form


@hooks.register("register_admin_urls", order=-1)
def urls() -> list:
    """Placed before wagtail-localize's own admin URLs, so this view answers at its address.
    Registered when the app is ready (heritage/apps.py)."""
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            UpdateTranslationsView.as_view(),
            name="heritage_update_translations",
        ),
    ]
