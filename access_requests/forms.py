from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heritage.models import EntryPage

# The longest an officer may open an entry to one person at once.
LONGEST_GRANT = timedelta(days=2 * 365)


class AccessRequestForm(forms.Form):
    purpose = forms.CharField(
        label=_("Why do you ask for access?"),
        help_text=_("Your research or community purpose, and how you will use the material."),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class EndDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value) -> None:
        super().validate(value)
        today = timezone.localdate()
        if value is not None and value < today:
            raise forms.ValidationError(_("The end date cannot be in the past."), code="past")
        if value is not None and value > today + LONGEST_GRANT:
            raise forms.ValidationError(_("A grant lasts at most two years."), code="too_long")


class GrantForm(forms.Form):
    ends_on = EndDateField(label=_("Open until (inclusive)"))


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the requester)"), max_length=1000)


class DirectGrantForm(forms.Form):
    person = forms.CharField(label=_("Person (username or email)"), max_length=254)
    # One translation per entry (the archive's first language): a grant opens them all.
    entry = forms.ModelChoiceField(
        label=_("Entry"),
        queryset=EntryPage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE).order_by("title"),
    )
    ends_on = EndDateField(label=_("Open until (inclusive)"))

    def clean_person(self):
        value = self.cleaned_data["person"].strip()
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=value).first() or users.filter(email__iexact=value).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this username or email."), code="unknown")
        return user
