import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from iiif.manifests import CONTENT_TYPE, manifest_for


@require_safe
def manifest(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """`/iiif/<entry key>/manifest.json`: the same for every visitor (public entries only),
    so any site's viewer may read it."""
    found = manifest_for(key)
    if found is None:
        raise Http404
    response = HttpResponse(found.jsonld(), content_type=CONTENT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response
