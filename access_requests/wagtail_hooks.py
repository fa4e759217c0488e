from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from access_requests import admin_urls
from access_requests.decisions import LOG_ACTIONS
from access_requests.rules import may_decide, may_read_file_log


@hooks.register("register_admin_urls")
def register_access_request_urls() -> list:
    return [path("access-requests/", include(admin_urls, namespace="access_requests_admin"))]


class DecidersOnlyMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_decide(request.user)


class FileLogReadersOnlyMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_read_file_log(request.user)


@hooks.register("register_admin_menu_item")
def register_access_request_menu_item() -> MenuItem:
    return DecidersOnlyMenuItem(
        _("Access requests"), reverse("access_requests_admin:queue"), icon_name="key", order=450
    )


@hooks.register("register_settings_menu_item")
def register_file_log_menu_item() -> MenuItem:
    return FileLogReadersOnlyMenuItem(
        _("Files served through grants"), reverse("access_requests_admin:file-log"), icon_name="list-ul", order=560
    )


@hooks.register("register_log_actions")
def register_access_log_actions(actions) -> None:
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
