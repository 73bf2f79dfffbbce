"""Admin pages of the measurement part: per-campaign protocol, imports, quality, code matches,
online questionnaires (invitation links with their keys and QR codes, settings, duplicates).

Routed by `viewsets.py`."""

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from livinglab.campaigns import audit, permissions
from livinglab.campaigns.models import Campaign
from livinglab.core.tabular import FileRejected
from livinglab.core.uploads import ParkedUploads, read_upload
from livinglab.evaluation.measurement.forms import (
    DuplicateDecisionForm,
    QuestionnaireSettingsForm,
    ResponsesUploadForm,
)
from livinglab.evaluation.measurement.imports import ImportFailed, Issue, responses_import
from livinglab.evaluation.measurement.imports.guide import (
    expected_columns,
    format_labels,
    template_csv,
)
from livinglab.evaluation.measurement.models import (
    CodeMatch,
    PendingSubmission,
    Protocol,
    QuestionnaireSettings,
    Wave,
)
from livinglab.evaluation.measurement.protocols import current_protocol, protocol_hash
from livinglab.evaluation.measurement.quality import campaign_quality
from livinglab.evaluation.measurement.questionnaires import (
    invitation_path,
    wave_key_regenerate,
    wave_window_message,
)
from livinglab.evaluation.measurement.reconciliation import (
    code_match_decide,
    pending_duplicates,
    pending_resolve,
)

PARKED = ParkedUploads("livinglab_pending_response_imports")


def titled(title, icon: str = "table") -> dict:
    """An admin page's header and browser title (``header_title`` fills the <title>)."""
    return {"page_title": title, "header_title": title, "header_icon": icon}


def campaign_index(request):
    campaigns = permissions.campaigns_visible_to(request.user).order_by("title")
    return TemplateResponse(
        request,
        "evaluation/admin/index.html",
        {"campaigns": campaigns, **titled(_("Mesure et données"))},
    )


def campaign_measurement(request, campaign_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_view)
    protocol = current_protocol(campaign)
    can_edit = permissions.can_edit(request.user, campaign)
    options = QuestionnaireSettings.objects.filter(campaign=campaign).first()
    options = options or QuestionnaireSettings(campaign=campaign)
    context = {
        "campaign": campaign,
        "protocol": protocol,
        "protocol_hash": protocol_hash(protocol) if protocol else "",
        "quality": campaign_quality(campaign=campaign),
        "can_edit": can_edit,
        "upload_form": ResponsesUploadForm(),
        **titled(_("Mesure — %(title)s") % {"title": campaign.title}),
        "protocol_waves": _protocol_waves(campaign, protocol),
        # Without their keys: the keyed links and QR codes are for the campaign's managers.
        "questionnaire_links": [
            request.build_absolute_uri(reverse("questionnaire:answer", args=[campaign.slug, code]))
            for code in (protocol.wave_codes if protocol else [])
        ],
        "questionnaire_settings": options,
        "questionnaire_running": campaign.status == Campaign.Status.RUNNING,
        "duplicates": pending_duplicates(campaign),
    }
    if can_edit:
        context["invitations"] = _invitations(request, campaign, protocol)
        context["settings_form"] = QuestionnaireSettingsForm(instance=options)
    return TemplateResponse(request, "evaluation/admin/measurement.html", context)


def _protocol_waves(campaign, protocol) -> list:
    """The protocol's waves in order, as their labels (the code when a wave has none)."""
    if protocol is None:
        return []
    waves = {wave.code: wave for wave in campaign.waves.filter(code__in=protocol.wave_codes)}
    return [str(waves.get(code) or code) for code in protocol.wave_codes]


