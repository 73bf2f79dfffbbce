"""Admin wiring of the campaigns app."""

from livinglab.campaigns import audit  # noqa: F401 - registers the audit log actions
