from django.dispatch import receiver

from wagtail.signals import page_published

from heritage.access import apply_access_level
from heritage.models import EntryPage


@receiver(page_published)
def apply_published_access_level(sender, instance, revision=None, **kwargs) -> None:
    """The published access level decides the live page's restriction."""
    if isinstance(instance, EntryPage):
        apply_access_level(instance, instance.access_level)
