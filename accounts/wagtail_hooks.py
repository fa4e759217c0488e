from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import admin_urls
from accounts.approval import may_approve


@hooks.register("register_admin_urls")
def register_researcher_approval_urls() -> list:
    return [path("researchers/", include(admin_urls, namespace="accounts_admin"))]


class ApproversOnlyMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_approve(request.user)


@hooks.register("register_settings_menu_item")
def register_researcher_approval_menu_item() -> MenuItem:
    return ApproversOnlyMenuItem(
        _("Researchers to approve"), reverse("accounts_admin:pending"), icon_name="user", order=550
    )
