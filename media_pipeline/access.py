"""Who may change a recording's own access level: anyone may narrow it, only a reviewer
may open it to more people, since that publishes it in every page that holds it."""

from heritage.access import opens_more_than
from heritage.publishing import is_reviewer
from media_pipeline.models import MediaAsset


def opens_to_more_people(asset: MediaAsset) -> bool:
    """Whether saving `asset` would make its stored access level looser."""
    if asset.pk is None:
        return False
    stored = MediaAsset.objects.filter(pk=asset.pk).values_list("access_level", flat=True).first()
    return stored is not None and opens_more_than(asset.access_level, stored)


def may_open_recordings(user) -> bool:
    return user is not None and is_reviewer(user)
