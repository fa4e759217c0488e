"""Admin views for the state of a recording's renditions: a JSON status for the progress
display, and "try again"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtailmedia.permissions import permission_policy

from media_pipeline.jobs import retry
from media_pipeline.models import MediaAsset


def status(request: HttpRequest, pk: int) -> JsonResponse:
    asset = get_object_or_404(MediaAsset, pk=pk)
    if not permission_policy.user_has_permission_for_instance(request.user, "change", asset):
        raise PermissionDenied
    label = asset.get_status_display()
    if asset.status == "processing":
        label = f"{label} {asset.progress}%"
    return JsonResponse(
        {"status": asset.status, "progress": asset.progress, "label": label, "failure": asset.failure_message}
    )


@require_POST
def retry_preparation(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(MediaAsset, pk=pk)
    if not permission_policy.user_has_permission_for_instance(request.user, "change", asset):
        raise PermissionDenied
    retry(asset)
    messages.success(request, _("“%(title)s” will be prepared again.") % {"title": asset.title})
    return redirect("wagtailmedia:edit", asset.pk)
