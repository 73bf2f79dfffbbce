"""Template filters for results pages."""

from django import template

from livinglab.evaluation.runs.findings import french_spacing

register = template.Library()
register.filter("french_spacing", french_spacing)
