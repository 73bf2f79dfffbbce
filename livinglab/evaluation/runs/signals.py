"""Signals of the runs: what other apps (the CMS page cache) listen to."""

from django.dispatch import Signal

# Sent with `run` and `user` once a run's aggregated results are made public.
results_published = Signal()

# Sent with `run`, `user`, `reason` and the withdrawn `published_at` once a run's publication
# is withdrawn: nothing public reads that run any more (the campaign shows its previous
# published run, if any).
results_withdrawn = Signal()
