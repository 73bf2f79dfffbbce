"""A small CMS site built in the test database: home, settings, topics, kit, campaign."""

import datetime
import io
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from livinglab.campaigns.models import (
    Action,
    Campaign,
    CampaignPartner,
    CampaignSetting,
    CodesignSession,
    Decision,
    Organisation,
    Theme,
)
from livinglab.cms.models import (
    AgeGroup,
    CampaignIndexPage,
    CampaignPage,
    ExperienceIndexPage,
    HomePage,
    KitDocument,
    ResourceKitPage,
    SettingIndexPage,
    Testimony,
    TopicPage,
)


def publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def tiny_image(title: str = "Image de test"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (16, 9), "#00527a").save(buffer, format="PNG")
    image = get_image_model()(title=title, file=ImageFile(buffer, name="test.png"))
    image.save()
    return image


def tiny_pdf_document(title: str = "Kit de test"):
    document = get_document_model()(title=title)
    document.file.save("kit.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    return document


def make_topic(parent: SettingIndexPage, number: int, *, image, theme_slug: str = "tabac"):
    topic = TopicPage(
        title=f"Thème de test {number}",
        slug=f"theme-{number}",
        summary="Un résumé court.",
        image=image,
        image_alt="Une illustration",
        audience="Salariés",
        format="workshop" if number % 2 else "talk",
        duration_minutes=20 + number * 10,
        how_to="<ol><li>Préparer</li><li>Animer</li></ol>",
        body=[("paragraph", "<p>Du texte.</p>"), ("key_figure", {"value": "1", "label": "x"})],
        evidence_level="promising",
    )
    topic.themes.set([Theme.objects.get(slug=theme_slug)])
    topic.target_settings.set([CampaignSetting.objects.get(code=parent.setting)])
    topic.age_groups.set([AgeGroup.objects.get(code="adults")])
    return publish_child(parent, topic)


def make_campaign() -> Campaign:
    lead = Organisation.objects.create(name="Association test", kind="association")
    insurer = Organisation.objects.create(name="Mutuelle test", kind="insurer")
    campaign = Campaign.objects.create(
        slug="campagne-test", title="Campagne test", summary="Résumé.", lead_organisation=lead
    )
    campaign.settings.set(CampaignSetting.objects.filter(code="workplace"))
    campaign.themes.set(Theme.objects.filter(slug="tabac"))
    CampaignPartner.objects.create(campaign=campaign, organisation=insurer, role="funder")
    session = CodesignSession.objects.create(
        campaign=campaign, date=datetime.date(2026, 1, 12), format="workshop", agenda="Besoins"
    )
    Decision.objects.create(campaign=campaign, session=session, text="Faire un défi")
    for day in (2, 9):
        Action.objects.create(
            campaign=campaign,
            title=f"Atelier {day}",
            action_type="workshop",
            setting="workplace",
            start_date=datetime.date(2026, 2, day),
        )
    return campaign


def build_site(*, topics: int = 3) -> SimpleNamespace:
    root = Page.get_first_root_node()
    home = publish_child(root, HomePage(title="Accueil test", slug="accueil-test"))
    Site.objects.filter(is_default_site=True).update(root_page=home, hostname="testserver")
    settings_pages = {
        code: publish_child(
            home, SettingIndexPage(title=code.title(), slug=code, setting=code, show_in_menus=True)
        )
        for code in ("school", "university", "workplace")
    }
    workplace = settings_pages["workplace"]
    image = tiny_image()
    topic_pages = [make_topic(workplace, number, image=image) for number in range(1, topics + 1)]
    kit = ResourceKitPage(title="Kit", slug="kit", summary="Un kit.", contents="<p>Affiches</p>")
    kit.documents = [KitDocument(document=tiny_pdf_document(), description="Affiche")]
    publish_child(topic_pages[0], kit)
    campaign_index = publish_child(home, CampaignIndexPage(title="Campagnes", slug="campagnes"))
    campaign = make_campaign()
    campaign_page = publish_child(
        campaign_index,
        CampaignPage(title="Campagne test", slug="campagne-test", campaign=campaign, featured=True),
    )
    experience = publish_child(
        home, ExperienceIndexPage(title="Retours d'expérience", slug="temoignages")
    )
    for author in ("Alice", "Bruno"):
        Testimony.objects.create(
            page=experience,
            author_name=author,
            role="staff",
            setting="workplace",
            text="Très utile.",
            status=Testimony.Status.APPROVED,
        )
    return SimpleNamespace(
        home=home,
        settings=settings_pages,
        topics=topic_pages,
        kit=kit,
        campaign=campaign,
        campaign_index=campaign_index,
        campaign_page=campaign_page,
        experience=experience,
    )
