"""Regressions a new campaign manager hit: cross-campaign links and user-representative validation.

1. Posting, by hand, a related record of another campaign (a contribution's session, a decision's
   contributions…) raised "dictionary changed size during iteration" (a 500) in the shared
   `clean()` of the Campagnes admin forms. It must be a form error naming the field, on every
   campaign-scoped form: the viewsets are discovered from `CampaignsGroup.items`, so a new one is
   covered without editing this file.
2. Any organisation could record "the users' representatives' validation".
"""

import re
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from livinglab.campaigns.models import (
    Action,
    Campaign,
    CodesignSession,
    Contribution,
    Decision,
    Organisation,
    UserValidation,
)
from livinglab.campaigns.services import TransitionRefused, campaign_transition
from livinglab.campaigns.viewsets import CampaignsGroup
from tests.campaigns.conftest import add_user_validation, make_organisation, make_user

pytestmark = pytest.mark.django_db


def _is_campaign_scoped(model) -> bool:
    return model is not Campaign and any(f.name == "campaign" for f in model._meta.fields)


def _cross_campaign_cases():
    """(viewset, field) for every campaign-scoped form field pointing at campaign-scoped rows."""
    cases = []
    for viewset in CampaignsGroup.items:
        if not _is_campaign_scoped(viewset.model):
            continue
        for name in viewset.form_fields:
            related = viewset.model._meta.get_field(name).related_model
            if related is not None and _is_campaign_scoped(related):
                cases.append(pytest.param(viewset, name, id=f"{viewset.name}-{name}"))
    return cases


CASES = _cross_campaign_cases()


def test_the_discovery_finds_the_known_links():
    found = {case.id for case in CASES}
    assert {
        "campaigns_contribution-session",
        "campaigns_decision-session",
        "campaigns_decision-contributions",
        "campaigns_action-decisions",
        "campaigns_budgetline-action",
    } <= found


def _records(campaign: Campaign, tag: str) -> dict:
    session = CodesignSession.objects.create(
        campaign=campaign, date=date(2026, 1, 10), format="workshop", place=f"Salle {tag}"
    )
    contribution = Contribution.objects.create(
        campaign=campaign, session=session, kind="idea", text=f"Idée {tag}"
    )
    decision = Decision.objects.create(campaign=campaign, session=session, text=f"Décision {tag}")
    decision.contributions.add(contribution)
    action = Action.objects.create(
        campaign=campaign,
        title=f"Atelier {tag}",
        action_type=Action.Type.WORKSHOP,
        setting="school",
        start_date=date(2026, 2, 1),
    )
    return {
        CodesignSession: session,
        Contribution: contribution,
        Decision: decision,
        Action: action,
    }


@pytest.fixture
def two_campaigns(db):
    """A manager leading two campaigns (both editable, both visible), each with its records."""
    lead = make_organisation("Association Double")
    make_organisation("Usagers Double", "patient_association")
    manager = make_user("double_manager", organisation=lead, role="manager")
    mine = Campaign.objects.create(slug="mienne", title="Campagne mienne", lead_organisation=lead)
    other = Campaign.objects.create(slug="autre", title="Campagne autre", lead_organisation=lead)
    return {
        "manager": manager,
        "mine": mine,
        "other": other,
        "records": {mine.pk: _records(mine, "ici"), other.pk: _records(other, "là-bas")},
    }


def _value(form_field: forms.Field, model_field, related_value):
    if related_value is not None:
        return related_value
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return []
    if isinstance(form_field, forms.ModelChoiceField):
        first = form_field.queryset.first()
        return "" if first is None else str(first.pk)
    if isinstance(form_field, forms.BooleanField):
        return None
    if isinstance(form_field, forms.ChoiceField):
        return next(str(value) for value, _label in form_field.choices if value not in ("", None))
    if isinstance(form_field, forms.DateField):
        return "2026-02-01"
    if isinstance(form_field, forms.IntegerField):
        return "1"
    return "abc"


def _post_data(viewset, user, campaign, related_name, related_campaign, records):
    form = viewset.get_form_class()(for_user=user)
    data = {}
    for name, form_field in form.fields.items():
        related_value = None
        if name == "campaign":
            related_value = str(campaign.pk)
        elif name == related_name:
            model = form_field.queryset.model
            row = records[related_campaign.pk][model]
            many = isinstance(form_field, forms.ModelMultipleChoiceField)
            related_value = [str(row.pk)] if many else str(row.pk)
        value = _value(form_field, viewset.model._meta.get_field(name), related_value)
        if value is not None:
            data[name] = value
    return data


