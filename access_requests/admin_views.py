"""In the Wagtail admin: the queue of access requests (Officers and Reviewers), direct
grants (Officers) and the log of files served through grants (Administrators)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from access_requests import decisions
from access_requests.forms import DirectGrantForm, GrantForm, RefusalForm
from access_requests.models import AccessGrant, AccessRequest, FileAccess
from access_requests.rules import may_decide, may_grant_directly, may_read_file_log


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    def allowed(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class QueueView(AdminPage):
    template_name = "access_requests/admin/queue.html"
    page_title = gettext_lazy("Access requests")
    header_icon = "key"

    def allowed(self, user) -> bool:
        return may_decide(user)

    def get_context_data(self, **kwargs) -> dict:
        requests = AccessRequest.objects.select_related("requester", "entry", "decided_by")
        pending = requests.filter(state=AccessRequest.State.PENDING).exclude(requester=self.request.user)
        grants = AccessGrant.objects.in_force().select_related("user", "entry", "granted_by")
        context = {
            "pending": pending,
            "decided": requests.exclude(state=AccessRequest.State.PENDING).order_by("-decided_at")[:20],
            "grants": grants,
            "grant_form": kwargs.pop("grant_form", None) or GrantForm(auto_id=False),
            "refusal_form": RefusalForm(auto_id=False),
        }
        if may_grant_directly(self.request.user):
            context["direct_form"] = kwargs.pop("direct_form", None) or DirectGrantForm()
        return super().get_context_data(**context, **kwargs)


class FileLogView(AdminPage):
    template_name = "access_requests/admin/file_log.html"
    page_title = gettext_lazy("Files served through access grants")
    header_icon = "list-ul"

    def allowed(self, user) -> bool:
        return may_read_file_log(user)

    def get_context_data(self, **kwargs) -> dict:
        entries = FileAccess.objects.select_related("user", "entry")[:500]
        return super().get_context_data(entries=entries, **kwargs)


@require_POST
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_decide(request.user):
        raise PermissionDenied
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("ends_on", [])) or _("Give an end date."))
        return redirect("access_requests_admin:queue")
    access_grant = decisions.grant(pk, request.user, form.cleaned_data["ends_on"])
    if access_grant is None:
        messages.error(request, _("This request is no longer waiting for a decision."))
    else:
        messages.success(request, _("Access granted to %(name)s.") % {"name": access_grant.user})
    return redirect("access_requests_admin:queue")


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_decide(request.user):
        raise PermissionDenied
    form = RefusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the refusal: it is sent to the requester."))
        return redirect("access_requests_admin:queue")
    access_request = decisions.refuse(pk, request.user, form.cleaned_data["reason"])
    if access_request is None:
        messages.error(request, _("This request is no longer waiting for a decision."))
    else:
        messages.success(request, _("The request of %(name)s was refused.") % {"name": access_request.requester})
    return redirect("access_requests_admin:queue")


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_decide(request.user):
        raise PermissionDenied
    access_grant = decisions.revoke(pk, request.user)
    if access_grant is None:
        messages.error(request, _("This grant is no longer in force."))
    else:
        messages.success(request, _("The access of %(name)s was closed.") % {"name": access_grant.user})
    return redirect("access_requests_admin:queue")


@require_POST
def grant_directly(request: HttpRequest) -> HttpResponse:
    if not may_grant_directly(request.user):
        raise PermissionDenied
    form = DirectGrantForm(request.POST)
    if not form.is_valid():
        view = QueueView()
        view.setup(request)
        return view.get(request, direct_form=form)
    data = form.cleaned_data
    decisions.grant_directly(request.user, data["person"], data["entry"], data["ends_on"])
    messages.success(request, _("Access granted to %(name)s.") % {"name": data["person"]})
    return redirect("access_requests_admin:queue")
