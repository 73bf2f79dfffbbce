"""Online questionnaires: self-generated codes pair baseline and follow-up without names."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.questionnaires import self_generated_code
from livinglab.evaluation.measurement.reconciliation import code_match_decide
from livinglab.evaluation.models import CodeMatch, QuestionnaireSettings, Response, Submission

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no submission counted against the test client's address."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def campaign():
    call_command("import_protocol", str(DATA / "protocol.json"), stdout=io.StringIO())
    campaign = Campaign.objects.get(slug="test-import")
    site = Site.objects.create(name="Collège Jean Moulin", setting="school", city="Lyon",
                               postcode="69003")  # fmt: skip
    Participant.objects.create(campaign=campaign, code="SEED01", site=site)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    campaign.refresh_from_db()
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


# ---- Never overwrite, never tell: duplicates are kept apart, the visitor sees one neutral page

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def visible(response) -> str:
    """What the visitor receives, without the per-request CSRF token."""
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def send(client, campaign, wave="baseline", *, key=None, **overrides):
    url = f"/questionnaire/{campaign.slug}/{wave}/" + (f"?cle={key}" if key else "")
    return client.post(url, answers(campaign, **overrides))


def indicator_ids() -> dict[str, int]:
    from livinglab.evaluation.models import Indicator

    return dict(Indicator.objects.values_list("code", "pk"))


def wave_values(participant, wave_code="baseline") -> dict[str, float]:
    return dict(
        Response.objects.filter(participant=participant, wave__code=wave_code).values_list(
            "indicator__code", "value"
        )
    )


def pending_model():
    from livinglab.evaluation.models import PendingSubmission

    return PendingSubmission


def manager_of(campaign, role="manager"):
    from tests.evaluation.test_measurement_admin import make_user

    return make_user(f"{role}-q", campaign.lead_organisation, role)


def imported(campaign, code="MA07LY", **values) -> Participant:
    """A participant whose baseline answers came from an import file."""
    from livinglab.evaluation.models import ResponseSet

    ids = indicator_ids()
    participant = Participant.objects.create(campaign=campaign, code=code, site=Site.objects.get())
    response_set = ResponseSet.objects.create(
        campaign=campaign, source=ResponseSet.Source.IMPORT, filename="vague1.csv", rows=1
    )
    wave = campaign.waves.get(code="baseline")
    Response.objects.bulk_create(
        Response(response_set=response_set, participant=participant, wave=wave,
                 indicator_id=ids[indicator], value=value)
        for indicator, value in values.items()
    )  # fmt: skip
    return participant


def test_an_online_submission_never_overwrites_imported_answers(client, campaign):
    first = send(client, campaign, birth_day="9")  # someone else's first answer: MA09LY
    participant = imported(campaign, mvpa_minutes=55, daily_smoking=0, pss4_stress=3)
    before = set(Response.objects.filter(participant=participant).values_list("pk", flat=True))

    duplicate = send(client, campaign)  # MA07LY: guessed by a stranger, or typed again

    assert duplicate.status_code == first.status_code == 200
    assert visible(duplicate) == visible(first).replace("MA09LY", "MA07LY")
    assert wave_values(participant) == {"mvpa_minutes": 55, "daily_smoking": 0, "pss4_stress": 3}
    assert set(Response.objects.filter(participant=participant).values_list("pk", flat=True)) == (
        before
    )
    assert not Submission.objects.filter(participant=participant).exists()
    pending = pending_model().objects.get(participant=participant)
    ids = indicator_ids()
    assert pending.wave.code == "baseline" and pending.values == {
        str(ids["mvpa_minutes"]): 30.0, str(ids["daily_smoking"]): 1.0,
        str(ids["pss4_stress"]): 8.0,
    }  # fmt: skip


def test_a_second_submission_is_kept_apart_and_a_manager_replaces_the_answers(client, campaign):
    from wagtail.models import ModelLogEntry

    ids = indicator_ids()
    first = send(client, campaign)
    second = send(client, campaign, **{f"outcome_{ids['mvpa_minutes']}": "45"})
    assert first.status_code == second.status_code == 200
    assert visible(first) == visible(second)
    participant = Participant.objects.get(code="MA07LY")
    assert wave_values(participant)["mvpa_minutes"] == 30
    assert Submission.objects.count() == 1 and Response.objects.count() == 3
    pending = pending_model().objects.get()

    client.force_login(manager_of(campaign))
    done = client.post(
        f"/admin/measurement/{campaign.pk}/duplicates/{pending.pk}/", {"decision": "replace"}
    )
    assert done.status_code == 302
    assert wave_values(participant) == {"mvpa_minutes": 45, "daily_smoking": 1, "pss4_stress": 8}
    assert Submission.objects.count() == 1 and Response.objects.count() == 3
    assert not pending_model().objects.exists()
    entry = ModelLogEntry.objects.get(action="livinglab.duplicate_resolved")
    assert entry.object_id == str(campaign.pk) and entry.user.username == "manager-q"
    assert entry.data["decision"] == "replace" and entry.data["wave"] == "baseline"


def test_a_manager_keeps_the_stored_answers_and_the_duplicate_is_discarded(client, campaign):
    from wagtail.models import ModelLogEntry

    ids = indicator_ids()
    send(client, campaign)
    send(client, campaign, **{f"outcome_{ids['mvpa_minutes']}": "45"})
    pending = pending_model().objects.get()
    client.force_login(manager_of(campaign))
    page = client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
    assert f"/admin/measurement/{campaign.pk}/duplicates/{pending.pk}/" in page
    done = client.post(
        f"/admin/measurement/{campaign.pk}/duplicates/{pending.pk}/", {"decision": "keep"}
    )
    assert done.status_code == 302
    participant = Participant.objects.get(code="MA07LY")
    assert wave_values(participant) == {"mvpa_minutes": 30, "daily_smoking": 1, "pss4_stress": 8}
    assert not pending_model().objects.exists()
    entry = ModelLogEntry.objects.get(action="livinglab.duplicate_resolved")
    assert entry.data["decision"] == "keep"


def test_only_managers_resolve_duplicates(client, campaign):
    ids = indicator_ids()
    send(client, campaign)
    send(client, campaign, **{f"outcome_{ids['mvpa_minutes']}": "45"})
    pending = pending_model().objects.get()
    client.force_login(manager_of(campaign, role="member"))
    refused = client.post(
        f"/admin/measurement/{campaign.pk}/duplicates/{pending.pk}/", {"decision": "replace"}
    )
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert pending_model().objects.filter(pk=pending.pk).exists()
    assert wave_values(Participant.objects.get(code="MA07LY"))["mvpa_minutes"] == 30


def test_a_withdrawn_code_gets_the_same_page_and_nothing_is_stored(client, campaign):
    from livinglab.campaigns.privacy import participant_withdraw

    first = send(client, campaign)
    participant = Participant.objects.get(code="MA07LY")
    participant_withdraw(participant=participant)
    again = send(client, campaign)
    assert again.status_code == first.status_code == 200
    assert visible(again) == visible(first)
    assert not Response.objects.filter(participant=participant).exists()
    assert not Submission.objects.filter(participant=participant).exists()
    assert not pending_model().objects.filter(participant=participant).exists()


def test_a_withdrawal_erases_the_pending_duplicates_too(client, campaign):
    from livinglab.campaigns.privacy import participant_withdraw

    ids = indicator_ids()
    send(client, campaign)
    send(client, campaign, **{f"outcome_{ids['mvpa_minutes']}": "45"})
    participant = Participant.objects.get(code="MA07LY")
    assert pending_model().objects.filter(participant=participant).count() == 1
    participant_withdraw(participant=participant)
    assert not pending_model().objects.filter(participant=participant).exists()


def test_first_duplicate_and_withdrawn_answers_are_byte_identical(client, campaign):
    from livinglab.campaigns.privacy import participant_withdraw

    ids = indicator_ids()
    first = send(client, campaign)
    duplicate = send(client, campaign, **{f"outcome_{ids['pss4_stress']}": "2"})
    participant_withdraw(participant=Participant.objects.get(code="MA07LY"))
    withdrawn = send(client, campaign, **{f"outcome_{ids['pss4_stress']}": "4"})
    statuses = {first.status_code, duplicate.status_code, withdrawn.status_code}
    assert statuses == {200}
    assert visible(first) == visible(duplicate) == visible(withdrawn)
    for word in ("déjà", "retiré", "409"):
        assert word not in visible(duplicate)


def test_a_double_click_stores_one_answer_and_keeps_no_duplicate(client, campaign):
    first, second = send(client, campaign), send(client, campaign)  # same answers twice
    assert first.status_code == second.status_code == 200
    assert visible(first) == visible(second)
    assert Participant.objects.filter(code="MA07LY").count() == 1
    assert Submission.objects.count() == 1 and Response.objects.count() == 3
    assert not pending_model().objects.exists()  # identical answers: nothing to decide


# ---- Closed unless the campaign runs and the wave is open; optional per-wave access key


def test_closed_when_the_campaign_is_not_running(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.VALIDATED)
    page = client.get("/questionnaire/test-import/baseline/")
    assert page.status_code == 404 and "<form" not in page.content.decode()
    posted = send(client, campaign)
    assert posted.status_code == 404 and not Submission.objects.exists()
    nowhere = client.get("/questionnaire/nulle-part/baseline/")
    assert visible(nowhere) == visible(page)  # an unknown link and a closed one look alike


def test_closed_outside_the_wave_window_and_nothing_is_stored(client, campaign):
    today = timezone.localdate()
    campaign.waves.filter(code="baseline").update(closes_on=today - datetime.timedelta(days=1))
    page = client.get("/questionnaire/test-import/baseline/").content.decode()
    assert "fermé" in page and "<form" not in page
    send(client, campaign)
    assert not Submission.objects.exists() and not Response.objects.exists()


def test_access_key_required_when_the_campaign_asks_for_it(client, campaign):
    QuestionnaireSettings.objects.update_or_create(
        campaign=campaign, defaults={"require_access_key": True}
    )
    wave = campaign.waves.get(code="baseline")
    assert len(wave.access_key) >= 16
    missing = client.get("/questionnaire/test-import/baseline/")
    wrong = client.get("/questionnaire/test-import/baseline/?cle=devine")
    right = client.get(f"/questionnaire/test-import/baseline/?cle={wave.access_key}")
    assert missing.status_code == wrong.status_code == 404
    assert "<form" not in missing.content.decode() and visible(missing) == visible(wrong)
    assert right.status_code == 200 and "<form" in right.content.decode()
    assert send(client, campaign, key="devine").status_code == 404
    assert not Submission.objects.exists()
    assert send(client, campaign, key=wave.access_key).status_code == 200
    assert Submission.objects.count() == 1


def test_without_the_option_the_key_is_not_needed(client, campaign):
    assert client.get("/questionnaire/test-import/baseline/").status_code == 200


def test_managers_see_the_invitation_link_with_its_key_and_a_qr_code(client, campaign):
    wave = campaign.waves.get(code="baseline")
    client.force_login(manager_of(campaign))
    page = client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
    link = f"/questionnaire/test-import/baseline/?cle={wave.access_key}"
    assert link in page
    qr_url = f"/admin/measurement/{campaign.pk}/waves/{wave.pk}/qrcode.svg"
    assert qr_url in page
    svg = client.get(qr_url)
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and b"<script" not in svg.content
    assert f"<title>http://testserver{link}</title>".encode() in svg.content  # what it encodes
    assert "no-store" in svg["Cache-Control"]  # the key is not kept in shared caches
    for role in ("member", "evaluator"):
        client.force_login(manager_of(campaign, role=role))
        assert client.get(qr_url)["Location"] == "/admin/"
        assert (
            wave.access_key not in client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
        )


def test_a_manager_regenerates_a_wave_key_and_the_old_link_stops_working(client, campaign):
    from wagtail.models import ModelLogEntry

    QuestionnaireSettings.objects.update_or_create(
        campaign=campaign, defaults={"require_access_key": True}
    )
    wave = campaign.waves.get(code="baseline")
    old = wave.access_key
    client.force_login(manager_of(campaign))
    assert client.post(f"/admin/measurement/{campaign.pk}/waves/{wave.pk}/key/").status_code == 302
    wave.refresh_from_db()
    assert wave.access_key != old and len(wave.access_key) >= 16
    assert ModelLogEntry.objects.filter(action="livinglab.questionnaire_access").exists()
    client.logout()
    assert client.get(f"/questionnaire/test-import/baseline/?cle={old}").status_code == 404
    fresh = client.get(f"/questionnaire/test-import/baseline/?cle={wave.access_key}")
    assert fresh.status_code == 200


def test_managers_turn_the_access_key_on_in_the_admin(client, campaign):
    client.force_login(manager_of(campaign))
    page = client.get(f"/admin/measurement/{campaign.pk}/").content.decode()
    assert 'name="require_access_key"' in page
    saved = client.post(
        f"/admin/measurement/{campaign.pk}/questionnaire/",
        {"is_open": "on", "require_access_key": "on", "consent_text": ""},
    )
    assert saved.status_code == 302
    assert QuestionnaireSettings.objects.get(campaign=campaign).require_access_key


# ---- Evaluations never read pending duplicates


def test_an_evaluation_run_does_not_count_pending_duplicates(client):
    from livinglab.evaluation.measurement.questionnaires import (
        questionnaire_context,
        submission_record,
    )
    from livinglab.evaluation.runs.services import evaluation_run_execute, evaluation_run_start
    from tests.builders import simulate_campaign

    campaign = simulate_campaign(slug="doublons", n_per_group=12, subgroups=(), sites=2)
    before = evaluation_run_execute(
        run_id=evaluation_run_start(campaign=campaign, enqueue=False).pk
    )
    context = questionnaire_context(campaign=campaign, wave_code="post")
    indicator = context.outcomes[0].indicator_id
    for participant in campaign.participants.all()[:6]:
        submission_record(context=context, code=participant.code, values={indicator: 999.0},
                          site=participant.site)  # fmt: skip
    assert not Response.objects.filter(value=999.0).exists()
    assert pending_model().objects.filter(participant__campaign=campaign).count() == 6
    again = evaluation_run_start(campaign=campaign, enqueue=False, force=True)
    again = evaluation_run_execute(run_id=again.pk)
    assert again.pk != before.pk and again.status == "succeeded"
    assert again.data_hash == before.data_hash
    volatile = {"run_id", "generated_at"}
    assert {k: v for k, v in again.result.items() if k not in volatile} == {
        k: v for k, v in before.result.items() if k not in volatile
    }
