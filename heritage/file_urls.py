"""The URL of stored files. Also the URL configuration a refused file request finishes
under: Django's LocaleMiddleware would otherwise turn the 404 for a path shaped like a
page address (`/files/media`) into a redirect to `/vi/files/media/`."""

import re

from django.conf import settings
from django.urls import re_path

from heritage.files import serve_file

# Any path under the file URL, even empty or holding a newline, is the file view's to refuse.
urlpatterns = [
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>[\s\S]*)\Z", serve_file, name="serve-file"),
]
