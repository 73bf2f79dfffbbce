""" "Ce qui marche" demo pages: an index under the home page (in the menu) and one page per
setting. Idempotent: pages are looked up by slug under their parent (`cms.child_page`).

Their cards read the pooled evidence that `runs.load` computed before the CMS is loaded.
"""

from django.db import transaction
from wagtail.models import Locale

from livinglab.cms.models import HomePage, ToolkitPage
from livinglab.demo.cms import child_page

INDEX = {
    "slug": "ce-qui-marche",
    "title": "Ce qui marche",
    "introduction": (
        "<p>Ce que les campagnes du réseau ont changé, indicateur par indicateur : l'effet "
        "moyen des campagnes qui ont mesuré la même chose, la solidité des preuves et ce que "
        "l'action a coûté. Une carte se met à jour dès qu'une campagne publie ou retire ses "
        "résultats.</p>"
    ),
}
SETTINGS = [
    ("school", "ecole", "Ce qui marche à l'école"),
    ("university", "universite", "Ce qui marche à l'université"),
    ("workplace", "entreprise", "Ce qui marche en entreprise"),
]


@transaction.atomic
def load(*, stdout) -> None:
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        stdout.write("Ce qui marche : pas de page d'accueil, rien à faire.")
        return
    index, created = child_page(
        home,
        ToolkitPage,
        INDEX["slug"],
        title=INDEX["title"],
        introduction=INDEX["introduction"],
        show_in_menus=True,
    )
    pages = int(created)
    for setting, slug, title in SETTINGS:
        _page, created = child_page(
            index,
            ToolkitPage,
            slug,
            title=title,
            setting=setting,
            introduction=(
                "<p>Les résultats groupés des seules campagnes menées dans ce milieu.</p>"
            ),
        )
        pages += created
    stdout.write(f"Ce qui marche : {pages} page(s) créée(s).")
