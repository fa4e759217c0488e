from django.db import migrations

from heritage.reference_data.load import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("heritage", "EthnicGroup"),
        apps.get_model("heritage", "Language"),
        apps.get_model("heritage", "Place"),
    )


class Migration(migrations.Migration):
    dependencies = [("heritage", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
