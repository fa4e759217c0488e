"""The officer's import page in the admin: a CSV and a zip of media, a dry run first,
and the CSV template with every column."""

import csv
import io
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .columns import COLUMNS
from .forms import ImportForm
from .importer import import_entries, may_import
from .plan import ENTRY_TYPES
from .zip_media import UnsafeZipError, extract_media


def may_use_import(user) -> bool:
    return user.is_authenticated and any(may_import(user, model) for model in ENTRY_TYPES.values())


class ImportView(WagtailAdminTemplateMixin, FormView):
    form_class = ImportForm
    template_name = "bulk_import/import.html"
    page_title = _("Import entries")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_use_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(columns=COLUMNS, **kwargs)

    def form_valid(self, form: ImportForm) -> HttpResponse:
        with tempfile.TemporaryDirectory(prefix="heritage-import-") as folder:
            media_folder = Path(folder)
            if form.cleaned_data["media_zip"] is not None:
                try:
                    extract_media(form.cleaned_data["media_zip"], media_folder)
                except UnsafeZipError as error:
                    form.add_error("media_zip", str(error))
                    return self.form_invalid(form)
            report = import_entries(
                form.cleaned_data["csv_file"],
                media_folder,
                self.request.user,
                dry_run=form.cleaned_data["dry_run"],
                source_name=self.request.FILES["csv_file"].name,
            )
        return self.render_to_response(self.get_context_data(form=form, report=report))


def csv_template(request: HttpRequest) -> HttpResponse:
    """The columns and one example row, ready to fill in a spreadsheet."""
    if not may_use_import(request.user):
        raise PermissionDenied
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heritage-import-template.csv"'
    return response
