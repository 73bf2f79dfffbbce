"""`make run` in one Django start-up: `prepare_site`, then the development server, same process.

`scripts/run.sh` used to start Django three times before `/` answered: `prepare_site`, then
`runserver`'s autoreloader and the child it serves from (issue #15). This command runs
`prepare_site` and then `runserver` without its autoreloader in the process already set up.
`RELOAD=1 make run` keeps the autoreloader (and the separate `prepare_site`): a reload restarts
the serving process, which must not prepare the site again at every code change.
"""

import signal

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare the site (prepare_site) then serve it with runserver, without the autoreloader, "
        "in one process (used by `make run`)."
    )
    # prepare_site runs the system checks when its inputs changed.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("addrport", help="Address and port to serve on, e.g. 127.0.0.1:8000.")

    def handle(self, *args, **options):
        # run.sh starts this command in the background, where a shell ignores Ctrl-C (SIGINT):
        # take it back, so that Ctrl-C stops the server as it stops runserver.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        call_command("prepare_site", stdout=self.stdout, stderr=self.stderr)
        call_command("runserver", options["addrport"], use_reloader=False, skip_checks=True)
