"""Admin pages of the measurement part: per-campaign protocol, imports, quality, code matches.

Routed by `viewsets.py`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from livinglab.campaigns import permissions
from livinglab.core.tabular import FileRejected
from livinglab.core.uploads import ParkedUploads, read_upload
from livinglab.evaluation.measurement.forms import ResponsesUploadForm
from livinglab.evaluation.measurement.imports import ImportFailed, Issue, responses_import
from livinglab.evaluation.measurement.models import CodeMatch
from livinglab.evaluation.measurement.protocols import (
    current_protocol,
    protocol_hash,
    protocol_lock,
)
from livinglab.evaluation.measurement.quality import campaign_quality
from livinglab.evaluation.measurement.questionnaires import code_match_decide

PARKED = ParkedUploads("livinglab_pending_response_imports")


def campaign_index(request):
    campaigns = permissions.campaigns_visible_to(request.user).order_by("title")
    return TemplateResponse(
        request,
        "evaluation/admin/index.html",
        {"campaigns": campaigns, "page_title": _("Mesure et données"), "header_icon": "table"},
    )


def campaign_measurement(request, campaign_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_view)
    protocol = current_protocol(campaign)
    context = {
        "campaign": campaign,
        "protocol": protocol,
        "protocol_hash": protocol_hash(protocol) if protocol else "",
        "quality": campaign_quality(campaign=campaign),
        "can_edit": permissions.can_edit(request.user, campaign),
        "upload_form": ResponsesUploadForm(),
        "page_title": _("Mesure — %(title)s") % {"title": campaign.title},
        "header_icon": "table",
        "questionnaire_links": [
            request.build_absolute_uri(reverse("questionnaire:answer", args=[campaign.slug, code]))
            for code in (protocol.wave_codes if protocol else [])
        ],
    }
    return TemplateResponse(request, "evaluation/admin/measurement.html", context)


def responses_upload(request, campaign_id: int):
    """Upload → dry-run preview with per-row errors → confirm (core/uploads.py pipeline)."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    context = {
        "campaign": campaign,
        "page_title": _("Importer des réponses — %(title)s") % {"title": campaign.title},
        "header_icon": "upload",
        "back_url": reverse("evaluation_admin:measurement", args=[campaign.pk]),
    }
    parked = PARKED.claim(request, request.POST["token"]) if "token" in request.POST else None
    if parked is not None:
        if parked.options["campaign"] != campaign.pk:
            raise PermissionDenied
        try:
            report = responses_import(
                campaign=campaign, data=parked.content, filename=parked.filename,
                user=request.user, create_participants=parked.options["create"],
                wave=parked.options["wave"] or None,
            )  # fmt: skip
        except ImportFailed as failure:  # the data changed between preview and confirmation
            return TemplateResponse(request, "evaluation/admin/upload.html",
                                    {**context, "errors": failure.issues})  # fmt: skip
        messages.success(
            request,
            _("%(values)d valeurs importées (%(rows)d lignes, %(new)d nouveaux participants).")
            % {"values": report.values, "rows": report.rows, "new": report.new_participants},
        )
        return redirect(context["back_url"])
    form = ResponsesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {
            "campaign": campaign.pk,
            "create": form.cleaned_data["create_participants"],
            "wave": form.cleaned_data["wave"],
        }
        try:
            content, table = read_upload(upload)
            report = responses_import(
                campaign=campaign, table=table, filename=upload.name, user=request.user,
                dry_run=True, create_participants=options["create"], wave=options["wave"] or None,
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


@require_POST
def protocol_lock_view(request, campaign_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    protocol = current_protocol(campaign)
    if protocol is not None:
        protocol_lock(protocol=protocol, user=request.user)
        messages.success(request, _("Protocole verrouillé (empreinte %(hash)s).")
                         % {"hash": protocol.lock_hash[:12]})  # fmt: skip
    return redirect("evaluation_admin:measurement", campaign.pk)


@require_POST
def code_match_view(request, campaign_id: int, match_id: int):
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    match = get_object_or_404(CodeMatch, pk=match_id, campaign=campaign)
    code_match_decide(match=match, confirm=request.POST.get("decision") == "confirm",
                      user=request.user)  # fmt: skip
    return redirect("evaluation_admin:measurement", campaign.pk)
