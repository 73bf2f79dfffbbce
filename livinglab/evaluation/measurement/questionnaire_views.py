"""Public online questionnaire (no account: a self-generated code links the waves)."""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.core import ratelimit
from livinglab.core.client import client_address
from livinglab.evaluation.measurement.forms import QuestionnaireForm
from livinglab.evaluation.measurement.questionnaires import (
    SubmissionRefused,
    questionnaire_context,
    self_generated_code,
    submission_record,
    wave_window_message,
)

TEMPLATE = "evaluation/questionnaire.html"
CLOSED_STATUSES = {Campaign.Status.CLOSED, Campaign.Status.CANCELLED}


@never_cache
def questionnaire(request, campaign_slug: str, wave_code: str, group: str = "intervention"):
    campaign = get_object_or_404(Campaign.objects.exclude(status__in=CLOSED_STATUSES),
                                 slug=campaign_slug)  # fmt: skip
    context = questionnaire_context(campaign=campaign, wave_code=wave_code)
    if context is None or not context.settings.is_open:
        return render(request, TEMPLATE, {"closed": _("Ce questionnaire n'existe pas ou n'est "
                                                      "pas ouvert.")}, status=404)  # fmt: skip
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
        client = client_address(request)
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
            try:
                submission_record(
                    context=context, code=code, values=form.values(), site=form.site(), group=group
                )
            except SubmissionRefused as refusal:
                return render(request, TEMPLATE, {**page, "form": form, "refused": str(refusal)},
                              status=409)  # fmt: skip
            return render(request, TEMPLATE, {**page, "thanks": True, "code": code})
    return render(request, TEMPLATE, {**page, "form": form})
