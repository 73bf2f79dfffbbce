"""The three settings and the shared theme taxonomy are reference data, present everywhere."""

from django.db import migrations

from livinglab.campaigns.seeds import seed_settings_and_themes


def seed(apps, schema_editor):
    seed_settings_and_themes(apps)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
