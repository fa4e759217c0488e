from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from wagtail.actions.publish_page_revision import PublishPagePermissionError

from heritage.publishing import acting_user
from media_pipeline.access import may_open_recordings, opens_to_more_people
from media_pipeline.models import CaptionTrack, MediaAsset


@receiver(pre_save, sender=MediaAsset, dispatch_uid="media_pipeline.refuse_unreviewed_opening")
def refuse_unreviewed_opening(sender, instance: MediaAsset, raw=False, **kwargs) -> None:
    """Opening a recording to more people publishes it (every page holding it then plays
    it), so it needs a reviewer, whichever form or code does it for an officer."""
    user = acting_user()
    if raw or user is None or not opens_to_more_people(instance):
        return
    if not may_open_recordings(user):
        raise PublishPagePermissionError("Only a reviewer may open a recording to more people.")


@receiver(post_save, sender=MediaAsset)
def prepare_new_original(sender, instance: MediaAsset, **kwargs) -> None:
    if getattr(instance, "_original_changed", False) and instance.file:
        from media_pipeline.jobs import enqueue_processing

        instance._original_changed = False
        enqueue_processing(instance)


@receiver(post_delete, sender=MediaAsset)
def delete_renditions(sender, instance: MediaAsset, **kwargs) -> None:
    from media_pipeline.publishing import delete_folder

    folder = f"renditions/{instance.pk}"
    transaction.on_commit(lambda: delete_folder(folder))


@receiver(post_delete, sender=CaptionTrack)
def delete_caption_file(sender, instance: CaptionTrack, **kwargs) -> None:
    if instance.file:
        instance.file.delete(save=False)
