"""Admin pages of the measurement part: per-campaign protocol, imports, quality, code matches."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from livinglab.campaigns import permissions
from livinglab.campaigns.models import Campaign
from livinglab.evaluation.imports import ImportFailed, responses_import
from livinglab.evaluation.models import CodeMatch
from livinglab.evaluation.protocols import current_protocol, protocol_hash, protocol_lock
from livinglab.evaluation.quality import campaign_quality
from livinglab.evaluation.questionnaires import code_match_decide

SESSION_KEY = "livinglab_pending_response_imports"


class ResponsesUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier de réponses (CSV ou XLSX)"))
    wave = forms.CharField(
        label=_("Vague"),
        required=False,
        help_text=_("Seulement si le fichier n'a pas de colonne vague."),
    )
    create_participants = forms.BooleanField(
        label=_("Créer les participants inconnus (avec leur groupe et leur site)"), required=False
    )


def _campaign(request, campaign_id: int, check) -> Campaign:
    campaign = get_object_or_404(permissions.campaigns_visible_to(request.user), pk=campaign_id)
    if not check(request.user, campaign):
        raise PermissionDenied
    return campaign


def campaign_index(request):
    campaigns = permissions.campaigns_visible_to(request.user).order_by("title")
    return TemplateResponse(
        request,
        "evaluation/admin/index.html",
        {"campaigns": campaigns, "page_title": _("Mesure et données"), "header_icon": "table"},
    )


def campaign_measurement(request, campaign_id: int):
    campaign = _campaign(request, campaign_id, permissions.can_view)
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
    """Upload → dry-run preview with per-row errors → confirm (the file waits in storage)."""
    campaign = _campaign(request, campaign_id, permissions.can_edit)
    pending = request.session.get(SESSION_KEY, {})
    context = {
        "campaign": campaign,
        "page_title": _("Importer des réponses — %(title)s") % {"title": campaign.title},
        "header_icon": "upload",
        "back_url": reverse("evaluation_admin:measurement", args=[campaign.pk]),
    }
    if request.method == "POST" and request.POST.get("token") in pending:
        item = pending.pop(request.POST["token"])
        request.session[SESSION_KEY] = pending
        if item["campaign"] != campaign.pk:
            raise PermissionDenied
        with default_storage.open(item["path"], "rb") as stored:
            data = stored.read()
        default_storage.delete(item["path"])
        try:
            report = responses_import(
                campaign=campaign, data=data, filename=item["filename"], user=request.user,
                create_participants=item["create"], wave=item["wave"] or None,
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
        data = upload.read()
        options = {
            "create": form.cleaned_data["create_participants"],
            "wave": form.cleaned_data["wave"],
        }
        try:
            report = responses_import(
                campaign=campaign, data=data, filename=upload.name, user=request.user,
                dry_run=True, create_participants=options["create"], wave=options["wave"] or None,
            )  # fmt: skip
        except ImportFailed as failure:
            context.update(form=form, errors=failure.issues)
            return TemplateResponse(request, "evaluation/admin/upload.html", context)
        token = uuid.uuid4().hex
        stored = default_storage.save(f"imports/pending/{token}", ContentFile(data))
        pending[token] = {
            "campaign": campaign.pk,
            "path": stored,
            "filename": upload.name,
            **options,
        }
        request.session[SESSION_KEY] = pending
        return TemplateResponse(request, "evaluation/admin/upload.html",
                                {**context, "report": report, "token": token})  # fmt: skip
    return TemplateResponse(request, "evaluation/admin/upload.html", {**context, "form": form})


@require_POST
def protocol_lock_view(request, campaign_id: int):
    campaign = _campaign(request, campaign_id, permissions.can_edit)
    protocol = current_protocol(campaign)
    if protocol is not None:
        protocol_lock(protocol=protocol, user=request.user)
        messages.success(request, _("Protocole verrouillé (empreinte %(hash)s).")
                         % {"hash": protocol.lock_hash[:12]})  # fmt: skip
    return redirect("evaluation_admin:measurement", campaign.pk)


@require_POST
def code_match_view(request, campaign_id: int, match_id: int):
    campaign = _campaign(request, campaign_id, permissions.can_edit)
    match = get_object_or_404(CodeMatch, pk=match_id, campaign=campaign)
    code_match_decide(match=match, confirm=request.POST.get("decision") == "confirm",
                      user=request.user)  # fmt: skip
    return redirect("evaluation_admin:measurement", campaign.pk)


app_name = "evaluation_admin"
urlpatterns = [
    path("", campaign_index, name="index"),
    path("<int:campaign_id>/", campaign_measurement, name="measurement"),
    path("<int:campaign_id>/import/", responses_upload, name="upload"),
    path("<int:campaign_id>/lock/", protocol_lock_view, name="lock"),
    path("<int:campaign_id>/matches/<int:match_id>/", code_match_view, name="match"),
]