@pytest.mark.parametrize(("viewset", "field_name"), CASES)
def test_cross_campaign_link_is_a_form_error_not_a_500(client, two_campaigns, viewset, field_name):
    manager, mine, other = two_campaigns["manager"], two_campaigns["mine"], two_campaigns["other"]
    client.force_login(manager)
    url = reverse(viewset.get_url_name("add"))
    model = viewset.model
    before = model.objects.count()

    # The same form, linked inside the campaign, is accepted: the data is valid otherwise.
    data = _post_data(viewset, manager, mine, field_name, mine, two_campaigns["records"])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert model.objects.count() == before + 1

    data = _post_data(viewset, manager, mine, field_name, other, two_campaigns["records"])
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field_name in form.errors
    label = str(form.fields[field_name].label)
    assert any(label in error for error in form.errors[field_name]), form.errors
    assert any("campagne" in error for error in form.errors[field_name])
    assert model.objects.count() == before + 1  # nothing created


def test_related_choices_are_limited_and_name_their_campaign(two_campaigns):
    """Choices come from the campaigns the user may edit; on an add form labels name them."""
    manager = two_campaigns["manager"]
    seen = make_organisation("Partenaire Lecteur")
    far = Campaign.objects.create(slug="lue", title="Campagne lue", lead_organisation=seen)
    far.partnerships.create(organisation=two_campaigns["mine"].lead_organisation, role="host")
    _records(far, "lue")
    foreign = Campaign.objects.create(
        slug="etrangere", title="Campagne étrangère", lead_organisation=make_organisation("Loin")
    )
    _records(foreign, "étrangère")
    viewset = next(v for v in CampaignsGroup.items if v.model is Contribution)
    field = viewset.get_form_class()(for_user=manager).fields["session"]
    campaigns = {session.campaign.slug for session in field.queryset}
    # The partner campaign is led elsewhere, yet the manager's organisation manages there too.
    assert campaigns == {"mienne", "autre", "lue"}
    labels = [label for _value, label in field.choices if _value]
    assert all("Campagne" in label for label in labels), labels
    assert any("Campagne autre" in label for label in labels)


# --- 2. the users' representatives' validation --------------------------------------------------


def test_admin_refuses_a_validation_by_an_insurer(client, world):
    client.force_login(world["users"]["manager"])
    url = reverse("campaigns_validation:add")
    data = {"campaign": world["campaign"].pk, "validated_on": "2026-01-15", "statement": "Oui"}
    response = client.post(url, {**data, "organisation": world["partner"].pk})  # a mutuelle
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not UserValidation.objects.exists()
    field = response.context["form"].fields["organisation"]
    kinds = set(field.queryset.values_list("kind", flat=True))
    assert kinds == {Organisation.Kind.PATIENT_ASSOCIATION}
    response = client.post(url, {**data, "organisation": world["patients"].pk})
    assert response.status_code == 302
    assert UserValidation.objects.get().organisation == world["patients"]


def test_model_refuses_a_validation_by_an_insurer(world):
    validation = UserValidation(
        campaign=world["campaign"], organisation=world["partner"], validated_on=date(2026, 1, 15)
    )
    with pytest.raises(ValidationError) as refused:
        validation.full_clean()
    assert "organisation" in refused.value.message_dict
    validation.organisation = world["patients"]
    validation.full_clean()


def test_transition_to_validated_counts_only_user_representatives(world):
    manager, campaign = world["users"]["manager"], world["campaign"]
    campaign_transition(campaign=campaign, target="codesign", user=manager)
    add_user_validation(campaign, world["partner"])  # an insurer's row, saved before the fix
    with pytest.raises(TransitionRefused):
        campaign_transition(campaign=campaign, target="validated", user=manager)
    add_user_validation(campaign, world["patients"])
    assert campaign_transition(campaign=campaign, target="validated", user=manager).status == (
        "validated"
    )


def test_public_page_lists_only_user_representative_validations(world):
    from django.template.loader import render_to_string

    add_user_validation(world["campaign"], world["partner"])
    add_user_validation(world["campaign"], world["patients"])
    from livinglab.cms.selectors import campaign_story

    story = campaign_story(campaign_id=world["campaign"].pk)
    html = render_to_string("cms/includes/campaign_public.html", {**story, "page": None})
    validations = re.findall(r'<p class="validation">(.*?)</p>', html, re.S)
    assert len(validations) == 1 and "Usagers Associés" in validations[0], validations
