from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "livinglab.cms"
    label = "cms"
    verbose_name = _("Contenus")

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.images import get_image_model
        from wagtail.models import Locale, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from livinglab.campaigns.privacy import data_erased
        from livinglab.cms.cache import (
            bump_page_cache_version,
            check_shared_cache,
            create_cache_tables,
        )
        from livinglab.cms.permissions import ensure_editor_permissions
        from livinglab.cms.publication import on_results_published, on_results_withdrawn
        from livinglab.evaluation.pooled.signals import pooled_evidence_computed
        from livinglab.evaluation.runs.signals import results_published, results_withdrawn

        post_migrate.connect(ensure_editor_permissions, sender=self)
        # `migrate` also creates the database cache's table (production without Redis).
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="cms-cache-table")
        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)
        # Every receiver below runs in the process making the change (web, Celery worker,
        # command); the version lives in the shared cache, so every web worker sees the bump.
        page_published.connect(bump_page_cache_version, dispatch_uid="cms-cache-published")
        page_unpublished.connect(bump_page_cache_version, dispatch_uid="cms-cache-unpublished")
        post_page_move.connect(bump_page_cache_version, dispatch_uid="cms-cache-moved")
        # Pages read testimonies and the campaigns app live: their edits must show at once.
        watched = [self.get_model("Testimony")]
        for name in (
            "Campaign",
            "CampaignPartner",
            "CodesignSession",
            "Decision",
            "Action",
            "BudgetLine",
        ):
            watched.append(self.apps.get_model("campaigns", name))
        # The site-wide data (`sitewide.py`) shares the version: privacy, sites, locales and the
        # filter vocabularies retire it too. A page made private must vanish at once.
        watched += [PageViewRestriction, Site, Locale, self.get_model("AgeGroup")]
        # Cards (`cms_tags.topic_cards`) and pages show image renditions: an image replaced or
        # re-cropped retires them (renditions themselves are created while rendering: not them).
        watched.append(get_image_model())
        for name in ("Theme", "CampaignSetting"):
            watched.append(self.apps.get_model("campaigns", name))
        # Publishing an evaluation run changes a campaign page's results section.
        results_published.connect(bump_page_cache_version, dispatch_uid="cms-cache-results")
        # …and creates or updates the campaign's public page, for the editors to approve.
        results_published.connect(on_results_published, dispatch_uid="cms-campaign-page")
        # Withdrawing them takes them off the pages, and cancels a review asked for them.
        results_withdrawn.connect(bump_page_cache_version, dispatch_uid="cms-cache-withdrawn")
        results_withdrawn.connect(on_results_withdrawn, dispatch_uid="cms-campaign-withdrawn")
        # The toolkit and topic pages show pooled evidence, recomputed after those (by a worker).
        pooled_evidence_computed.connect(bump_page_cache_version, dispatch_uid="cms-cache-pooled")
        # Withdrawal and retention erase rows (and retention updates the campaign without
        # post_save): nothing they erase is shown today, but a page must never outlive it.
        data_erased.connect(bump_page_cache_version, dispatch_uid="cms-cache-erasure")
        for model in watched:
            for signal in (post_save, post_delete):
                signal.connect(
                    bump_page_cache_version, sender=model, dispatch_uid=f"cms-cache-{model}"
                )
