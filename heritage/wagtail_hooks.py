from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail.views import serve_chain
from wagtail.wagtail_hooks import require_wagtail_login

from heritage.access import (
    AccessLevel,
    apply_access_level,
    holds_grant,
    may_ask_for_access,
    may_ask_to_sign_in,
    page_visible_to,
    serving,
    stricter,
    under_embargo,
    user_may_view_page,
)
from heritage.choosers import ContributorChooserViewSet, PlaceChooserViewSet
from heritage.consent import LOG_ACTIONS
from heritage.consent_views import ConsentRecordViewSet
from heritage.embargo import LOG_ACTIONS as EMBARGO_LOG_ACTIONS
from heritage.files import document_access_response
from heritage.models import Contributor, EntryPage, EthnicGroup, Language, Place, SensitivityNotice


class EthnicGroupViewSet(SnippetViewSet):
    model = EthnicGroup
    icon = "group"
    list_display = ["number", "name_vi", "name_en", "language_family"]
    list_filter = ["language_family"]
    ordering = ["number"]


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "globe"
    list_display = ["name_vi", "name_en", "iso_639_3", "language_family"]
    list_filter = ["language_family"]


class PlaceViewSet(SnippetViewSet):
    model = Place
    icon = "site"
    list_display = ["name_vi", "name_en", "kind", "parent", "successor"]
    list_filter = ["kind"]
    chooser_viewset_class = PlaceChooserViewSet


class ContributorViewSet(SnippetViewSet):
    model = Contributor
    icon = "user"
    list_display = ["name", "kind", "ethnic_group"]
    list_filter = ["kind"]
    chooser_viewset_class = ContributorChooserViewSet


class SensitivityNoticeViewSet(SnippetViewSet):
    model = SensitivityNotice
    icon = "warning"
    list_display = ["badge", "label_vi", "label_en", "code"]
    ordering = ["sort_order", "code"]


class ReferenceDataGroup(SnippetViewSetGroup):
    items = (EthnicGroupViewSet, LanguageViewSet, PlaceViewSet, ContributorViewSet, SensitivityNoticeViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Reference data")
    menu_name = "reference_data"


register_snippet(ReferenceDataGroup)
register_snippet(ConsentRecordViewSet)


@hooks.register("register_log_actions")
def register_consent_log_actions(actions) -> None:
    for action, (label, message) in (LOG_ACTIONS | EMBARGO_LOG_ACTIONS).items():
        actions.register_action(action, label, message)


@hooks.register("before_serve_page", order=-1)
def check_entry_access(page: Page, request: HttpRequest, serve_args, serve_kwargs):
    """A page the visitor may not see is not found, exactly as a page that does not exist,
    except that anonymous visitors of a researchers-only entry are asked to sign in."""
    serving(page)
    if user_may_view_page(request.user, page):
        return None
    if may_ask_to_sign_in(request.user, page):
        return require_wagtail_login(next=request.get_full_path())
    if may_ask_for_access(request.user, page):
        return render(request, "heritage/researchers_only.html", {"entry": page}, status=403)
    raise Http404


@hooks.register("on_serve_page", order=-1)
def serve_granted_entries(serve_next):
    """The holder of an access grant gets the entry although its view restriction (for
    groups they are not in) would send them to sign in: Wagtail's restriction check is
    passed over for them alone, and only for a page `check_entry_access` let through."""

    def inner(page: Page, request: HttpRequest, serve_args, serve_kwargs) -> HttpResponse:
        by_groups = page_visible_to(request.user, page)
        if by_groups or not holds_grant(request.user, page):
            return serve_next(page, request, serve_args, serve_kwargs)
        response = serve_chain(page, request, serve_args, serve_kwargs)
        add_never_cache_headers(response)
        return response

    return inner


def _apply_draft_access_level(request: HttpRequest, page: Page) -> None:
    """A draft that tightens access (or sets an embargo) takes effect at once; loosening waits for publication."""
    specific = page.specific
    if not isinstance(specific, EntryPage):
        return
    draft = specific.get_latest_revision_as_object()
    live_level = EntryPage.objects.filter(pk=page.pk).values_list("access_level", flat=True).first()
    level = stricter(draft.access_level, live_level or draft.access_level)
    apply_access_level(specific, AccessLevel.RESTRICTED if under_embargo(draft) else level)


hooks.register("after_create_page", _apply_draft_access_level)
hooks.register("after_edit_page", _apply_draft_access_level)
hooks.register("before_serve_document", document_access_response)
