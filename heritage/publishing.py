"""The last check before anything goes live: publishing needs a reviewer.

Wagtail's admin views check publish permission themselves, but some code publishes
without naming a user (wagtail-localize's "Update translations" and translation editor,
alias syncing), and Wagtail only checks a user it is given. So the rule is enforced where
every path ends, on saving: while someone who may not publish a page is acting (Wagtail's
log context, which the admin sets for every request and which names the user written in
the audit log), the page's publication does not change (it does not go live or offline,
change its live revision or become or stop being an alias while live; no new page is
created live) and no revision is scheduled for publication. Code running outside a
request (management commands such as `publish_scheduled`, the demo loader) acts for
nobody and is not checked: it only carries out what a reviewer approved."""

from django.db.models import Model
from django.db.models.signals import pre_save
from django.dispatch import receiver

from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import get_active_log_context
from wagtail.models import DraftStateMixin, Page, Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from heritage.files import pages_using
from media_pipeline.models import CaptionTrack, MediaAsset

# Page fields that together say what the public sees of a page.
PUBLICATION_FIELDS = ("live", "live_revision_id", "alias_of_id")


def acting_user():
    """The person on whose behalf the current code runs, or None outside a request."""
    user = get_active_log_context().user
    return user if user is not None and user.is_authenticated else None


def may_publish(user, instance) -> bool:
    """Whether `user` may make `instance` (a page or any other model) live."""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_publish()
    if isinstance(instance, DraftStateMixin):
        opts = instance._meta
        return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")
    return True


def is_reviewer(user) -> bool:
    """Whether `user` may publish pages: a reviewer or an administrator."""
    return PagePermissionPolicy().user_has_permission(user, "publish")


def _publication_changes(page: Page, update_fields) -> bool:
    if page.pk is None:
        return page.live
    if update_fields is not None and not {name.removesuffix("_id") for name in update_fields} & {
        name.removesuffix("_id") for name in PUBLICATION_FIELDS
    }:
        return False
    stored = Page.objects.filter(pk=page.pk).values(*PUBLICATION_FIELDS).first()
    if stored is None:
        return page.live
    current = {name: getattr(page, name) for name in PUBLICATION_FIELDS}
    if not stored["live"] and not current["live"]:
        return False  # nothing public before or after
    return stored != current


@receiver(pre_save, dispatch_uid="heritage.refuse_unreviewed_page_publication")
def refuse_unreviewed_page_publication(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not isinstance(instance, Page):
        return
    user = acting_user()
    if user is None or not _publication_changes(instance, update_fields):
        return
    if instance.pk is None:
        allowed = instance.get_parent().permissions_for_user(user).can_publish_subpage()
    else:
        allowed = may_publish(user, instance)
    if not allowed:
        raise PublishPagePermissionError("Only a reviewer may change what is published.")


@receiver(pre_save, sender=Revision, dispatch_uid="heritage.refuse_unreviewed_scheduling")
def refuse_unreviewed_scheduling(sender, instance: Revision, raw=False, **kwargs) -> None:
    """A revision with an approved go-live time is published later by `publish_scheduled`
    with no user to check, so approving that time is publishing."""
    if raw or instance.approved_go_live_at is None:
        return
    user = acting_user()
    if user is None:
        return
    stored = Revision.objects.filter(pk=instance.pk).values_list("approved_go_live_at", flat=True).first()
    if stored == instance.approved_go_live_at:
        return
    if not may_publish(user, instance.content_object):
        raise PublishPagePermissionError("Only a reviewer may schedule publication.")


def _published_file_changes(instance) -> Model | None:
    """The record whose published files saving `instance` would change: an image, document
    or recording whose file (or thumbnail) is replaced, or the recording of a caption track
    added, moved or replaced; None for anything else."""
    if isinstance(instance, CaptionTrack):
        stored = CaptionTrack.objects.filter(pk=instance.pk).values("asset_id", "file").first()
        if stored != {"asset_id": instance.asset_id, "file": instance.file.name}:
            return instance.asset
        return None
    if not isinstance(instance, (get_image_model(), get_document_model(), MediaAsset)) or instance.pk is None:
        return None
    fields = ["file", "thumbnail"] if isinstance(instance, MediaAsset) else ["file"]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    current = {name: getattr(instance, name).name or "" for name in fields}
    return instance if stored is not None and {k: v or "" for k, v in stored.items()} != current else None


@receiver(pre_save, dispatch_uid="heritage.refuse_unreviewed_file_change")
def refuse_unreviewed_file_change(sender, instance, raw=False, **kwargs) -> None:
    """Files a live page shows are published: replacing them (or adding captions to a
    recording a live page plays) publishes the new content, so it needs a reviewer."""
    user = acting_user()
    if raw or user is None or is_reviewer(user):
        return
    record = _published_file_changes(instance)
    if record is not None and Page.objects.live().filter(pk__in=pages_using(record)).exists():
        raise PublishPagePermissionError("Only a reviewer may change the files of a published record.")
