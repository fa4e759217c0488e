"""Content-Security-Policy per area: public pages get the strict policy from settings;
Wagtail's admin, which relies on inline scripts and styles and previews pages in a
same-origin frame, gets those allowed."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from critical_css.inline import critical_css_source

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_UPDATE = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}
ADMIN_REPLACE = {"frame-ancestors": ["'self'"]}


class ArchiveCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(ADMIN_PREFIXES):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_UPDATE.items():
                update[directive] = [*update.get(directive, []), *sources]
            if upload_origin := _upload_server_origin():
                update["connect-src"] = [*update.get("connect-src", []), upload_origin]
            parts.update = update
            parts.replace = {**(parts.replace or {}), **ADMIN_REPLACE}
        else:
            # Only here: beside a hash, browsers ignore the admin's 'unsafe-inline'.
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), critical_css_source()]
            parts.update = update
        return parts


def _upload_server_origin() -> str:
    """tusd's origin when it has its own port (as under `make run`); nothing when it is
    proxied under the archive's own origin."""
    address = urlsplit(settings.UPLOADS_TUSD_URL)
    return f"{address.scheme}://{address.netloc}" if address.scheme and address.netloc else ""
