"""Changes the search node missed while it could not be reached, replayed by
`manage.py catch_up_search_index` once it answers again."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class MissedIndexChange(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    deleted = models.BooleanField(default=False)
    missed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_missed_change_per_object")
        ]
        verbose_name = _("missed search index change")
        verbose_name_plural = _("missed search index changes")

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}{' (deleted)' if self.deleted else ''}"

    @classmethod
    def remember(cls, obj: models.Model, deleted: bool) -> None:
        cls.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            defaults={"deleted": deleted},
        )
