"""The generic wide file of DESIGN.md §4: participant, wave, [group], [site], indicator codes."""

from livinglab.evaluation.measurement.imports.formats.base import SurveyFormat

FORMAT = SurveyFormat(name="generic", label="Fichier générique", recognises=lambda columns: True)
