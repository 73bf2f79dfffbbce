"""`manage.py warm_pages`: render every public page into the page cache (after a deploy)."""

from django.core.management.base import BaseCommand, CommandError

from livinglab.cms.warming import warm_pages


class Command(BaseCommand):
    help = (
        "Request every live, public, cacheable page once as an anonymous visitor, so that the "
        "page cache serves the first visitors after a deploy (`livinglab/cms/warming.py`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            action="append",
            dest="base_urls",
            metavar="URL",
            help="public address of the site as visitors type it (repeatable; default: "
            "CMS_WARM_BASE_URLS, else WAGTAILADMIN_BASE_URL)",
        )

    def handle(self, *args, base_urls=None, **options):
        report = warm_pages(base_urls=base_urls)
        self.stdout.write(
            f"{report.warmed} page(s) stored, {report.already} already cached, "
            f"in {report.seconds:.1f} s"
        )
        if report.stopped:
            self.stdout.write("stopped: the pages changed meanwhile (a new warming is queued)")
        if report.failed:
            raise CommandError("not stored: " + "; ".join(report.failed))
