"""The Administrators' queue of researchers waiting for approval, in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.approval import decide, may_approve
from accounts.forms import RefusalForm
from accounts.models import ResearcherProfile


class PendingResearchersView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "accounts/admin/pending.html"
    page_title = gettext_lazy("Researchers waiting for approval")
    header_icon = "user"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_approve(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs) -> dict:
        pending = ResearcherProfile.objects.filter(state=ResearcherProfile.State.PENDING_APPROVAL)
        decided = ResearcherProfile.objects.exclude(
            state__in=[ResearcherProfile.State.PENDING_APPROVAL, ResearcherProfile.State.PENDING_EMAIL]
        )
        return super().get_context_data(
            pending=pending.select_related("user").exclude(user=self.request.user),
            decided=decided.select_related("user", "decided_by").order_by("-decided_at")[:20],
            refusal_form=RefusalForm(auto_id=False),
            **kwargs,
        )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


def _decide(request: HttpRequest, pk: int, approve: bool) -> HttpResponse:
    if not may_approve(request.user):
        raise PermissionDenied
    form = RefusalForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    profile = decide(pk, request.user, approve=approve, reason=reason)
    if profile is None:
        messages.error(request, _("This registration is no longer waiting for approval."))
    elif approve:
        messages.success(request, _("%(name)s is now a researcher.") % {"name": profile})
    else:
        messages.success(request, _("The registration of %(name)s was refused.") % {"name": profile})
    return redirect("accounts_admin:pending")
