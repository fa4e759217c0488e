from django.contrib.auth.management import create_permissions
from django.db import migrations

CAPTION_PERMISSIONS = ["add_captiontrack", "change_captiontrack", "delete_captiontrack"]
GROUPS = ["Officers", "Reviewers", "Administrators"]


def grant_caption_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("media_pipeline")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="media_pipeline", codename__in=CAPTION_PERMISSIONS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke_caption_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="media_pipeline", codename__in=CAPTION_PERMISSIONS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("media_pipeline", "0002_renditions_and_captions"),
        ("heritage", "0003_groups_and_workflow"),
    ]

    operations = [migrations.RunPython(grant_caption_permissions, revoke_caption_permissions)]
