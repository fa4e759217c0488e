from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import page_published
from wagtail.users.models import UserProfile

from heritage.access import AccessLevel, apply_access_level, applying_access_level, entry_level, stricter
from heritage.consent import apply_published_consent, narrow_to_consent
from heritage.models import EntryPage, RecordingPage
from heritage.models.consent import ConsentRecord
from heritage.reindexing import INDEXED_FIELDS, entries_using, reindex_entries
from media_pipeline.models import CaptionTrack, MediaAsset


@receiver(page_published)
def apply_published_access_level(sender, instance, revision=None, **kwargs) -> None:
    """The published access level, narrowed by what consent allows now, decides the live
    page's restriction."""
    if isinstance(instance, EntryPage):
        apply_published_consent(instance)
        apply_access_level(instance, instance.access_level)


@receiver(post_save, sender=ConsentRecord)
@receiver(post_delete, sender=ConsentRecord)
def narrow_entry_to_consent(sender, instance, raw=False, **kwargs) -> None:
    """Any change of a consent record that allows less (a withdrawal, a narrower scope, an
    end date in the past, a newer record) applies at once; one that allows more waits for
    the entry's next publication."""
    if raw:
        return
    translation_key = EntryPage.objects.filter(pk=instance.entry_id).values_list("translation_key", flat=True).first()
    if translation_key is not None:
        narrow_to_consent(translation_key)


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
    reindex_entries(entries_using(asset))


def _indexed_values(instance) -> dict:
    return {name: getattr(instance, name) for name in INDEXED_FIELDS[type(instance)]}


def remember_indexed_values(sender, instance, raw=False, **kwargs) -> None:
    """What the entries' documents hold of this object before the save."""
    if raw or instance._state.adding:
        return
    before = sender.objects.filter(pk=instance.pk).values(*INDEXED_FIELDS[sender]).first()
    instance._indexed_before = before


def reindex_entries_using_related(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A group, language, place or tag renamed (or a place moved to another province)
    reaches the search documents of the entries that use it at once (heritage/reindexing.py)."""
    before = getattr(instance, "_indexed_before", None)
    if raw or created or before is None or before == _indexed_values(instance):
        return
    reindex_entries(entries_using(instance))


def remember_entries_using_related(sender, instance, **kwargs) -> None:
    """Before a delete removes the links, which entries held this object."""
    instance._entries_using = entries_using(instance)


def reindex_entries_after_delete(sender, instance, **kwargs) -> None:
    reindex_entries(getattr(instance, "_entries_using", []))


for related_model in INDEXED_FIELDS:
    pre_save.connect(remember_indexed_values, sender=related_model)
    post_save.connect(reindex_entries_using_related, sender=related_model)
    pre_delete.connect(remember_entries_using_related, sender=related_model)
    post_delete.connect(reindex_entries_after_delete, sender=related_model)


@receiver(m2m_changed, sender=EntryPage.ethnic_groups.through)
@receiver(m2m_changed, sender=RecordingPage.content_languages.through)
def reindex_entries_linked_from_related(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """Entries added to or removed from a group or language from its side (`group.entries.add`)
    are reindexed; from the entry's side the entry is published, which reindexes it."""
    if not reverse:
        return
    if action == "pre_clear":
        instance._entries_using = entries_using(instance)
    elif action == "post_clear":
        reindex_entries(getattr(instance, "_entries_using", []))
    elif action in ("post_add", "post_remove"):
        reindex_entries(pk_set or [])
