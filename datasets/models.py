from django.db import models


class DatasetBuild(models.Model):
    """The one row saying which built files are served (`files`, with their figures) and
    whether they may be: `stale` from the moment something may have left the public view
    until a build that started after it has finished. `generation` counts those moments,
    so that a build begun before the latest one never clears `stale`."""

    folder = models.CharField(max_length=100, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    files = models.JSONField(default=list)
    generation = models.PositiveBigIntegerField(default=0)
    stale = models.BooleanField(default=False)
    rebuild_queued = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"datasets built {self.built_at or 'never'}{' (stale)' if self.stale else ''}"

    @classmethod
    def current(cls) -> "DatasetBuild":
        build, _ = cls.objects.get_or_create(pk=1)
        return build

    def file(self, name: str) -> dict | None:
        return next((entry for entry in self.files if entry["name"] == name), None)
