"""Online questionnaires: self-generated codes pair baseline and follow-up without names."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.questionnaires import code_match_decide, self_generated_code
from livinglab.evaluation.models import CodeMatch, QuestionnaireSettings, Response, Submission

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    call_command("import_protocol", str(DATA / "protocol.json"), stdout=io.StringIO())
    campaign = Campaign.objects.get(slug="test-import")
    site = Site.objects.create(name="Collège Jean Moulin", setting="school", city="Lyon",
                               postcode="69003")  # fmt: skip
    Participant.objects.create(campaign=campaign, code="SEED01", site=site)
    return campaign


def answers(campaign, **overrides):
    from livinglab.evaluation.models import Indicator

    ids = dict(Indicator.objects.values_list("code", "pk"))
    data = {
        "consent": "on",
        "parent_first_name": "Martine",
        "birth_day": "7",
        "birth_town": "Lyon",
        "site": Site.objects.get().pk,
        f"outcome_{ids['mvpa_minutes']}": "30",
        f"outcome_{ids['daily_smoking']}": "1",
        f"outcome_{ids['pss4_stress']}": "8",
    }
    data.update(overrides)
    return data


def test_code_is_normalised_from_stable_answers():
    assert self_generated_code(parent_first_name="Martine", birth_day=7, birth_town="Lyon") == (
        "MA07LY"
    )
    assert self_generated_code(parent_first_name=" émilie ", birth_day=21, birth_town="Évry") == (
        "EM21EV"
    )


def test_form_shows_the_right_widget_per_scale(client, campaign):
    page = client.get("/questionnaire/test-import/baseline/").content.decode()
    assert 'type="number"' in page  # continuous
    assert 'type="radio"' in page and ">Oui<" in page.replace(" Oui<", ">Oui<")  # binary
    assert 'value="16"' in page  # ordinal 0..16
    assert "Avant de commencer" in page and 'name="consent"' in page


def test_baseline_and_follow_up_with_the_same_code_are_paired(client, campaign):
    first = client.post("/questionnaire/test-import/baseline/", answers(campaign))
    assert first.status_code == 200 and "MA07LY" in first.content.decode()
    second = client.post(
        "/questionnaire/test-import/post/",
        answers(campaign, parent_first_name="martine", birth_town="LYON", **{"birth_day": "07"}),
    )
    assert second.status_code == 200
    participant = Participant.objects.get(code="MA07LY")
    waves = set(participant.responses.values_list("wave__code", flat=True))
    assert waves == {"baseline", "post"}
    assert participant.responses.count() == 6
    assert not CodeMatch.objects.exists()


def test_a_second_submission_for_the_same_wave_is_refused(client, campaign):
    client.post("/questionnaire/test-import/baseline/", answers(campaign))
    again = client.post("/questionnaire/test-import/baseline/", answers(campaign))
    assert again.status_code == 409
    assert "déjà été enregistrée" in again.content.decode()
    assert Submission.objects.count() == 1


def test_resubmission_replaces_the_first_when_the_campaign_allows_it(client, campaign):
    QuestionnaireSettings.objects.update_or_create(
        campaign=campaign, defaults={"allow_resubmission": True}
    )
    from livinglab.evaluation.models import Indicator

    mvpa = Indicator.objects.get(code="mvpa_minutes")
    client.post("/questionnaire/test-import/baseline/", answers(campaign))
    client.post("/questionnaire/test-import/baseline/",
                answers(campaign, **{f"outcome_{mvpa.pk}": "45"}))  # fmt: skip
    assert Submission.objects.count() == 1
    assert Response.objects.get(indicator=mvpa).value == 45


def test_near_miss_code_is_listed_and_can_be_confirmed(client, campaign):
    client.post("/questionnaire/test-import/baseline/", answers(campaign))
    client.post("/questionnaire/test-import/post/", answers(campaign, birth_day="8"))  # MA08LY
    match = CodeMatch.objects.get()
    assert (match.unmatched.code, match.candidate.code, match.status) == (
        "MA08LY", "MA07LY", "pending",
    )  # fmt: skip
    code_match_decide(match=match, confirm=True)
    participant = Participant.objects.get(code="MA07LY")
    assert set(participant.responses.values_list("wave__code", flat=True)) == {"baseline", "post"}
    assert not Participant.objects.filter(code="MA08LY").exists()
    match.refresh_from_db()
    assert (match.status, match.unmatched_code) == ("confirmed", "MA08LY")


def test_outside_the_wave_window_the_link_says_so(client, campaign):
    today = timezone.localdate()
    campaign.waves.filter(code="post").update(opens_on=today + datetime.timedelta(days=30))
    page = client.get("/questionnaire/test-import/post/").content.decode()
    assert "ouvrira le" in page and "<form" not in page


def test_submissions_are_rate_limited(client, campaign, settings):
    settings.LIVINGLAB_PUBLIC_FORM_RATE = (2, 600)
    from django.core.cache import cache

    cache.clear()
    statuses = [
        client.post(
            "/questionnaire/test-import/baseline/", answers(campaign, birth_day=str(day))
        ).status_code  # fmt: skip
        for day in (1, 2, 3)
    ]
    assert statuses == [200, 200, 429]
    assert Submission.objects.count() == 2


def test_comparison_link_enrols_in_the_comparison_group(client, campaign):
    client.post("/questionnaire/test-import/baseline/comparaison/", answers(campaign))
    assert Participant.objects.get(code="MA07LY").group == "comparison"


def test_missing_consent_records_nothing(client, campaign):
    data = answers(campaign)
    del data["consent"]
    response = client.post("/questionnaire/test-import/baseline/", data)
    assert response.status_code == 200 and Submission.objects.count() == 0
