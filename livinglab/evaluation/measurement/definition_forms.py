"""Forms of the survey-tool pages: the questionnaire upload, the column mapping with its value
maps, and the protocol drafted from an XLSForm."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from livinglab.core.tabular import FileRejected, check_size
from livinglab.evaluation.measurement.definitions import (
    TICKED,
    TOOL_FORMATS,
    DefinitionError,
    first_label,
    numeric,
    read_definition,
)
from livinglab.evaluation.measurement.definitions.services import NEW, code_of
from livinglab.evaluation.measurement.imports.repeats import METHODS
from livinglab.evaluation.measurement.models import Protocol, Scale
from livinglab.evaluation.measurement.protocols import DESIGN_MIN_WAVES

TOOLS = [("limesurvey", "LimeSurvey"), ("kobo", "KoboToolbox"), ("odk", "ODK Central")]
FIELDS = [
    ("participant", _("Code participant")),
    ("wave", _("Vague")),
    ("group", _("Groupe (intervention ou comparaison)")),
    ("site", _("Site")),
]
MISSING_WORDS = {"", "vide", "manquant", "missing", "null", "na"}


class DefinitionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire de l'outil"),
        help_text=_(
            "Structure de l'enquête LimeSurvey (.lss, ou .txt tabulé), ou XLSForm (.xlsx) du "
            "formulaire KoboToolbox ou ODK."
        ),
    )
    tool = forms.ChoiceField(
        label=_("Les réponses sont exportées par"),
        choices=[("", _("— d'après le fichier —")), *TOOLS],
        required=False,
        help_text=_("Un XLSForm sert KoboToolbox par défaut ; choisissez ODK Central sinon."),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        try:
            check_size(upload.size)
            self.definition = read_definition(upload.read(), filename=upload.name)
        except (DefinitionError, FileRejected) as error:
            raise ValidationError(str(error)) from error
        formats = TOOL_FORMATS[self.definition["tool"]]
        tool = data.get("tool") or formats[0]
        if tool not in formats:
            raise ValidationError(
                _("%(file)s (définition %(kind)s) ne décrit pas les exports de %(tool)s.")
                % {
                    "file": Path(upload.name).name,
                    "kind": self.definition["tool"],
                    "tool": dict(TOOLS)[tool],
                }
            )
        data["tool"] = tool
        return data


def parse_value_lines(text: str, *, numbers: bool) -> dict:
    """`code = valeur` lines (also `;`, `→`, `=>`) → {code: value}; an empty value is missing."""
    table = {}
    for line_number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        for separator in ("=>", "→", "=", ";"):
            if separator in line:
                answer, value = (part.strip() for part in line.split(separator, 1))
                break
        else:
            raise ValidationError(_("ligne %(n)d : « code = valeur » attendu") % {"n": line_number})
        if value.casefold() in MISSING_WORDS:
            table[answer] = None
        elif numbers and numeric(value) is None:
            raise ValidationError(
                _("ligne %(n)d : « %(value)s » n'est pas un nombre")
                % {"n": line_number, "value": value}
            )
        else:
            table[answer] = numeric(value) if numbers else value
    return table


def value_lines(table) -> str:
    if not isinstance(table, dict):
        return ""
    return "\n".join(
        f"{answer} = {'' if value is None else value}" for answer, value in table.items()
    )


def _choice_label(column: dict) -> str:
    label = first_label(column.get("labels", {}))
    return f"{column['name']} — {label}"[:120] if label else column["name"]


class MappingForm(forms.Form):
    """Where each field and outcome is, and its value map; drafts shown as help."""

    def __init__(self, *args, definition, outcomes, mapping: dict, drafts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        self.repeat_names = {
            c["name"] for c in (definition or {}).get("columns", []) if c.get("repeat")
        }
        choices = None
        if definition:
            choices = [("", "—")] + [
                (column["name"], _choice_label(column)) for column in definition.get("columns", [])
            ]
        known = {value for value, _label in choices or []}
        values = mapping.get("values", {})

        def column_field(label, current):
            if choices is None:
                return forms.CharField(label=label, required=False, initial=current)
            extra = [(current, current)] if current and current not in known else []
            return forms.ChoiceField(
                label=label, required=False, initial=current, choices=choices + extra
            )

        for name, label in FIELDS:
            self.fields[f"field_{name}"] = column_field(label, mapping.get("fields", {}).get(name))
        self.fields["values_wave"] = forms.CharField(
            label=_("Réponses de la vague → code de la vague"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=value_lines(values.get("wave")),
            help_text=drafts.get("wave", ""),
        )
        for outcome in self.outcomes:
            code = outcome.indicator.code
            self.fields[f"column_{code}"] = column_field(
                f"{outcome} ({code})", mapping.get("indicators", {}).get(code)
            )
            self.fields[f"values_{code}"] = forms.CharField(
                label=_("Table de valeurs (une ligne par réponse : code ou libellé = valeur)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=value_lines(values.get(code)),
                help_text=drafts.get(code, ""),
            )
            self.fields[f"ticked_{code}"] = forms.BooleanField(
                label=_("Case d'un choix multiple (cochée = 1, non cochée = 0)"),
                required=False,
                initial=values.get(code) == TICKED,
            )
            self.fields[f"aggregate_{code}"] = forms.ChoiceField(
                label=_("Groupe répété : agrégation par soumission"),
                required=False,
                choices=[("", "—"), *((m, m) for m in METHODS)],
                initial=mapping.get("aggregates", {}).get(code, ""),
            )

    def clean(self):
        data = super().clean()
        for key in list(data):
            if key.startswith("values_") and key in self.fields:
                try:
                    data[key] = parse_value_lines(data[key] or "", numbers=key != "values_wave")
                except ValidationError as error:
                    self.add_error(key, error)
        return data

    def mapping(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[f"field_{name}"] for name, _label in FIELDS if data[f"field_{name}"]}
        indicators, values, aggregates = {}, {}, {}
        if data.get("values_wave"):
            values["wave"] = data["values_wave"]
        for outcome in self.outcomes:
            code = outcome.indicator.code
            if data[f"column_{code}"]:
                indicators[code] = data[f"column_{code}"]
            if data[f"ticked_{code}"]:
                values[code] = TICKED
            elif data.get(f"values_{code}"):
                values[code] = data[f"values_{code}"]
            if data[f"aggregate_{code}"]:
                aggregates[code] = data[f"aggregate_{code}"]
        return {
            "fields": fields,
            "indicators": indicators,
            "values": values,
            "aggregates": aggregates,
        }


class ProtocolDraftForm(forms.Form):
    """The questions to keep as outcomes, their indicators, the primary one, design and waves."""

    design = forms.ChoiceField(label=_("Plan"), choices=Protocol.Design.choices)
    waves = forms.CharField(
        label=_("Vagues"),
        help_text=_(
            "Codes des vagues dans l'ordre, séparés par des virgules (la première est "
            "la mesure initiale)."
        ),
    )

    def __init__(self, *args, candidates: list[dict], indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["primary"] = forms.ChoiceField(
            label=_("Critère principal"),
            widget=forms.RadioSelect,
            choices=[(c["name"], f"{c['name']} — {c['label']}") for c in candidates],
        )
        catalogue = [
            (indicator.code, f"{indicator.code} — {indicator.label}") for indicator in indicators
        ]
        for candidate in candidates:
            name = candidate["name"]
            self.fields[f"include_{name}"] = forms.BooleanField(
                label=candidate["label"], required=False, initial=bool(candidate["indicator"])
            )
            new = (
                NEW,
                _("Nouvel indicateur « %(code)s » (%(scale)s)")
                % {"code": code_of(name), "scale": Scale(candidate["scale"]).label},
            )
            self.fields[f"indicator_{name}"] = forms.ChoiceField(
                label=_("Indicateur"),
                choices=[new, *catalogue],
                initial=candidate["indicator"] or NEW,
            )

    def rows(self):
        """(candidate, include field, indicator field) for the template."""
        return [
            (c, self[f"include_{c['name']}"], self[f"indicator_{c['name']}"])
            for c in self.candidates
        ]

    def clean(self):
        data = super().clean()
        chosen = [c for c in self.candidates if data.get(f"include_{c['name']}")]
        if not chosen:
            raise ValidationError(_("Cochez au moins une question à garder comme critère."))
        if data.get("primary") not in {c["name"] for c in chosen}:
            self.add_error("primary", _("Le critère principal doit être une question cochée."))
        codes = [data.get(f"indicator_{c['name']}") for c in chosen]
        codes = [
            code if code != NEW else code_of(c["name"])
            for c, code in zip(chosen, codes, strict=True)
        ]
        if len(set(codes)) != len(codes):
            raise ValidationError(_("Deux questions cochées mènent au même indicateur."))
        waves = [code.strip() for code in (data.get("waves") or "").split(",") if code.strip()]
        design = data.get("design")
        if design and len(set(waves)) < DESIGN_MIN_WAVES[design]:
            self.add_error(
                "waves",
                _("Ce plan demande au moins %(n)d vagues distinctes.")
                % {"n": DESIGN_MIN_WAVES[design]},
            )
        data["wave_list"] = waves
        data["selections"] = [
            {
                **c,
                "indicator": data[f"indicator_{c['name']}"],
                "primary": c["name"] == data.get("primary"),
            }
            for c in chosen
        ]
        return data
