from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_bulk_import_urls() -> list:
    return [
        path("import/", views.ImportView.as_view(), name="bulk_import"),
        path("import/template.csv", views.csv_template, name="bulk_import_template"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return views.may_use_import(request.user)


@hooks.register("register_admin_menu_item")
def register_bulk_import_menu_item() -> MenuItem:
    return ImportMenuItem(_("Import entries"), reverse("bulk_import"), icon_name="upload", order=320)
