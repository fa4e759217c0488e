"""Public views: Wagtail's page view, routed from the structure kept per generation;
stable citation links, Wagtail's password form for the page it guards only, and the
health check."""

import hmac
import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from wagtail import views as wagtail_views
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import PageViewRestriction
from wagtail.wagtail_hooks import require_wagtail_login

from heritage.access import holds_grant, may_ask_for_access, may_ask_to_sign_in, visible_to
from heritage.addresses import current_language
from heritage.models import EntryPage
from heritage.structure import localized_root, page_for_serving, site_for_request

logger = logging.getLogger(__name__)

# Read, never written, by the public health check: whether it exists does not matter.
STORAGE_PROBE_NAME = "healthz/probe.txt"


def serve_page(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, with the site, the localized root page and the pages above an
    entry taken from the structure (heritage/structure.py) rather than asked of the
    database level by level: Wagtail reads the route this leaves on the request."""
    if not hasattr(request, "_wagtail_route_for_request"):
        site = site_for_request(request)
        request._wagtail_site = site
        language = get_supported_content_language_variant(get_language())
        root = localized_root(site, language) if site is not None else None
        route = None
        if root is not None:
            try:
                route = page_for_serving(root).route(request, [part for part in path.split("/") if part])
            except Http404:
                pass
        request._wagtail_route_for_request = route
    return wagtail_views.serve(request, path)


def entry_permalink(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """`/e/<key>/`: the citable link of an entry, in whatever language the visitor reads.
    An entry the visitor may not see is not found, as an unknown key, unless they hold an
    access grant to it (grants open entries by address only); an anonymous visitor of a
    researchers-only entry is asked to sign in, and comes back here."""
    translations = EntryPage.objects.filter(translation_key=key).select_related("locale")
    visible = visible_to(translations, request.user)
    language = current_language()
    page = visible.filter(locale__language_code=language).first() or visible.first()
    if page is not None:
        return redirect(page.url)
    live = list(translations.live())
    hidden = next((page for page in live if page.locale.language_code == language), live[0] if live else None)
    if hidden is not None and holds_grant(request.user, hidden):
        return redirect(hidden.url)
    if hidden is not None and may_ask_to_sign_in(request.user, hidden):
        return require_wagtail_login(next=request.get_full_path())
    if hidden is not None and may_ask_for_access(request.user, hidden):
        # Not to its address: that would name it.
        return render(request, "heritage/researchers_only.html", {"entry": hidden}, status=403)
    raise Http404


def authenticate_with_password(request: HttpRequest, page_view_restriction_id: int, page_id: int) -> HttpResponse:
    """Wagtail's password form for a page, only for a password restriction on that very
    page; any other pair of numbers is not found, so the form never names a page it does
    not guard. (The archive restricts entries by group; see heritage/access.py.)"""
    if not PageViewRestriction.objects.filter(
        pk=page_view_restriction_id, page_id=page_id, restriction_type=PageViewRestriction.PASSWORD
    ).exists():
        raise Http404
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _check_storage_answers() -> dict:
    """One cheap read (a HEAD on S3): the storage is reachable, with nothing written."""
    default_storage.exists(STORAGE_PROBE_NAME)
    return {"ok": True}


def _check_storage_round_trip() -> dict:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def _check_worker() -> dict:
    """The media worker is healthy when nothing has waited for it longer than allowed."""
    backend = settings.TASKS["media"]["BACKEND"]
    if backend.startswith("django_tasks_rq"):
        from django_rq import get_connection
        from rq import Worker

        workers = Worker.count(connection=get_connection("media"))
        return {"ok": workers > 0, "backend": "redis", "workers": workers}
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().filter(backend_name="media")
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    oldest_age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {
        "ok": oldest_age <= settings.WORKER_HEARTBEAT_MAX_AGE,
        "backend": "database",
        "queued": waiting.count(),
        "oldest_queued_seconds": round(oldest_age),
    }


def _may_see_details(request: HttpRequest) -> bool:
    """Staff (admin access) and monitoring holding HEALTHZ_TOKEN as a bearer token."""
    if request.user.has_perm("wagtailadmin.access_admin"):
        return True
    token = settings.HEALTHZ_TOKEN
    words = request.headers.get("Authorization", "").split()
    return (
        bool(token)
        and len(words) == 2
        and words[0].lower() == "bearer"
        and hmac.compare_digest(words[1].encode(), token.encode())
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} or 503 {"status": "failing"} for anyone, without writing to
    storage; staff and the token also get each check, queue figures and errors, the search
    node's index state, and the storage check writes, reads and deletes a file."""
    started = time.monotonic()
    detailed = _may_see_details(request)
    storage_check = _check_storage_round_trip if detailed else _check_storage_answers
    checks = {}
    for name, check in (("database", _check_database), ("storage", storage_check), ("worker", _check_worker)):
        try:
            checks[name] = check()
        except Exception as error:
            logger.warning("Health check %s failed", name, exc_info=True)
            checks[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "failing"}
    if detailed:
        body["checks"] = checks
        # Reported, not checked: while the node is down or rebuilding, search falls back.
        # Imported here: search depends on heritage, and only this report looks back.
        from search.node_index import search_index_report

        body["search_index"] = search_index_report()
        body["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(body, status=200 if healthy else 503)
