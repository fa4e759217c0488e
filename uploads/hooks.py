"""The endpoint tusd calls for each upload event (`tusd -hooks-http`). Only tusd knows the
shared secret; the officer is known from the signed token the upload page put into the
upload's metadata."""

import json
import re
import uuid
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from uploads import finishing, tusd
from uploads.kinds import KINDS
from uploads.models import Upload, UploadState
from uploads.tokens import read_token

SHA256 = re.compile(r"[0-9a-f]{64}")


@csrf_exempt
@require_POST
def tusd_hooks(request: HttpRequest) -> HttpResponse:
    if not constant_time_compare(request.GET.get("secret", ""), tusd.hooks_secret()):
        return HttpResponse(status=HTTPStatus.FORBIDDEN)
    try:
        hook = json.loads(request.body)
        upload_info = hook["Event"]["Upload"]
        kind = hook["Type"]
    except (ValueError, KeyError, TypeError):
        return HttpResponse(status=HTTPStatus.BAD_REQUEST)
    if kind == "pre-create":
        return _pre_create(upload_info)
    if kind == "pre-finish":
        return _pre_finish(upload_info)
    return JsonResponse({})


def _reply(status: int, message: str, reject: bool = False, headers: dict | None = None) -> JsonResponse:
    response = {
        "StatusCode": status,
        "Body": message,
        "Header": {"Content-Type": "text/plain; charset=utf-8", **(headers or {})},
    }
    return JsonResponse({"HTTPResponse": response, "RejectUpload": reject})


def _pre_create(upload_info: dict) -> JsonResponse:
    metadata = upload_info.get("MetaData") or {}
    kind = KINDS.get(str(metadata.get("kind", "")))
    user = read_token(str(metadata.get("token", "")), kind.name) if kind else None
    if kind is None or user is None or not kind.may_add(user):
        return _reply(HTTPStatus.FORBIDDEN, _("Sign in again: this upload page has expired."), reject=True)
    with translation.override(_language_of(user)):
        filename = str(metadata.get("filename", ""))[:255]
        size = upload_info.get("Size")
        checksum = str(metadata.get("sha256", ""))
        if upload_info.get("SizeIsDeferred") or upload_info.get("IsPartial") or upload_info.get("IsFinal"):
            return _reply(HTTPStatus.BAD_REQUEST, _("The upload must state its size."), reject=True)
        if not isinstance(size, int) or size <= 0:
            return _reply(HTTPStatus.BAD_REQUEST, _("The file is empty."), reject=True)
        if size > kind.max_bytes:
            return _reply(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                _("The file is too large: the largest accepted is %(limit)s MB.") % {"limit": kind.max_bytes // 2**20},
                reject=True,
            )
        if not filename or not kind.accepts_name(filename):
            return _reply(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                _("This kind of file is not accepted here. Accepted formats: %(formats)s.")
                % {"formats": ", ".join(kind.extensions)},
                reject=True,
            )
        if not SHA256.fullmatch(checksum):
            return _reply(HTTPStatus.BAD_REQUEST, _("The upload did not include its checksum."), reject=True)
    object_id = uuid.uuid4().hex
    Upload.objects.create(
        object_id=object_id, user=user, kind=kind.name, filename=filename, size=size, sha256_chunks=checksum
    )
    return JsonResponse({"ChangeFileInfo": {"ID": object_id}})


def _pre_finish(upload_info: dict) -> JsonResponse:
    object_id = str(upload_info.get("ID", "")).split("+", 1)[0]
    upload = Upload.objects.select_related("user").filter(object_id=object_id).first()
    if upload is None:
        return _reply(HTTPStatus.NOT_FOUND, _("This upload is unknown to the archive."))
    if upload.state == UploadState.FINISHED:
        return _finished(upload.result_url)
    storage = upload_info.get("Storage") or {}
    with translation.override(_language_of(upload.user)):
        try:
            with finishing.local_copy(storage) as path:
                url = finishing.finish(upload, path)
        except finishing.UploadRefusedError as refusal:
            Upload.objects.filter(pk=upload.pk).update(state=UploadState.REFUSED, message=str(refusal))
            finishing.discard(storage)
            return _reply(HTTPStatus.UNPROCESSABLE_ENTITY, str(refusal))
    finishing.discard(storage)
    return _finished(url)


def _finished(url: str) -> JsonResponse:
    """tusd answers the last PATCH as usual, with where the new item is edited."""
    return JsonResponse({"HTTPResponse": {"Header": {"Upload-Result-Url": url}}})


def _language_of(user) -> str:
    profile = getattr(user, "wagtail_userprofile", None)
    return (profile.get_preferred_language() if profile else None) or settings.LANGUAGE_CODE
