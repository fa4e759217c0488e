"""What each kind of upload becomes: who may add it, which names and sizes it accepts, and
the admin form that turns the finished file into an item (the same form, and so the same
intake checks, as the upload page without JavaScript)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from media_pipeline.forms import accepted_extensions, max_upload_bytes
from media_pipeline.intake import extension_of


@dataclass(frozen=True)
class Kind:
    name: str

    @property
    def permission_policy(self) -> Any:
        if self.name == "media":
            from wagtailmedia.permissions import permission_policy

            return permission_policy
        from wagtail.permissions import policy_registry

        return policy_registry.get_by_type(self.model)

    @property
    def model(self) -> Any:
        if self.name == "media":
            from wagtailmedia.models import get_media_model

            return get_media_model()
        if self.name == "image":
            from wagtail.images import get_image_model

            return get_image_model()
        from wagtail.documents import get_document_model

        return get_document_model()

    @property
    def form_class(self) -> Any:
        if self.name == "media":
            from wagtailmedia.forms import get_media_form

            return get_media_form(self.model)
        if self.name == "image":
            from wagtail.images.forms import get_image_form

            return get_image_form(self.model)
        from wagtail.documents.forms import get_document_form

        return get_document_form(self.model)

    @property
    def extensions(self) -> list[str]:
        if self.name == "media":
            return accepted_extensions()
        if self.name == "image":
            from wagtail.images.fields import get_allowed_image_extensions

            return list(get_allowed_image_extensions())
        return list(settings.WAGTAILDOCS_EXTENSIONS)

    @property
    def max_bytes(self) -> int:
        if self.name == "media":
            return max_upload_bytes()
        if self.name == "image":
            return settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        return settings.WAGTAILDOCS_MAX_UPLOAD_SIZE

    def may_add(self, user) -> bool:
        return bool(user and user.is_active and self.permission_policy.user_has_permission(user, "add"))

    def accepts_name(self, filename: str) -> bool:
        return extension_of(filename) in self.extensions

    def edit_url(self, item) -> str:
        route = {"media": "wagtailmedia:edit", "image": "wagtailimages:edit", "document": "wagtaildocs:edit"}
        return reverse(route[self.name], args=[item.pk])

    def collection_for(self, user) -> Any:
        collections = self.permission_policy.collections_user_has_permission_for(user, "add")
        return collections.order_by("path").first()


KINDS = {name: Kind(name) for name in ("media", "image", "document")}
