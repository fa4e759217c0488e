from django.db import migrations, models

from heritage.folding import fold


def fold_existing_names(apps, schema_editor):
    Place = apps.get_model("heritage", "Place")
    Contributor = apps.get_model("heritage", "Contributor")
    for place in Place.objects.all():
        place.folded_names = fold(f"{place.name_vi} {place.name_en}".strip())
        place.save(update_fields=["folded_names"])
    for contributor in Contributor.objects.all():
        contributor.folded_name = fold(contributor.name)
        contributor.save(update_fields=["folded_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0009_page_depth_path_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="contributor",
            name="folded_name",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="place",
            name="folded_names",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fold_existing_names, migrations.RunPython.noop),
    ]
