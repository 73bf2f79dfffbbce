"""Load (or refresh) the demo: the same command twice leaves the same data."""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from livinglab.demo import load_core_demo

# Each app that has demo data exposes `demo.load(*, stdout)`; order matters (campaigns feed
# evaluation, both feed the CMS pages).
DEMO_MODULES = ("livinglab.campaigns.demo", "livinglab.evaluation.demo", "livinglab.cms.demo")


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create demo accounts with known passwords even when DEBUG is off.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG est désactivé : les comptes de démonstration ont des mots de passe connus. "
                "Relancez avec --force si c'est vraiment voulu."
            )
        with transaction.atomic():
            accounts = load_core_demo()
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Démo chargée."))
        self.stdout.write("Comptes de démonstration (identifiant / mot de passe — rôle) :")
        for account in accounts:
            self.stdout.write(f"  {account.username} / {account.password} — {account.role}")
