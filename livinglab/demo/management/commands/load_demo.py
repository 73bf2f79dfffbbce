"""Load (or refresh) the demo: the same command twice leaves the same data."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from livinglab.demo import accounts, campaigns, cms, costs, evaluation, runs, toolkit, translations


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
            demo_accounts = accounts.load_core_demo()
        # Order matters: campaigns feed the evaluation, the runs need its responses, and the
        # CMS pages show the campaigns and their published results.
        campaigns.load(stdout=self.stdout)
        costs.load(stdout=self.stdout)  # before the runs: their reports state the costs
        evaluation.load(stdout=self.stdout)
        runs.load(stdout=self.stdout)
        cms.load(stdout=self.stdout)
        toolkit.load(stdout=self.stdout)  # its cards read the pooled evidence `runs` computed
        translations.load(stdout=self.stdout)  # English copies of the CMS pages
        self.stdout.write(self.style.SUCCESS("Démo chargée."))
        self.stdout.write("Comptes de démonstration (identifiant / mot de passe — rôle) :")
        for account in demo_accounts:
            self.stdout.write(f"  {account.username} / {account.password} — {account.role}")
        username, password = campaigns.OUTSIDER  # the README lists it with the others
        self.stdout.write(
            f"  {username} / {password} — manager of an unrelated organisation (sees no campaign)"
        )
