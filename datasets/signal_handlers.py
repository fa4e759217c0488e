"""What marks the datasets stale (datasets/rebuilding.py): publishing or unpublishing a
page, deleting one, a change of its view restrictions (access levels are mirrored there,
heritage/access.py) and any consent record or contributor change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from datasets.rebuilding import public_data_changed
from heritage.models import Contributor, EntryContributor, EntryPage
from heritage.models.consent import ConsentRecord


@receiver(page_published)
@receiver(page_unpublished)
def entry_published_or_unpublished(sender, instance, **kwargs) -> None:
    if isinstance(instance, EntryPage):
        public_data_changed()


@receiver(post_delete)
def entry_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, EntryPage):
        public_data_changed()


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
@receiver(post_save, sender=ConsentRecord)
@receiver(post_delete, sender=ConsentRecord)
@receiver(post_save, sender=Contributor)
@receiver(post_save, sender=EntryContributor)
def access_or_consent_changed(sender, **kwargs) -> None:
    public_data_changed()
