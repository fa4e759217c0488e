"""Caption languages were free text ("Tiếng Việt", "VI", "tày"): each becomes the tag the
players use (media_pipeline/caption_languages.py). A value that names no language of the
archive is kept as it was and listed here, so the track is never lost; an officer then
chooses its language in the admin."""

from django.db import migrations

from media_pipeline.caption_languages import to_caption_code


def codes_for_caption_languages(apps, schema_editor) -> None:
    Language = apps.get_model("heritage", "Language")
    CaptionTrack = apps.get_model("media_pipeline", "CaptionTrack")
    languages = list(Language.objects.all())
    unknown = []
    for track in CaptionTrack.objects.all():
        code = to_caption_code(track.language, languages)
        if code is None:
            unknown.append(track)
        elif code != track.language:
            clash = CaptionTrack.objects.filter(asset_id=track.asset_id, language=code, kind=track.kind)
            if clash.exclude(pk=track.pk).exists():
                unknown.append(track)
                continue
            track.language = code
            track.save(update_fields=["language"])
    for track in unknown:
        print(f"\n  Caption track {track.pk} kept its language “{track.language}”: choose its language in the admin.")


class Migration(migrations.Migration):
    dependencies = [
        ("media_pipeline", "0006_media_on_request"),
        ("heritage", "0008_entry_access_indexes"),
    ]

    operations = [migrations.RunPython(codes_for_caption_languages, migrations.RunPython.noop)]
