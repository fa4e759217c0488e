"""Officers create, edit and submit for review; Reviewers approve and publish;
Administrators manage everything; Researchers may see researcher-only entries."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICER_PAGE = ["add_page", "change_page", "lock_page", "unlock_page"]
REVIEWER_PAGE = OFFICER_PAGE + ["publish_page", "delete_page"]
ADMIN_PAGE = REVIEWER_PAGE + ["bulk_delete_page"]

OFFICER_COLLECTION = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    # wagtailmedia checks its own model's permissions, whichever media model is used.
    ("wagtailmedia", "add_media"),
    ("wagtailmedia", "change_media"),
]
REVIEWER_COLLECTION = OFFICER_COLLECTION + [
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
    ("wagtailmedia", "delete_media"),
]

OFFICER_MODEL = [
    ("wagtailadmin", "access_admin"),
    ("wagtail_localize", "submit_translation"),
    ("heritage", "view_ethnicgroup"),
    ("heritage", "view_language"),
    ("heritage", "view_place"),
    ("heritage", "add_place"),
    ("heritage", "change_place"),
    ("heritage", "view_contributor"),
    ("heritage", "add_contributor"),
    ("heritage", "change_contributor"),
]
REVIEWER_MODEL = OFFICER_MODEL + [
    ("heritage", "change_ethnicgroup"),
    ("heritage", "add_language"),
    ("heritage", "change_language"),
    ("heritage", "delete_place"),
    ("heritage", "delete_contributor"),
]
ADMIN_MODEL = REVIEWER_MODEL + [
    ("heritage", "add_ethnicgroup"),
    ("heritage", "delete_language"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("wagtailcore", "add_workflow"),
    ("wagtailcore", "change_workflow"),
    ("wagtailcore", "add_task"),
    ("wagtailcore", "change_task"),
    ("wagtailcore", "view_pagelogentry"),
    ("wagtailcore", "view_modellogentry"),
]

GROUPS = {
    "Officers": (OFFICER_PAGE, OFFICER_COLLECTION, OFFICER_MODEL),
    "Reviewers": (REVIEWER_PAGE, REVIEWER_COLLECTION, REVIEWER_MODEL),
    "Administrators": (ADMIN_PAGE, REVIEWER_COLLECTION, ADMIN_MODEL),
    "Researchers": ([], [], []),
}


def create_groups_and_workflow(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)

    def permission(app_label, codename):
        try:
            return Permission.objects.get(content_type__app_label=app_label, codename=codename)
        except Permission.DoesNotExist as error:
            raise LookupError(f"{app_label}.{codename}") from error

    groups = {}
    for name, (page_codenames, collection_perms, model_perms) in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        for codename in page_codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission("wagtailcore", codename)
            )
        for app_label, codename in collection_perms:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission(app_label, codename)
            )
        group.permissions.add(*[permission(app_label, codename) for app_label, codename in model_perms])

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name="Reviewer approval", content_type=task_type, active=True)
    task.groups.set([groups["Reviewers"], groups["Administrators"]])
    workflow = Workflow.objects.create(name="Archive review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    # Wagtail ships a "Moderators approval" workflow on the root; ours replaces it.
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})
    Workflow.objects.exclude(pk=workflow.pk).update(active=False)
    Group.objects.filter(name__in=["Moderators", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0002_reference_data"),
        ("media_pipeline", "0001_initial"),
        ("wagtailmedia", "0005_alter_media_options"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, migrations.RunPython.noop)]
