from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "livinglab.cms"
    label = "cms"
    verbose_name = _("Contenus")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.signals import page_published, page_unpublished

        from livinglab.cms import csp
        from livinglab.cms.cache import bump_page_cache_version, bump_when_published
        from livinglab.cms.permissions import ensure_editor_permissions

        csp.install()  # chooser widgets without inline scripts (Content Security Policy)
        post_migrate.connect(ensure_editor_permissions, sender=self)
        page_published.connect(bump_page_cache_version, dispatch_uid="cms-cache-published")
        page_unpublished.connect(bump_page_cache_version, dispatch_uid="cms-cache-unpublished")
        # Pages read testimonies and the campaigns app live: their edits must show at once.
        watched = [self.get_model("Testimony")]
        for name in ("Campaign", "CampaignPartner", "CodesignSession", "Decision", "Action"):
            watched.append(self.apps.get_model("campaigns", name))
        # Publishing an evaluation run changes a campaign page's results section (progress
        # saves of unpublished runs must not empty the cache).
        if self.apps.is_installed("livinglab.evaluation"):
            post_save.connect(
                bump_when_published,
                sender=self.apps.get_model("evaluation", "EvaluationRun"),
                dispatch_uid="cms-cache-evaluation-run",
            )
        for model in watched:
            for signal in (post_save, post_delete):
                signal.connect(
                    bump_page_cache_version, sender=model, dispatch_uid=f"cms-cache-{model}"
                )
