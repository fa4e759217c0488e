"""Sensitivity notices (seeded with the standard ones, in Vietnamese and English) and the
embargo date of entries. Officers choose notices; Reviewers and Administrators edit them."""

from django.contrib.auth.management import create_permissions
import heritage.blocks
import modelcluster.fields
import wagtail.fields
from django.db import migrations, models

STANDARD_NOTICES = [
    {
        "code": "sacred",
        "badge": "✦",
        "sort_order": 10,
        "label_vi": "Thiêng: được chia sẻ với sự cho phép của cộng đồng",
        "label_en": "Sacred: shown with the community's permission",
        "text_vi": (
            "Nội dung này thuộc về nghi lễ thiêng của cộng đồng. Cộng đồng đã cho phép kho lưu trữ chia sẻ "
            "để tìm hiểu và giáo dục; xin xem và nghe với lòng tôn trọng, không dùng để trình diễn hay "
            "vì mục đích thương mại."
        ),
        "text_en": (
            "This belongs to the community's sacred ceremonies. The community has allowed the archive to share "
            "it for learning and education; please watch and listen with respect, and do not use it for "
            "performance or commercial purposes."
        ),
    },
    {
        "code": "deceased",
        "badge": "◐",
        "sort_order": 20,
        "label_vi": "Có hình ảnh hoặc giọng nói của người đã khuất",
        "label_en": "Contains images or voices of people who have died",
        "text_vi": (
            "Nội dung này có hình ảnh hoặc giọng nói của người đã qua đời. Ở một số cộng đồng, nhìn thấy hay "
            "nghe lại người đã khuất có thể gây đau buồn, hoặc cần tránh trong một thời gian."
        ),
        "text_en": (
            "This contains images or voices of people who have died. In some communities, seeing or hearing "
            "people who have passed away may cause distress, or is avoided for a time."
        ),
    },
    {
        "code": "seasonal",
        "badge": "☾",
        "sort_order": 30,
        "label_vi": "Theo mùa: theo truyền thống chỉ được nghe trong dịp lễ hội",
        "label_en": "Seasonal: traditionally heard only during the festival",
        "text_vi": (
            "Theo truyền thống, nội dung này chỉ được hát, kể hoặc nghe trong dịp lễ hội. Cộng đồng mong "
            "người xem, người nghe ghi nhớ điều đó khi sử dụng."
        ),
        "text_en": (
            "Traditionally this is sung, told or heard only during the festival. The community asks everyone "
            "who watches or listens to keep this in mind when using it."
        ),
    },
]
PERMISSIONS = {
    "Officers": ["view_sensitivitynotice"],
    "Reviewers": ["view_sensitivitynotice", "add_sensitivitynotice", "change_sensitivitynotice"],
    "Administrators": [
        "view_sensitivitynotice",
        "add_sensitivitynotice",
        "change_sensitivitynotice",
        "delete_sensitivitynotice",
    ],
}


def seed_notices_and_permissions(apps, schema_editor):
    notice_model = apps.get_model("heritage", "SensitivityNotice")
    for notice in STANDARD_NOTICES:
        notice_model.objects.update_or_create(code=notice["code"], defaults=notice)
    app_config = apps.get_app_config("heritage")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group in group_model.objects.filter(name__in=PERMISSIONS):
        codenames = PERMISSIONS[group.name]
        group.permissions.add(
            *permission_model.objects.filter(content_type__app_label="heritage", codename__in=codenames)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('heritage', '0005_consent_permissions'),
    ]

    operations = [
        migrations.CreateModel(
            name='SensitivityNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='Short and stable: search links and the search index use it (e.g. “sacred”).', unique=True, verbose_name='code')),
                ('badge', models.CharField(help_text='One or two characters shown before the label, e.g. ✦.', max_length=4, verbose_name='badge')),
                ('label_vi', models.CharField(max_length=100, verbose_name='label in Vietnamese')),
                ('label_en', models.CharField(max_length=100, verbose_name='label in English')),
                ('text_vi', models.TextField(verbose_name='notice in Vietnamese')),
                ('text_en', models.TextField(verbose_name='notice in English')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'sensitivity notice',
                'verbose_name_plural': 'sensitivity notices',
                'ordering': ['sort_order', 'code'],
            },
        ),
        migrations.AddField(
            model_name='entrypage',
            name='embargo_until',
            field=models.DateField(blank=True, help_text="An embargo: until this date only staff see the entry, whatever its access. It opens by itself on that date, never wider than its access and its people's consent allow.", null=True, verbose_name='restricted until'),
        ),
        migrations.AlterField(
            model_name='entrypage',
            name='media',
            field=wagtail.fields.StreamField([('audio_video', 4), ('image', 7), ('document', 10)], blank=True, block_lookup={0: ('heritage.blocks.MediaChooserBlock', (), {'label': 'audio or video'}), 1: ('wagtail.blocks.CharBlock', (), {'label': 'caption', 'max_length': 300, 'required': False}), 2: ('wagtail.blocks.TextBlock', (), {'help_text': 'What is said or sung, one line per utterance. Shown under the player.', 'label': 'transcript', 'required': False}), 3: ('wagtail.blocks.MultipleChoiceBlock', [], {'choices': heritage.blocks.notice_choices, 'help_text': "Besides the entry's own notices, shown before this recording plays.", 'label': 'sensitivity notices for this recording', 'required': False}), 4: ('wagtail.blocks.StructBlock', [[('media', 0), ('caption', 1), ('transcript', 2), ('notices', 3)]], {}), 5: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': 'image'}), 6: ('wagtail.blocks.CharBlock', (), {'help_text': 'Describe the image for people who cannot see it. Leave empty for the caption.', 'label': 'text alternative', 'max_length': 300, 'required': False}), 7: ('wagtail.blocks.StructBlock', [[('image', 5), ('caption', 1), ('alt_text', 6)]], {}), 8: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'document'}), 9: ('wagtail.blocks.CharBlock', (), {'label': 'description', 'max_length': 300, 'required': False}), 10: ('wagtail.blocks.StructBlock', [[('document', 8), ('description', 9)]], {})}, verbose_name='media'),
        ),
        migrations.AddField(
            model_name='entrypage',
            name='notices',
            field=modelcluster.fields.ParentalManyToManyField(blank=True, help_text='Shown on the entry and before its recordings play; visitors continue once per visit.', related_name='entries', to='heritage.sensitivitynotice', verbose_name='sensitivity notices'),
        ),
        migrations.RunPython(seed_notices_and_permissions, migrations.RunPython.noop),
    ]
