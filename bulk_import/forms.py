from django import forms
from django.utils.translation import gettext_lazy as _

MAX_CSV_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    csv_file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, one entry per row; see the columns below."))
    media_zip = forms.FileField(
        label=_("Media (zip)"), required=False, help_text=_("The files named in the “media” column, in one zip.")
    )
    dry_run = forms.BooleanField(label=_("Dry run: only check and report, write nothing"), required=False, initial=True)

    def clean_csv_file(self) -> str:
        uploaded = self.cleaned_data["csv_file"]
        if uploaded.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The CSV file is larger than 10 MB."), code="too_large")
        try:
            return uploaded.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The CSV file is not UTF-8 text."), code="not_utf8") from error

    def clean_media_zip(self):
        uploaded = self.cleaned_data.get("media_zip")
        if uploaded is not None and not uploaded.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("The media must come as a .zip file."), code="not_zip")
        return uploaded
