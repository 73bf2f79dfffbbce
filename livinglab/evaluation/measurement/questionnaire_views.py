"""Public online questionnaire (no account: a self-generated code links the waves).

Whatever becomes of a submission (stored, kept apart as a duplicate for the campaign's managers,
dropped for a withdrawn code), the visitor gets the same thank-you page: nothing tells a
stranger who typed someone's code that this person took part. A questionnaire that is not open
to this visitor (unknown link, campaign not running, questionnaire closed, missing or wrong
access key) answers one neutral "not open" page.
"""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.core import ratelimit
from livinglab.core.client import client_address
from livinglab.evaluation.measurement.forms import QuestionnaireForm
from livinglab.evaluation.measurement.questionnaires import (
    questionnaire_available,
    questionnaire_context,
    self_generated_code,
    submission_record,
    wave_window_message,
)

TEMPLATE = "evaluation/questionnaire.html"
# Kept for bench/loadtest/dbcheck.py: campaigns whose questionnaires can never be open.
CLOSED_STATUSES = {Campaign.Status.CLOSED, Campaign.Status.CANCELLED}


def _not_open(request):
    """The same answer for every questionnaire this visitor may not answer (no campaign name)."""
    message = _("Ce questionnaire n'existe pas ou n'est pas ouvert.")
    return render(request, TEMPLATE, {"closed": message}, status=404)


@never_cache
def questionnaire(request, campaign_slug: str, wave_code: str, group: str = "intervention"):
    campaign = Campaign.objects.filter(slug=campaign_slug, status=Campaign.Status.RUNNING).first()
    context = questionnaire_context(campaign=campaign, wave_code=wave_code) if campaign else None
    if not questionnaire_available(context, request.GET.get("cle")):
        return _not_open(request)
    page = {
        "campaign": campaign,
        "wave": context.wave,
        "consent_text": context.settings.consent_text,
    }
    closed = wave_window_message(context.wave)
    if closed:
        return render(request, TEMPLATE, {**page, "closed": closed})
    sites = Site.objects.filter(
        Q(actions__campaign=campaign) | Q(participants__campaign=campaign)
    ).distinct()
    form = QuestionnaireForm(request.POST or None, context=context, sites=sites)
    if request.method == "POST":
        limit, window = getattr(settings, "LIVINGLAB_PUBLIC_FORM_RATE", (20, 600))
        client = client_address(request) or "unknown"
        if not ratelimit.allow(scope="questionnaire", client=client, limit=limit, window=window):
            message = _("Trop d'envois depuis cette connexion. Réessayez dans quelques minutes.")
            return render(request, TEMPLATE, {**page, "form": form, "refused": message}, status=429)
        if form.is_valid():
            code = self_generated_code(
                parent_first_name=form.cleaned_data["parent_first_name"],
                birth_day=form.cleaned_data["birth_day"],
                birth_town=form.cleaned_data["birth_town"],
            )
            group = (
                Participant.Group.COMPARISON
                if group == "comparison"
                else Participant.Group.INTERVENTION
            )
            # Stored, kept apart or dropped: the outcome is deliberately not shown.
            submission_record(
                context=context, code=code, values=form.values(), site=form.site(), group=group
            )
            return render(request, TEMPLATE, {**page, "thanks": True, "code": code})
    return render(request, TEMPLATE, {**page, "form": form})
