from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "livinglab.campaigns"
    label = "campaigns"
    verbose_name = _("Campagnes")

    def ready(self):
        # Policies must be registered before any admin code asks for a fallback one.
        from wagtail.permissions import register_permission_policy

        from livinglab.campaigns.policies import POLICIES

        for model, policy in POLICIES.items():
            register_permission_policy(model, policy, exact_class=True)
