"""Reference data present everywhere: the three settings and the shared theme taxonomy.

Migration 0002 calls `seed_settings_and_themes` with its historical app registry; the demo calls it
with `django.apps.apps` to restore a flushed database. Only use fields that exist at 0002.
"""

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
    (
        "troubles-musculo-squelettiques",
        "Troubles musculo-squelettiques",
        "Musculoskeletal disorders",
    ),
]


def seed_settings_and_themes(apps) -> None:
    """Create the settings and themes that are missing; reset the themes' names."""
    CampaignSetting = apps.get_model("campaigns", "CampaignSetting")
    Theme = apps.get_model("campaigns", "Theme")
    for code in SETTINGS:
        CampaignSetting.objects.get_or_create(code=code)
    for slug, name, name_en in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
