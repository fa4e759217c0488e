"""Officers, Reviewers and Administrators record consent and withdraw it; nobody deletes
a consent record (a withdrawal is recorded, never erased)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = ["Officers", "Reviewers", "Administrators"]
CODENAMES = ["view_consentrecord", "add_consentrecord", "change_consentrecord"]


def grant_consent_permissions(apps, schema_editor):
    app_config = apps.get_app_config("heritage")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="heritage", codename__in=CODENAMES))
    assert len(permissions) == len(CODENAMES)
    for group in Group.objects.filter(name__in=STAFF):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("heritage", "0004_consent_records"), ("heritage", "0003_groups_and_workflow")]

    operations = [migrations.RunPython(grant_consent_permissions, migrations.RunPython.noop)]
