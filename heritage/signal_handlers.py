from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.search import index
from wagtail.signals import page_published
from wagtail.users.models import UserProfile

from heritage.access import AccessLevel, apply_access_level, applying_access_level, entry_level, stricter
from heritage.files import pages_using
from heritage.models import EntryPage
from media_pipeline.models import CaptionTrack, MediaAsset


@receiver(page_published)
def apply_published_access_level(sender, instance, revision=None, **kwargs) -> None:
    """The published access level decides the live page's restriction."""
    if isinstance(instance, EntryPage):
        apply_access_level(instance, instance.access_level)


@receiver(post_delete, sender=PageViewRestriction)
def keep_entry_restricted(sender, instance, origin=None, **kwargs) -> None:
    """Removing an entry's restriction by hand (Wagtail's privacy dialog) must not open
    it: the entry's access field decides, so the restriction is put back. Deleting the
    page itself removes its restrictions for good."""
    origin_model = getattr(origin, "model", type(origin))
    if origin_model is PageViewRestriction:
        _restore_entry_restriction(instance.page_id)


@receiver(post_save, sender=PageViewRestriction)
@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def keep_entry_restriction_as_its_level(sender, instance, raw=False, action=None, **kwargs) -> None:
    """Changing a non-public entry's restriction by hand (another kind, a password, other
    groups) is undone: only publishing a new access level changes who sees the entry."""
    if raw or action not in (None, "post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, PageViewRestriction):
        _restore_entry_restriction(instance.page_id)


def _restore_entry_restriction(page_id: int) -> None:
    if applying_access_level():
        return
    page = EntryPage.objects.filter(pk=page_id).first()
    if page is None:
        return
    # A saved draft that tightens access already applies (see wagtail_hooks); keep it.
    draft = page.get_latest_revision_as_object()
    level = stricter(entry_level(page), getattr(draft, "access_level", AccessLevel.PUBLIC))
    if level != AccessLevel.PUBLIC:  # a hand-made restriction of a public entry only narrows it
        apply_access_level(page, level)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def admin_in_vietnamese_by_default(sender, instance, created, raw=False, **kwargs) -> None:
    """New accounts see the admin in Vietnamese whatever their browser asks for; each
    person can switch to English in their account settings."""
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance, defaults={"preferred_language": settings.LANGUAGE_CODE})


@receiver(post_save, sender=MediaAsset)
@receiver(post_save, sender=CaptionTrack)
@receiver(post_delete, sender=CaptionTrack)
def reindex_entries_using_recording(sender, instance, raw=False, **kwargs) -> None:
    """An entry's search text holds its recordings' captions, and leaves out recordings
    stricter than the entry: a change to either reaches the index at once."""
    if raw:
        return
    asset = instance if isinstance(instance, MediaAsset) else instance.asset
    for entry in EntryPage.objects.filter(pk__in=pages_using(asset)).specific():
        index.insert_or_update_object(entry)
