from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.search import index
from wagtail.signals import page_published
from wagtail.users.models import UserProfile

from heritage.access import AccessLevel, apply_access_level, entry_level
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
    if origin_model is not PageViewRestriction:
        return
    page = EntryPage.objects.filter(pk=instance.page_id).first()
    if page is not None:
        level = entry_level(page)
        if level != AccessLevel.PUBLIC:
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
