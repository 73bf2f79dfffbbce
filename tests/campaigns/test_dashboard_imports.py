"""The participants import opened from the dashboard (#17): the page shows the expected columns
and the values each accepts (French labels), offers a CSV template, validates coded values and
dates strictly (row, column, reason), and comes back to the dashboard after the import.

Decision: a coded column accepts its code or its French label (`sex=femme` → `female`); any
other value is refused. A slashed date whose day and month could be swapped (05/01/2027) is
refused with a message asking for AAAA-MM-JJ; 31/01/2027 is unambiguous and accepted.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from livinglab.campaigns.models import Participant

pytestmark = pytest.mark.django_db

URL = "campaigns_transfers:import"


def post_file(client, campaign, text: str, next_url: str = ""):
    url = reverse(URL, args=["participants"])
    if next_url:
        url += f"?campaign={campaign.pk}&next={next_url}"
    upload = SimpleUploadedFile("participants.csv", text.encode("utf-8"))
    return client.post(url, {"campaign": campaign.pk, "file": upload})


def unescape(html: str) -> str:
    return html.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")


def test_the_page_shows_expected_columns_and_allowed_values(client, world):
    client.force_login(world["users"]["manager"])
    response = client.get(reverse(URL, args=["participants"]) + f"?campaign={world['campaign'].pk}")
    html = response.content.decode()
    assert "<title>Importer des participants" in html
    for column in ("code", "site", "group", "sex", "age_band", "consent_date", "withdrawal_date"):
        assert f'data-column="{column}"' in html
    for label in ("Femme", "Homme", "Autre", "Non renseigné", "11–14 ans", "Comparaison"):
        assert label in html
    assert "AAAA-MM-JJ" in html
    assert reverse("campaigns_transfers:template", args=["participants"]) in html


def test_the_template_is_a_csv_with_the_headers_and_an_example(client, world):
    client.force_login(world["users"]["manager"])
    response = client.get(reverse("campaigns_transfers:template", args=["participants"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modele-participants.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "code", "site", "group", "sex", "age_band", "consent_date", "withdrawal_date",
    ]  # fmt: skip
    assert rows[1][0] == "P-001" and rows[1][3] == "female" and rows[1][5] == "2027-01-05"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X-1,,intervention,F,,", "ligne 2, colonne sex : valeur inconnue « F »"),
        ("X-1,,groupe-a,,,", "ligne 2, colonne group : valeur inconnue « groupe-a »"),
        ("X-1,,intervention,,11 ans,", "ligne 2, colonne age_band : valeur inconnue « 11 ans »"),
        (
            "X-1,,intervention,,,05/01/2027",
            "ligne 2, colonne consent_date : date ambiguë « 05/01/2027 »",
        ),
    ],
)
def test_coded_values_and_dates_are_validated_strictly(client, world, row, message):
    client.force_login(world["users"]["manager"])
    text = "code,site,group,sex,age_band,consent_date\n" + row + "\n"
    html = unescape(post_file(client, world["campaign"], text).content.decode())
    assert message in html, html
    assert 'name="token"' not in html
    if "ambiguë" in message:
        assert "AAAA-MM-JJ, par exemple 2027-01-05" in html


def test_french_labels_are_mapped_and_the_import_returns_to_the_dashboard(client, world):
    campaign = world["campaign"]
    dashboard = reverse("campaigns_campaign:inspect", args=[campaign.pk])
    client.force_login(world["users"]["manager"])
    text = (
        "code,site,group,sex,age_band,consent_date\n"
        "X-1,,Intervention,femme,11–14 ans,31/01/2027\n"
        "X-2,,comparison,not_stated,15-17,2027-01-05\n"
    )
    preview = post_file(client, campaign, text, next_url=dashboard)
    html = preview.content.decode()
    assert 'name="token"' in html, unescape(html)
    assert f'name="next" value="{dashboard}"' in html
    url = reverse(URL, args=["participants"]) + f"?campaign={campaign.pk}&next={dashboard}"
    response = client.post(url, {"token": preview.context["token"], "next": dashboard})
    assert response.status_code == 302 and response.url == dashboard
    first = Participant.objects.get(campaign=campaign, code="X-1")
    assert (first.sex, first.age_band, str(first.consent_date)) == ("female", "11-14", "2027-01-31")
