"""CMS demo: setting pages, topics with images and kits, campaign pages, testimonies.

The texts, and what each topic's illustration and kit show, are in `data/cms.json`.
Idempotent: pages are looked up by slug under their parent and only created when missing, so a
second run adds nothing (except pages for campaigns that appeared since).
"""

from django.db import transaction
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page

from livinglab.campaigns.models import Campaign, CampaignSetting, Theme
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
from livinglab.cms.permissions import ensure_editor_permissions
from livinglab.cms.publication import ensure_editors_workflow
from livinglab.demo import content
from livinglab.demo.accounts import ensure_reference_data
from livinglab.demo.media import ensure_document, ensure_image, illustration_png, kit_pdf

FEATURED_CAMPAIGNS = 3


def child_page(parent: Page, model, slug: str, relations: dict | None = None, **fields):
    """The live child `slug` of `parent`, created and published when missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    for name, values in (relations or {}).items():
        getattr(page, name).set(values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def rich_list(items: list[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


def topic_body(topic: dict, *, heading: str = "Pourquoi agir") -> list[tuple[str, object]]:
    """The topic's StreamField: intro, key figure and quote ({"value", "label", "source"} and
    {"text", "author", "role"} in the data, as the blocks name them), then its FAQ if any."""
    body = [
        ("heading", {"text": heading, "level": "h2"}),
        ("paragraph", f"<p>{topic['intro']}</p>"),
        ("key_figure", dict(topic["figure"])),
        ("quote", dict(topic["quote"])),
    ]
    if topic["faq"]:
        items = [
            {"question": item["question"], "answer": f"<p>{item['answer']}</p>"}
            for item in topic["faq"]
        ]
        body.append(("faq", {"items": items}))
    return body


def ensure_kit(topic_page: TopicPage, topic: dict, kit: dict) -> None:
    sections = {"Contenu du kit": kit["contents"], "Déroulé": topic["steps"]}
    document = ensure_document(
        title=kit["title"],
        filename=f"{kit['slug']}.pdf",
        content=kit_pdf(kit["title"], kit["summary"], sections),
    )
    existing = ResourceKitPage.objects.child_of(topic_page).filter(slug=kit["slug"]).first()
    if existing is not None:
        return
    page = ResourceKitPage(
        slug=kit["slug"],
        title=kit["title"],
        summary=kit["summary"],
        contents=rich_list(kit["contents"]),
    )
    page.documents = [KitDocument(document=document, description=", ".join(kit["contents"]))]
    topic_page.add_child(instance=page)
    page.save_revision().publish()


def ensure_topics(topics: list[dict], setting_pages: dict[str, SettingIndexPage]) -> int:
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    settings = {setting.code: setting for setting in CampaignSetting.objects.all()}
    ages = {group.code: group for group in AgeGroup.objects.all()}
    created = 0
    for seed, topic in enumerate(topics, start=1):
        image = ensure_image(
            title=f"Illustration — {topic['title']}",
            filename=f"{topic['slug']}.png",
            content=illustration_png(topic["colour"], seed),
        )
        page, is_new = child_page(
            setting_pages[topic["parent"]],
            TopicPage,
            topic["slug"],
            title=topic["title"],
            summary=topic["summary"],
            image=image,
            image_alt=f"Illustration abstraite pour « {topic['title']} »",
            relations={
                "themes": [themes[slug] for slug in topic["themes"]],
                "target_settings": [settings[code] for code in topic["settings"]],
                "age_groups": [ages[code] for code in topic["ages"]],
            },
            audience=topic["audience"],
            format=topic["format"],
            duration_minutes=topic["duration"],
            material=topic["material"],
            how_to=rich_list(topic["steps"], "ol"),
            body=topic_body(topic),
            sources=rich_list(topic["sources"]),
            evidence_level=topic["evidence"],
        )
        created += is_new
        if "kit" in topic:
            ensure_kit(page, topic, topic["kit"])
    return created


def ensure_search_promotions(promotions: list[dict]) -> None:
    """Editors' promoted results: "tabagisme" finds the topics that speak of "tabac"."""
    for promotion in promotions:
        query = Query.get(promotion["query"])
        for order, slug in enumerate(promotion["topics"]):
            page = TopicPage.objects.filter(slug=slug, locale=Locale.get_default()).first()
            if page is not None:
                SearchPromotion.objects.update_or_create(
                    query=query,
                    page=page,
                    defaults={"sort_order": order, "description": promotion["description"]},
                )


def ensure_campaign_pages(home: HomePage, spec: dict) -> int:
    index, _ = child_page(
        home,
        CampaignIndexPage,
        spec["slug"],
        title=spec["title"],
        show_in_menus=True,
        introduction=spec["introduction"],
    )
    # Pages that publishing results creates go through the editors' approval.
    ensure_editors_workflow(index)
    created = 0
    for position, campaign in enumerate(Campaign.objects.order_by("pk")):
        if CampaignPage.objects.filter(campaign=campaign, locale=home.locale).exists():
            continue
        child_page(
            index,
            CampaignPage,
            campaign.slug,
            title=campaign.title,
            campaign=campaign,
            featured=position < FEATURED_CAMPAIGNS,
        )
        created += 1
    return created


def ensure_experience_page(home: HomePage, spec: dict, testimonies: list[dict]) -> None:
    page, _ = child_page(
        home,
        ExperienceIndexPage,
        spec["slug"],
        title=spec["title"],
        show_in_menus=True,
        introduction=spec["introduction"],
    )
    for testimony in testimonies:
        Testimony.objects.get_or_create(
            page=page,
            author_name=testimony["author_name"],
            defaults={
                "role": testimony["role"],
                "setting": testimony["setting"],
                "text": testimony["text"],
                "status": Testimony.Status.APPROVED,
            },
        )


def ensure_annual_theme(home: HomePage, spec: dict) -> None:
    """The network's theme of the year on the home page, unless an editor already chose one."""
    if home.annual_theme_id is not None:
        return
    home.annual_theme = Theme.objects.get(slug=spec["theme"])
    home.annual_theme_text = spec["text"]
    home.save_revision().publish()


@transaction.atomic
def load(*, stdout) -> None:
    ensure_reference_data()
    ensure_editor_permissions()
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        stdout.write("CMS : pas de page d'accueil, rien à faire.")
        return
    data = content.read("cms")
    setting_pages = {}
    for setting in data["setting_pages"]:
        setting_pages[setting["slug"]], _ = child_page(
            home,
            SettingIndexPage,
            setting["slug"],
            title=setting["title"],
            setting=setting["setting"],
            introduction=setting["introduction"],
            show_in_menus=True,
        )
    topics = ensure_topics(data["topics"], setting_pages)
    ensure_search_promotions(data["search_promotions"])
    campaigns = ensure_campaign_pages(home, data["campaign_index"])
    ensure_experience_page(home, data["experience_index"], data["testimonies"])
    ensure_annual_theme(home, data["annual_theme"])
    stdout.write(f"CMS : {topics} thème(s) et {campaigns} page(s) de campagne créés.")
