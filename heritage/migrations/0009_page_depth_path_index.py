from django.db import migrations

# Wagtail asks for a page's children as `depth = n AND path BETWEEN …`; with only the path
# index that reads every page below (each entry of a language for the home page's
# sections: 36 ms at 20,000 entries, on every page). Wagtail's own table, so by hand.
INDEX = "heritage_page_depth_path"


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0008_entry_access_indexes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (depth, path)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
