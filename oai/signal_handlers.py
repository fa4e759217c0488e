from wagtail.signals import page_published

from heritage.models import EntryPage

from .records import synchronise


def record_publication(sender, instance, **kwargs) -> None:
    """A publication is recorded at once, so its datestamp is the publication's own; what
    leaves the public without an event of its own is found by the next harvest."""
    if isinstance(instance, EntryPage):
        synchronise([instance.translation_key])


page_published.connect(record_publication, dispatch_uid="oai_record_publication")
