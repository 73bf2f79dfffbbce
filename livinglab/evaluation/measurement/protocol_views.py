"""The protocol builder in the admin, per campaign: write the draft (or the next version of a
locked protocol), add an indicator missing from the catalogue, confirm the lock.

Routed by `viewsets.ProtocolBuilderViewSet` (namespace ``evaluation_protocols``)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns import audit, permissions
from livinglab.evaluation.measurement.models import Protocol, SubgroupDimension
from livinglab.evaluation.measurement.protocol_forms import (
    IndicatorCreateForm,
    OutcomeFormSet,
    ProtocolForm,
    WaveFormSet,
    builder_definition,
    builder_initial,
)
from livinglab.evaluation.measurement.protocols import (
    ProtocolError,
    current_protocol,
    protocol_definition,
    protocol_hash,
    protocol_import,
    protocol_lock,
)
from livinglab.evaluation.measurement.views import titled

FORM_FIELDS = ("design", "alpha", "correction", "min_cell_size", "subgroups")


def _next_url(request) -> str:
    """Where the caller (e.g. the campaign dashboard) asked to return to, if on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


def protocol_build(request, campaign_id: int):
    """Edit the current draft, or write the next version (a copy) of a locked protocol."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    current = current_protocol(campaign)
    locked = current is not None and current.is_locked
    initial = builder_initial(protocol_definition(current) if current else None)
    data = request.POST if request.method == "POST" else None
    form = ProtocolForm(data, initial=initial["form"], deviation_required=locked)
    waves = WaveFormSet(data, initial=initial["waves"], prefix="waves")
    outcomes = OutcomeFormSet(data, initial=initial["outcomes"], prefix="outcomes")
    section_errors: dict[str, list[str]] = {}
    if data is not None and form.is_valid() and waves.is_valid() and outcomes.is_valid():
        definition = builder_definition(
            campaign=campaign, form=form, waves=waves, outcomes=outcomes
        )
        try:
            with transaction.atomic():
                protocol = protocol_import(
                    definition=definition,
                    user=request.user,
                    deviation=form.cleaned_data.get("deviation", ""),
                )
        except ProtocolError as error:
            if error.field in FORM_FIELDS:
                form.add_error(error.field, str(error))
            elif error.field in ("waves", "outcomes"):
                section_errors[error.field] = [str(error)]
            else:
                form.add_error(None, str(error))
        else:
            if protocol == current and locked:
                messages.info(
                    request, _("Aucun changement : la version verrouillée reste en vigueur.")
                )
            else:
                messages.success(
                    request,
                    _("Protocole enregistré (version %(version)d, brouillon). Relisez-le puis "
                      "verrouillez-le.") % {"version": protocol.version},
                )  # fmt: skip
            next_url = _next_url(request)  # kept: the lock's confirmation returns there
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            return redirect(_build_url(campaign) + query)
    next_version = (current.version + 1) if locked else (current.version if current else 1)
    context = {
        **titled(_("Protocole d'évaluation — %(title)s") % {"title": campaign.title}, "form"),
        "campaign": campaign,
        "current": current,
        "locked": locked,
        "next_version": next_version,
        "form": form,
        "waves": waves,
        "outcomes": outcomes,
        "section_errors": section_errors,
        "versions": campaign.protocols.order_by("-version"),
        "measurement_url": reverse("evaluation_admin:measurement", args=[campaign.pk]),
        "next_url": _next_url(request),
        "indicator_url": reverse("evaluation_protocols:indicator", args=[campaign.pk]),
    }
    return TemplateResponse(request, "evaluation/admin/protocol_build.html", context)


def indicator_create(request, campaign_id: int):
    """A new catalogue indicator for an outcome of this campaign (bounds checked on imports)."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    form = IndicatorCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            indicator = form.save()
            audit.record(indicator, "wagtail.create", user=request.user)  # its history
        messages.success(
            request,
            _("Indicateur « %(label)s » ajouté au catalogue : choisissez-le parmi les critères.")
            % {"label": indicator.label},
        )
        return redirect("evaluation_protocols:build", campaign.pk)
    context = {
        **titled(_("Nouvel indicateur — %(title)s") % {"title": campaign.title}, "list-ul"),
        "campaign": campaign,
        "form": form,
        "back_url": reverse("evaluation_protocols:build", args=[campaign.pk]),
    }
    return TemplateResponse(request, "evaluation/admin/protocol_indicator.html", context)


def protocol_lock_confirm(request, campaign_id: int, protocol_id: int):
    """What locking freezes and the fingerprint recorded; the lock itself on POST."""
    campaign = permissions.campaign_for(request.user, campaign_id, permissions.can_edit)
    protocol = get_object_or_404(Protocol, pk=protocol_id, campaign=campaign)
    fingerprint = protocol.lock_hash or protocol_hash(protocol)
    if request.method == "POST" and not protocol.is_locked:
        if request.POST.get("hash") != fingerprint:
            messages.error(
                request,
                _("Le protocole a changé depuis l'affichage : relisez-le avant de verrouiller."),
            )
        else:
            protocol_lock(protocol=protocol, user=request.user)
            messages.success(
                request,
                _("Protocole verrouillé (version %(version)d, empreinte %(hash)s).")
                % {"version": protocol.version, "hash": protocol.lock_hash[:12]},
            )
            return redirect(_next_url(request) or _build_url(campaign))
    elif request.method == "POST":
        messages.info(request, _("Ce protocole est déjà verrouillé."))
        return redirect("evaluation_protocols:build", campaign.pk)
    waves = {wave.code: wave for wave in campaign.waves.filter(code__in=protocol.wave_codes)}
    subgroups = dict(SubgroupDimension.choices)
    context = {
        **titled(
            _("Verrouiller le protocole (version %(version)d) — %(title)s")
            % {"version": protocol.version, "title": campaign.title},
            "lock",
        ),
        "campaign": campaign,
        "protocol": protocol,
        "fingerprint": fingerprint,
        "waves": [waves.get(code) or code for code in protocol.wave_codes],
        "outcomes": protocol.outcomes.select_related("indicator"),
        "subgroups": [subgroups.get(code, code) for code in protocol.subgroup_dimensions],
        "back_url": _next_url(request) or _build_url(campaign),
        "next_url": _next_url(request),
    }
    return TemplateResponse(request, "evaluation/admin/protocol_lock.html", context)


def _build_url(campaign) -> str:
    return reverse("evaluation_protocols:build", args=[campaign.pk])
