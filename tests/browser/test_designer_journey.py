"""A campaign designer's whole journey through the admin, in a real browser (#17, acceptance 1).

As `gestionnaire` (demo account), with the interface only: create a campaign, add a partner, a
co-design session with a contribution and a decision, the validation by the patient association,
a site and an action there; import 40 participants (a CSV made here, uploaded through the import
page's file input); build and lock a pre/post protocol with two outcomes; import two waves of
responses; move the campaign through its lifecycle; start an evaluation that a real Celery worker
runs; mark the action done; publish the results. Then `editeur` approves the campaign's public
page in Wagtail's moderation workflow, and an anonymous visitor reads the results on it.

No response may be a server error, and the number of page loads (the main frame's `load` events:
one per document the browser showed, redirects not counted twice) is printed and checked against
the target of #17 (at most 60). The figure is recorded in docs/benchmarks.md ("Designer journey").
"""

import random
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_cms import log_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PAGE_LOADS_TARGET = 60
TITLE = "Pause écrans au lycée"
SLUG = "pause-ecrans-au-lycee"
PATIENT_ASSOCIATION = "Collectif des usagers de santé de l'Hérault"
PARTNER = "Mutuelle Solidaire du Languedoc"
SITE = "Lycée Jean-Monnet"
PARTICIPANTS = 40
OUTCOMES = (
    ("screen_time_hours", "Écrans de loisir (h/jour)"),
    ("mvpa_minutes", "Activité physique (min/jour)"),
)


class Journey:
    """The page plus what the journey watches: page loads and server errors."""

    def __init__(self, page, base_url: str):
        self.page, self.url = page, base_url
        self.loads = 0
        self.server_errors: list[str] = []
        page.on("load", self._loaded)
        page.on("response", self._response)

    def _loaded(self, _page):
        self.loads += 1

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def click(self, locator):
        locator.click()
        self.page.wait_for_load_state()
        self.check()

    def check(self):
        assert not self.server_errors, self.server_errors
        errors = self.page.locator(".help-critical, .error-message, [data-import-errors]")
        if errors.count():
            texts = [t for t in errors.all_inner_texts() if t.strip()]
            assert not texts, f"{self.page.url}: {texts}"

    def hub(self, name: str):
        """Follow one of the dashboard's links (`data-hub-link`)."""
        self.click(self.page.locator(f"[data-hub-link='{name}']").first)

    def save(self):
        """Press the form's save button (with the keyboard: a date picker may hover over it)."""
        button = self.page.locator("main form [type=submit]")
        button = button.filter(has_text=re.compile("Créer|Enregistrer")).first
        with self.page.expect_navigation():
            button.press("Enter")
        self.check()


def fill_date(page, selector: str, value: str):
    """Type a date, then close Wagtail's date picker (its pop-up would cover the buttons)."""
    page.fill(selector, value)
    page.locator(selector).evaluate(
        "el => { el.blur(); window.jQuery && window.jQuery(el).datetimepicker('hide'); }"
    )


