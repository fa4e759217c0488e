"""Serving uploaded files only to people allowed to see the entries that use them.

A file is public when a public live entry uses it. Otherwise it is shown to a visitor
who may open one of the live entries using it, and to people who work in the admin
(who must preview drafts). Files used by no live entry are admin-only."""

import mimetypes
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex
from wagtailmedia.models import get_media_model

from heritage.access import visible_to


def _assets_for_path(path: str) -> Iterable[Model]:
    image_model = get_image_model()
    rendition_model = image_model.get_rendition_model()
    media_model = get_media_model()
    yield from image_model.objects.filter(file=path)
    for rendition in rendition_model.objects.filter(file=path).select_related("image"):
        yield rendition.image
    yield from get_document_model().objects.filter(file=path)
    yield from media_model.objects.filter(file=path)
    yield from media_model.objects.filter(thumbnail=path)


def pages_using(asset: Model) -> list[int]:
    page_type = ContentType.objects.get_for_model(Page)
    object_ids = ReferenceIndex.get_references_to(asset).filter(base_content_type=page_type)
    return [int(object_id) for object_id in object_ids.values_list("object_id", flat=True)]


def user_may_open_asset(user, asset: Model) -> bool:
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    return visible_to(Page.objects.filter(pk__in=pages_using(asset)), user).exists()


def serve_file(request: HttpRequest, path: str) -> HttpResponse:
    assets = list(_assets_for_path(path))
    if not assets or not any(user_may_open_asset(request.user, asset) for asset in assets):
        # The same answer for "missing" and "not yours", so restricted file names
        # cannot be probed.
        raise Http404
    return _file_response(path)


def _file_response(path: str) -> HttpResponse:
    try:
        local_path = default_storage.path(path)
    except NotImplementedError:
        # Object storage: hand out a short-lived signed URL.
        return HttpResponseRedirect(default_storage.url(path))
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        response = FileResponse(open(local_path, "rb"), content_type=content_type)
    except FileNotFoundError as error:
        raise Http404 from error
    response["Cache-Control"] = "private, max-age=3600"
    return response


def document_access_response(document, request: HttpRequest) -> HttpResponse | None:
    """Wagtail's document view asks this before sending a document."""
    if user_may_open_asset(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect(f"/_util/login/?next={request.get_full_path()}")
    raise Http404
