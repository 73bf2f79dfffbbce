"""Rights on the shared indicator catalogue."""

from wagtail.permission_policies.base import ModelPermissionPolicy


class CataloguePolicy(ModelPermissionPolicy):
    """Any admin user may consult the shared referential; changing it is for superusers."""

    def user_has_permission(self, user, action):
        if not (user.is_active and user.is_authenticated):
            return False
        if action == "view":
            return True
        return user.is_superuser
