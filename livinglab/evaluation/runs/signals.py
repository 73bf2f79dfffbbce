"""Signals of the runs: what other apps (the CMS page cache) listen to."""

from django.dispatch import Signal

# Sent with `run` once a run's aggregated results are made public.
results_published = Signal()
