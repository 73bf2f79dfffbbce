from django.db import migrations

from livinglab.cms.seeds import seed_age_groups


def seed(apps, schema_editor):
    seed_age_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_pages_topics_campaigns_testimonies")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
