"""The visitor's side: the request form for one entry, and the list of one's requests
and grants. Both need a signed-in visitor (anonymous visitors are sent to sign in or
register, and come back to the form)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from access_requests.decisions import ask
from access_requests.forms import AccessRequestForm
from access_requests.models import AccessGrant, AccessRequest
from access_requests.rules import may_request
from heritage.access import user_may_view_page
from heritage.models import EntryPage


def _entry_to_ask_for(request: HttpRequest, key: uuid.UUID) -> EntryPage:
    """The entry's live translation in the visitor's language (else the first), when they
    may ask for it; otherwise the same "not found" as for an unknown entry."""
    translations = list(EntryPage.objects.live().filter(translation_key=key).select_related("locale").order_by("pk"))
    entry = next((page for page in translations if page.locale.language_code == get_language()), None)
    entry = entry or (translations[0] if translations else None)
    if entry is None or not may_request(request.user, entry):
        raise Http404
    return entry


@login_required
def new_request(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    entry = _entry_to_ask_for(request, key)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ask(request.user, entry, form.cleaned_data["purpose"])
        messages.success(request, _("Your request was sent. We will tell you by email when it is decided."))
        return redirect("access_requests:mine")
    # A researchers-only entry stays unnamed to someone who may not read it yet.
    title = entry.title if user_may_view_page(request.user, entry) else ""
    return render(request, "access_requests/request_form.html", {"form": form, "entry": entry, "title": title})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    requests = AccessRequest.objects.filter(requester=request.user).select_related("entry").order_by("-requested_at")
    grants = AccessGrant.objects.in_force().filter(user=request.user).select_related("entry")
    rows = [(access_request, user_may_view_page(request.user, access_request.entry)) for access_request in requests]
    return render(request, "access_requests/mine.html", {"rows": rows, "grants": grants})
