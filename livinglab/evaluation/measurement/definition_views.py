"""Admin pages of the survey tools, per campaign and for its managers: the tool's questionnaire
(LimeSurvey structure or XLSForm), the column mapping with its value maps, and a protocol
drafted from an XLSForm. Routed by `viewsets.py`."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from livinglab.campaigns import permissions
from livinglab.evaluation.measurement.definition_forms import (
    TOOLS,
    DefinitionUploadForm,
    MappingForm,
    ProtocolDraftForm,
)
from livinglab.evaluation.measurement.definitions import column_named, summary
from livinglab.evaluation.measurement.definitions.services import (
    definition_save,
    mapping_of,
    mapping_save,
    protocol_candidates,
    protocol_draft_create,
    wave_choices,
)
from livinglab.evaluation.measurement.imports.formats import format_named
from livinglab.evaluation.measurement.imports.mapping import guess_mapping, saved_questionnaire
from livinglab.evaluation.measurement.imports.valuemaps import field_table, indicator_table
from livinglab.evaluation.measurement.models import Indicator, Protocol
from livinglab.evaluation.measurement.protocols import ProtocolError, current_protocol

TEMPLATES = "evaluation/admin/"


def _context(campaign, title: str, icon: str = "doc-full") -> dict:
    return {
        "campaign": campaign,
        "page_title": f"{title} — {campaign.title}",
        "header_title": f"{title} — {campaign.title}",
        "header_icon": icon,
        "back_url": reverse("evaluation_admin:measurement", args=[campaign.pk]),
        "upload_url": reverse("evaluation_admin:upload", args=[campaign.pk]),
        "definition_url": reverse("evaluation_admin:definition", args=[campaign.pk]),
    }


def definition_view(request, campaign_id: int):
    """Upload the tool's questionnaire; list what is saved per tool."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    form = DefinitionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        source_format = form.cleaned_data["tool"]
        definition_save(campaign=campaign, source_format=source_format, definition=form.definition)
        messages.success(
            request,
            _("Questionnaire enregistré pour %(tool)s : %(n)d colonnes, langues %(languages)s.")
            % {
                "tool": format_named(source_format).label,
                "n": len(form.definition["columns"]),
                "languages": ", ".join(form.definition["languages"]) or "—",
            },
        )
        target = "protocol_draft" if request.POST.get("next") == "draft" else "mapping"
        url = reverse(f"evaluation_admin:{target}", args=[campaign.pk])
        return redirect(f"{url}?format={source_format}")
    saved = [
        {
            "format": mapping.source_format,
            "label": format_named(mapping.source_format).label,
            "summary": summary(mapping.mapping["questionnaire"])
            if mapping.mapping.get("questionnaire")
            else None,
            "indicators": mapping.mapping.get("indicators", {}),
            "url": reverse("evaluation_admin:mapping", args=[campaign.pk])
            + f"?format={mapping.source_format}",
        }
        for mapping in campaign.column_mappings.order_by("source_format")
    ]
    context = _context(campaign, _("Questionnaire de l'outil d'enquête"))
    context.update(form=form, saved=saved, tools=TOOLS)
    return TemplateResponse(request, TEMPLATES + "definition.html", context)


