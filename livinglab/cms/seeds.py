"""Reference data present everywhere: the age groups that topics are filed under.

Migration 0003 calls `seed_age_groups` with its historical app registry; the demo calls it with
`django.apps.apps` to restore a flushed database. Only use fields that exist at 0003.
"""

AGE_GROUPS = [
    ("3-5", "3–5 ans (maternelle)", "Ages 3–5 (nursery school)"),
    ("6-10", "6–10 ans (élémentaire)", "Ages 6–10 (primary school)"),
    ("11-14", "11–14 ans (collège)", "Ages 11–14 (lower secondary)"),
    ("15-17", "15–17 ans (lycée)", "Ages 15–17 (upper secondary)"),
    ("18-25", "18–25 ans (étudiants)", "Ages 18–25 (students)"),
    ("adults", "Adultes en activité", "Working adults"),
    ("seniors", "Seniors (55 ans et plus)", "Seniors (55 and over)"),
]


def seed_age_groups(apps) -> None:
    """Create or reset the age groups, in this order."""
    AgeGroup = apps.get_model("cms", "AgeGroup")
    for order, (code, name, name_en) in enumerate(AGE_GROUPS):
        AgeGroup.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
