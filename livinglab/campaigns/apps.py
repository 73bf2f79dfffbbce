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

        # Signing out deletes the uploads the session previewed but did not confirm.
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_discard_parked_uploads, dispatch_uid="discard-parked-uploads")


def _discard_parked_uploads(sender, request=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        from livinglab.core.uploads import discard_session_uploads

        discard_session_uploads(request.session)
