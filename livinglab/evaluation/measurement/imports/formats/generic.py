"""The generic wide file of DESIGN.md §4: participant, wave, [group], [site], indicator codes."""

from django.utils.translation import gettext_lazy as _

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

FORMAT = SurveyFormat(
    name="generic", label=_("Fichier générique (CSV/XLSX)"), recognises=lambda columns: True
)