def participants_csv(path: Path) -> Path:
    lines = ["code,site,group,sex,age_band,consent_date"]
    sexes = ["female", "male", "Femme", "Homme"]
    for n in range(1, PARTICIPANTS + 1):
        lines.append(
            f"PEL-{n:03d},{SITE},intervention,{sexes[n % 4]},15-17,2027-01-{n % 28 + 1:02d}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def responses_csv(path: Path, wave: str, shift: float, seed: int) -> Path:
    rng = random.Random(seed)
    lines = ["participant,wave," + ",".join(code for code, _label in OUTCOMES)]
    for n in range(1, PARTICIPANTS + 1):
        screens = max(0.0, min(12.0, 3.2 - shift + rng.gauss(0, 0.8)))
        mvpa = max(0, min(300, round(40 + 10 * shift + rng.gauss(0, 8))))
        lines.append(f"PEL-{n:03d},{wave},{screens:.1f},{mvpa}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def transition(journey: Journey, label: str):
    journey.click(journey.page.get_by_role("button", name=f"Passer à « {label} »"))
    expect(journey.page.locator("[data-lifecycle] [data-status]")).to_have_text(label)


def test_a_designer_runs_a_campaign_from_creation_to_public_results(
    page, live_server, demo_site, celery_worker_process, tmp_path, browser
):
    started = time.monotonic()
    journey = Journey(page, live_server.url)
    log_in(page, live_server.url, "gestionnaire", "demo-gestion-2026")

    # The campaign: created from the list, saving opens its dashboard.
    page.goto(live_server.url + "/admin/campaigns/campaign/")
    journey.click(page.get_by_role("link", name=re.compile("Ajouter")).first)
    page.fill("#id_title", TITLE)
    page.locator("#id_title").press("Tab")  # the slug follows the title (Wagtail's w-sync)
    expect(page.locator("#id_slug")).to_have_value(SLUG)
    page.fill("#id_summary", "Une semaine sans écrans de loisir le soir, préparée avec les élèves.")
    page.locator("#id_lead_organisation").select_option(index=1)
    page.get_by_label("Écrans").check()
    fill_date(page, "#id_start_date", "2027-01-04")
    fill_date(page, "#id_end_date", "2027-06-30")
    journey.save()
    expect(page.locator("[data-lifecycle]")).to_be_visible()
    dashboard = page.url

    # Partner, co-design session, contribution, decision, validation: from the dashboard.
    journey.hub("campaigns_partner")
    page.locator("#id_organisation").select_option(label=PARTNER)
    page.locator("#id_role").select_option(index=1)
    journey.save()
    assert page.url == dashboard
    transition(journey, "Co-construction")

    journey.hub("campaigns_session")
    fill_date(page, "#id_date", "2026-11-20")
    page.locator("#id_format").select_option(index=1)
    page.fill("#id_place", "CDI du lycée")
    journey.save()

    journey.hub("campaigns_contribution")
    page.locator("#id_session").select_option(index=1)
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_organisation").select_option(label=PATIENT_ASSOCIATION)
    page.fill("#id_text", "Les élèves veulent un défi collectif, pas une interdiction.")
    journey.save()

    journey.hub("campaigns_decision")
    page.locator("#id_session").select_option(index=1)
    page.fill("#id_text", "Un défi « soirées sans écrans » par classe, avec un classement.")
    page.locator("[name=contributions]").first.check()
    journey.save()

    journey.hub("campaigns_validation")
    page.locator("#id_organisation").select_option(label=PATIENT_ASSOCIATION)
    fill_date(page, "#id_validated_on", "2026-11-27")
    page.fill("#id_statement", "Le collectif approuve le défi tel que construit avec les élèves.")
    journey.save()
    transition(journey, "Validée")

    # A site, then an action there.
    journey.hub("campaigns_site")
    page.fill("#id_name", SITE)
    page.locator("#id_setting").select_option(index=1)
    page.fill("#id_city", "Montpellier")
    page.fill("#id_postcode", "34000")
    if page.locator("#id_owner").count():
        page.locator("#id_owner").select_option(index=1)
    journey.save()

    journey.hub("campaigns_action")
    page.fill("#id_title", "Lancement du défi en classe")
    page.locator("#id_action_type").select_option(index=1)
    page.locator("#id_setting").select_option(index=1)
    page.locator("#id_site").select_option(label=f"{SITE} (Montpellier)")
    fill_date(page, "#id_start_date", "2027-01-11")
    journey.save()

    # 40 participants, from a CSV file.
    journey.hub("participants_import")
    page.set_input_files("input[type=file]", participants_csv(tmp_path / "participants.csv"))
    journey.click(page.get_by_role("button", name="Vérifier le fichier"))
    journey.click(page.get_by_role("button", name="Confirmer l'import"))
    assert page.url == dashboard

    # The protocol: pre/post, two waves (the builder offers one empty row at a time), two
    # outcomes; then locked after its confirmation page.
    journey.hub("protocol_build")
    page.locator("[name=design][value=pre_post]").check()
    page.fill("[name=waves-0-code]", "avant")
    page.fill("[name=waves-0-label]", "Avant le défi")
    for n, (code, label) in enumerate(OUTCOMES):
        page.locator(f"[name=outcomes-{n}-indicator]").select_option(value=code)
        page.fill(f"[name=outcomes-{n}-label]", label)
        page.locator(f"[name=outcomes-{n}-role]").select_option(index=0 if n == 0 else 1)
    journey.click(page.get_by_role("button", name="Enregistrer le brouillon"))
    page.fill("[name=waves-1-code]", "apres")
    page.fill("[name=waves-1-label]", "Après le défi")
    journey.click(page.get_by_role("button", name="Enregistrer le brouillon"))
    journey.click(page.get_by_role("link", name="Verrouiller ce protocole…"))
    journey.click(page.get_by_role("button", name=re.compile("Verrouiller")))
    assert page.url == dashboard
    transition(journey, "En cours")

    # Two waves of responses.
    for n, wave in enumerate(("avant", "apres")):
        journey.hub("wave_import")
        path = responses_csv(tmp_path / f"{wave}.csv", wave, shift=float(n), seed=n)
        page.set_input_files("input[type=file]", path)
        journey.click(page.get_by_role("button", name=re.compile("Vérifier|Aperçu|Importer")))
        journey.click(page.get_by_role("button", name="Confirmer l'import"))
        page.goto(dashboard)

    # The action took place; the field work is over.
    journey.hub("action_done")
    page.fill("#id_actual_attendance", "38")
    journey.save()
    transition(journey, "Évaluation")

    # An evaluation, run by the worker; then published.
    journey.click(page.locator("[data-hub-link='run_start']"))  # back on the dashboard
    journey.click(page.get_by_role("link", name="Voir les évaluations"))  # the progress bar
    expect(page.locator("[data-run-status]").first).to_have_text("Terminée", timeout=180_000)
    page.goto(dashboard)
    journey.hub("run_publish")
    journey.click(page.get_by_role("button", name="Oui, publier les résultats"))
    page.goto(dashboard)
    expect(page.locator("[data-public-page]")).to_have_attribute("data-public-page", "moderation")

    # The editor approves the public page (Wagtail's moderation workflow, from the dashboard).
    page.get_by_role("button", name="gestionnaire").click()
    journey.click(page.get_by_role("button", name=re.compile("Se déconnecter")))
    log_in(page, live_server.url, "editeur", "demo-edit-2026")
    journey.check()
    journey.click(page.get_by_role("link", name=TITLE).first)
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    journey.click(page.locator("footer [data-workflow-action-name='approve']").first)
    expect(page.locator(".messages")).to_contain_text(TITLE)

    # A visitor reads the results on the public page.
    visitor = browser.new_context(locale="fr-FR")
    public = visitor.new_page()
    public_journey = Journey(public, live_server.url)
    public.goto(live_server.url + "/campagnes/")
    public_journey.click(public.get_by_role("link", name=re.compile(TITLE)).first)
    assert public.url.endswith(f"/campagnes/{SLUG}/")
    main = public.locator("main")
    expect(main).to_contain_text(OUTCOMES[0][1])
    expect(main).not_to_contain_text("Résultats pas encore publiés")
    visitor.close()

    loads = journey.loads + public_journey.loads
    seconds = time.monotonic() - started
    print(f"Designer journey: {loads} page loads, {seconds:.0f} s")
    assert loads <= PAGE_LOADS_TARGET
