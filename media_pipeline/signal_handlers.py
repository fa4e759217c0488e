from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from media_pipeline.models import CaptionTrack, MediaAsset


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
