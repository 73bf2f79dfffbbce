"""The three settings and the shared theme taxonomy are reference data, present everywhere."""

from django.db import migrations

SETTINGS = ["school", "university", "workplace"]
THEMES = [
    ("nutrition", "Nutrition", "Nutrition"),
    ("activite-physique", "Activité physique", "Physical activity"),
    ("tabac", "Tabac", "Tobacco"),
    ("alcool", "Alcool", "Alcohol"),
    ("ecrans", "Écrans", "Screens"),
    ("sommeil", "Sommeil", "Sleep"),
    ("sante-mentale", "Santé mentale", "Mental health"),
    ("sante-sexuelle", "Santé sexuelle", "Sexual health"),
    ("vaccination", "Vaccination", "Vaccination"),
    ("depistage", "Dépistage", "Screening"),
    ("addictions", "Autres addictions", "Other addictions"),
    ("troubles-musculo-squelettiques", "Troubles musculo-squelettiques", "Musculoskeletal disorders"),
]


def seed(apps, schema_editor):
    CampaignSetting = apps.get_model("campaigns", "CampaignSetting")
    Theme = apps.get_model("campaigns", "Theme")
    for code in SETTINGS:
        CampaignSetting.objects.get_or_create(code=code)
    for slug, name, name_en in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