def _invitations(request, campaign, protocol) -> list[dict]:
    """Per wave: its invitation link(s) with the access key, the QR code's URL, its window."""
    if protocol is None:
        return []
    waves = {wave.code: wave for wave in campaign.waves.filter(code__in=protocol.wave_codes)}
    groups = [(False, _("Groupe d'intervention"))]
    if protocol.design == Protocol.Design.CONTROLLED_PRE_POST:
        groups.append((True, _("Groupe de comparaison")))
    rows = []
    for code in protocol.wave_codes:
        wave = waves.get(code)
        if wave is None:
            continue
        qrcode = reverse("evaluation_admin:wave_qrcode", args=[campaign.pk, wave.pk])
        links = [
            {
                "group": label,
                "url": request.build_absolute_uri(invitation_path(wave, comparison=comparison)),
                "qrcode": qrcode + ("?groupe=comparaison" if comparison else ""),
            }
            for comparison, label in groups
        ]
        rows.append({"wave": wave, "links": links, "window": wave_window_message(wave)})
    return rows


def responses_upload(request, campaign_id: int):
    """Upload → dry-run preview with per-row errors → confirm (core/uploads.py pipeline)."""
    # Responses also come as ODK Central's ZIP (submissions + repeat groups): same limits.
    from livinglab.evaluation.measurement.imports import ADMIN_CREATE_HINT, read_zip_upload

    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    protocol = current_protocol(campaign)
    waves = _wave_choices(campaign, protocol)
    chosen = request.GET.get("vague", "")
    chosen = chosen if chosen in dict(waves) else ""
    template_url = reverse("evaluation_admin:upload_template", args=[campaign.pk])
    context = {
        "campaign": campaign,
        **titled(_("Importer des réponses — %(title)s") % {"title": campaign.title}, "upload"),
        "back_url": reverse("evaluation_admin:measurement", args=[campaign.pk]),
        "protocol": protocol,
        "wave_choices": waves,
        "chosen_wave": chosen,
        "chosen_wave_label": dict(waves).get(chosen) or chosen,
        "columns": expected_columns(campaign, protocol, chosen) if protocol else [],
        "formats": format_labels(),
        "template_url": template_url + (f"?vague={chosen}" if chosen else ""),
    }
    parked = PARKED.claim(request, request.POST["token"]) if "token" in request.POST else None
    if "token" in request.POST and parked is None:  # expired, or a second click
        messages.error(request, _("Cet import a expiré : déposez le fichier à nouveau."))
        return redirect(request.get_full_path())
    if parked is not None:
        if parked.options["campaign"] != campaign.pk:
            raise PermissionDenied
        try:
            report = responses_import(
                campaign=campaign, data=parked.content, filename=parked.filename,
                user=request.user, create_participants=parked.options["create"],
                wave=parked.options["wave"] or None, create_hint=ADMIN_CREATE_HINT,
            )  # fmt: skip
        except ImportFailed as failure:  # the data changed between preview and confirmation
            return TemplateResponse(request, "evaluation/admin/upload.html",
                                    {**context, "errors": failure.issues})  # fmt: skip
        messages.success(
            request,
            _("%(values)d valeurs importées (%(rows)d lignes, %(new)d nouveaux participants).")
            % {"values": report.values, "rows": report.rows, "new": report.new_participants},
        )
        for line in report.summary_lines():  # rows skipped or flagged by the survey tool
            messages.info(request, line)
        return redirect(context["back_url"])
    form = ResponsesUploadForm(
        request.POST or None, request.FILES or None, waves=waves, initial={"wave": chosen}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {
            "campaign": campaign.pk,
            "create": form.cleaned_data["create_participants"],
            "wave": form.cleaned_data["wave"],
        }
        try:
            zipped = upload.name.lower().endswith(".zip")
            content, table = (read_zip_upload if zipped else read_upload)(upload)
            report = responses_import(
                campaign=campaign, table=table, filename=upload.name, user=request.user,
                dry_run=True, create_participants=options["create"], wave=options["wave"] or None,
                create_hint=ADMIN_CREATE_HINT,
            )  # fmt: skip
        except FileRejected as refused:
            context.update(form=form, errors=[Issue(1, "", "", str(refused))])
            return TemplateResponse(request, "evaluation/admin/upload.html", context)
        except ImportFailed as failure:
            context.update(form=form, errors=failure.issues)
            return TemplateResponse(request, "evaluation/admin/upload.html", context)
        token = PARKED.park(request, content=content, filename=upload.name, **options)
        return TemplateResponse(request, "evaluation/admin/upload.html",
                                {**context, "report": report, "token": token})  # fmt: skip
    return TemplateResponse(request, "evaluation/admin/upload.html", {**context, "form": form})


def _wave_choices(campaign, protocol) -> list[tuple[str, str]]:
    if protocol is None:
        return []
    waves = {wave.code: wave for wave in campaign.waves.filter(code__in=protocol.wave_codes)}
    return [(code, waves[code].label if code in waves else "") for code in protocol.wave_codes]


def responses_template(request, campaign_id: int):
    """The generic file's header for this protocol (and the wave chosen), to fill in."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    protocol = current_protocol(campaign)
    if protocol is None:
        raise Http404
    wave = request.GET.get("vague", "")
    wave = wave if wave in protocol.wave_codes else ""
    content = template_csv(expected_columns(campaign, protocol, wave))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"modele-{campaign.slug}" + (f"-{wave}" if wave else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_POST
def code_match_view(request, campaign_id: int, match_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    match = get_object_or_404(CodeMatch, pk=match_id, campaign=campaign)
    code_match_decide(match=match, confirm=request.POST.get("decision") == "confirm",
                      user=request.user)  # fmt: skip
    return redirect("evaluation_admin:measurement", campaign.pk)


@require_POST
def duplicate_resolve_view(request, campaign_id: int, pending_id: int):
    """Keep the stored answers or replace them with an online submission kept apart."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    pending = get_object_or_404(PendingSubmission, pk=pending_id, campaign=campaign)
    form = DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de garder ou de remplacer les réponses."))
    elif pending_resolve(pending=pending, replace=form.replace, user=request.user):
        if form.replace:
            messages.success(request, _("Les réponses de la vague ont été remplacées."))
        else:
            messages.success(request, _("Réponses conservées ; la réponse en double est écartée."))
    return redirect("evaluation_admin:measurement", campaign.pk)


@require_POST
def wave_key_view(request, campaign_id: int, wave_id: int):
    """A new access key for the wave: links and QR codes handed out before stop working."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    wave = get_object_or_404(Wave, pk=wave_id, campaign=campaign)
    wave_key_regenerate(wave=wave, user=request.user)
    messages.success(
        request,
        _("Nouvelle clé pour la vague %(wave)s : les liens et QR codes précédents ne "
          "fonctionnent plus.") % {"wave": wave},
    )  # fmt: skip
    return redirect("evaluation_admin:measurement", campaign.pk)


@never_cache
def wave_qrcode_view(request, campaign_id: int, wave_id: int):
    """A printable QR code (SVG) of the wave's invitation link, key included: managers only."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    wave = get_object_or_404(Wave, pk=wave_id, campaign=campaign)
    comparison = request.GET.get("groupe") == "comparaison"
    link = request.build_absolute_uri(invitation_path(wave, comparison=comparison))
    buffer = io.BytesIO()
    segno.make(link, error="m").save(
        buffer, kind="svg", scale=8, border=4, dark="#000", light="#fff", title=link
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    suffix = "-comparaison" if comparison else ""
    response["Content-Disposition"] = (
        f'inline; filename="questionnaire-{campaign.slug}-{wave.code}{suffix}.svg"'
    )
    return response


@require_POST
def questionnaire_settings_view(request, campaign_id: int):
    """Open or close the online questionnaire, require the wave keys, set the consent text."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    with transaction.atomic():
        options, _created = QuestionnaireSettings.objects.get_or_create(campaign=campaign)
        form = QuestionnaireSettingsForm(request.POST, instance=options)
        if not form.is_valid():
            messages.error(request, _("Réglages du questionnaire non enregistrés."))
        elif form.has_changed():
            form.save()
            audit.record(
                campaign,
                "livinglab.questionnaire_access",
                user=request.user,
                data={
                    "change": "settings",
                    "fields": form.changed_data,
                    "is_open": options.is_open,
                    "require_access_key": options.require_access_key,
                },
            )
            messages.success(request, _("Réglages du questionnaire enregistrés."))
    return redirect("evaluation_admin:measurement", campaign.pk)