def mapping_view(request, campaign_id: int):
    """Where each field and outcome is in the tool's export, and how its answers read."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    source_format = request.POST.get("format") or request.GET.get("format")
    if source_format not in dict(TOOLS):
        return redirect("evaluation_admin:definition", campaign.pk)
    survey_format = format_named(source_format)
    mapping = mapping_of(campaign, source_format)
    definition = mapping.get("questionnaire") or saved_questionnaire(campaign, source_format)
    protocol = current_protocol(campaign)
    outcomes = list(protocol.outcomes.select_related("indicator")) if protocol else []
    shown = _with_guesses(mapping, definition, outcomes, survey_format)
    form = MappingForm(
        request.POST or None,
        definition=definition,
        outcomes=outcomes,
        mapping=shown,
        drafts=_drafts(definition, outcomes, shown, survey_format),
    )
    if request.method == "POST" and form.is_valid():
        new = form.mapping()
        if definition and not mapping.get("questionnaire"):
            new["questionnaire"] = definition
        mapping_save(campaign=campaign, source_format=source_format, mapping=new)
        messages.success(
            request, _("Correspondance enregistrée pour %(tool)s.") % {"tool": survey_format.label}
        )
        return redirect(request.path + f"?format={source_format}")
    context = _context(campaign, _("Correspondance des colonnes"), "list-ul")
    context.update(
        form=form,
        source_format=source_format,
        format_label=survey_format.label,
        definition=summary(definition) if definition else None,
        outcome_rows=[
            [
                form[f"{kind}_{outcome.indicator.code}"]
                for kind in ("column", "ticked", "values", "aggregate")
            ]
            for outcome in outcomes
        ],
        field_rows=[form[name] for name in form.fields if name.startswith("field_")],
        has_protocol=protocol is not None,
    )
    return TemplateResponse(request, TEMPLATES + "mapping.html", context)


def _with_guesses(mapping: dict, definition, outcomes, survey_format) -> dict:
    """The saved mapping, completed with what the import would guess from question names."""
    if not definition:
        return mapping
    names = [column["name"] for column in definition.get("columns", [])]
    codes = [outcome.indicator.code for outcome in outcomes]
    guessed = guess_mapping(names, codes, normalise=survey_format.normalise)
    return {
        **mapping,
        "fields": {**guessed["fields"], **mapping.get("fields", {})},
        "indicators": {**guessed["indicators"], **mapping.get("indicators", {})},
    }


def _drafts(definition, outcomes, mapping, survey_format) -> dict[str, str]:
    """The value tables the questionnaire gives, shown next to each value map."""
    drafts = {}
    indicators = mapping.get("indicators", {})
    for outcome in outcomes:
        column = column_named(definition, indicators.get(outcome.indicator.code, ""))
        table = indicator_table(
            indicator=outcome.indicator,
            explicit=None,
            column=column,
            definition=definition,
            ticked=survey_format.ticked,
        )
        if table is not None:
            drafts[outcome.indicator.code] = _shown(table)
    wave = column_named(definition, mapping.get("fields", {}).get("wave", ""))
    table = field_table(explicit=None, column=wave, definition=definition)
    if table is not None:
        drafts["wave"] = _shown(table)
    return drafts


def _shown(table) -> str:
    pairs = " ; ".join(f"{answer} → {value}" for answer, value in table.shown)
    return _("D'après le questionnaire : %(pairs)s") % {"pairs": pairs}


def protocol_draft_view(request, campaign_id: int):
    """Outcomes proposed from the XLSForm's numeric and single-choice questions, to confirm."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    requested = request.POST.get("format") or request.GET.get("format")
    source_format, definition = None, None
    for candidate_format in [requested] if requested in ("kobo", "odk") else ["kobo", "odk"]:
        found = mapping_of(campaign, candidate_format).get("questionnaire")
        if found and found.get("tool") == "xlsform":
            source_format, definition = candidate_format, found
            break
    if definition is None:
        messages.info(
            request, _("Enregistrez d'abord le XLSForm du formulaire KoboToolbox ou ODK.")
        )
        return redirect("evaluation_admin:definition", campaign.pk)
    indicators = list(Indicator.objects.order_by("code"))
    candidates = protocol_candidates(definition, indicators)
    protocol = current_protocol(campaign)
    waves = (
        (protocol.wave_codes if protocol else [])
        or list(campaign.waves.values_list("code", flat=True))
        or wave_choices(definition)
        or ["baseline", "post"]
    )
    initial = {
        "design": protocol.design if protocol else Protocol.Design.PRE_POST,
        "waves": ", ".join(waves),
    }
    form = ProtocolDraftForm(
        request.POST or None, candidates=candidates, indicators=indicators, initial=initial
    )
    if request.method == "POST" and candidates and form.is_valid():
        data = form.cleaned_data
        try:
            created = protocol_draft_create(
                campaign=campaign,
                definition=definition,
                source_format=source_format,
                selections=data["selections"],
                design=data["design"],
                waves=data["wave_list"],
                user=request.user,
            )
        except ProtocolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Protocole v%(version)d créé depuis le XLSForm (%(n)d critères) : relisez-le "
                    "puis verrouillez-le."
                )
                % {"version": created.version, "n": created.outcomes.count()},
            )
            return redirect("evaluation_admin:measurement", campaign.pk)
    context = _context(campaign, _("Préparer le protocole depuis le XLSForm"), "form")
    context.update(
        form=form,
        candidates=candidates,
        source_format=source_format,
        definition=summary(definition),
        locked=bool(protocol and protocol.is_locked),
    )
    return TemplateResponse(request, TEMPLATES + "protocol_draft.html", context)
