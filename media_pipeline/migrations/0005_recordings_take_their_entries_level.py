"""Recordings uploaded before they had an access level of their own take the strictest
level of the entries that use them, so that placing one in a more open page later does
not open it."""

import json

from django.db import migrations

STRICTNESS = {"public": 0, "researchers": 1, "restricted": 2}


def _media_ids(stream) -> set[int]:
    blocks = getattr(stream, "raw_data", None)
    if blocks is None:
        blocks = json.loads(stream) if isinstance(stream, str) and stream else stream or []
    return {
        int(block["value"]["media"])
        for block in blocks
        if block.get("type") == "audio_video" and (block.get("value") or {}).get("media")
    }


def take_entries_level(apps, schema_editor) -> None:
    entry_model = apps.get_model("heritage", "EntryPage")
    asset_model = apps.get_model("media_pipeline", "MediaAsset")
    levels: dict[int, str] = {}
    for level, media in entry_model.objects.exclude(access_level="public").values_list("access_level", "media"):
        for asset_id in _media_ids(media):
            if STRICTNESS[level] > STRICTNESS[levels.get(asset_id, "public")]:
                levels[asset_id] = level
    for asset_id, level in levels.items():
        asset_model.objects.filter(pk=asset_id).update(access_level=level)


class Migration(migrations.Migration):
    dependencies = [
        ("media_pipeline", "0004_media_access_level_and_caption_names"),
        ("heritage", "0003_groups_and_workflow"),
    ]

    operations = [migrations.RunPython(take_entries_level, migrations.RunPython.noop)]
