"""Wagtail's apps without their API v3 registrations, unless `wagtail.api.v3` is installed.

Wagtail 8's images, documents, snippets, locales and redirects apps register routers on the API
v3 (`wagtail.api.v3.api`, built on django-ninja and pydantic) in their `ready()` whether or not
the project installs that API. We do not (the public API is v2), and importing it is about a
quarter of `django.setup()` (0.5-0.7 s on 2 cores; issue #15, `bench/bench_startup.py`). Wagtail
itself already asks `apps.is_installed("wagtail.api.v3")` before offering API tokens
(`wagtail/users/wagtail_hooks.py`); these configs ask the same before the routers.

Each `ready_without_api_v3` is Wagtail's `ready()` up to its API v3 part, line for line;
`tests/core/test_wagtail_adjustments.py` compares them with the installed Wagtail's, so an
upgrade that changes one fails loudly (and one that makes the routers conditional retires this).
"""

from django.apps import apps
from django.db.models import ForeignKey
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.locales.apps import WagtailLocalesAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig


class WithoutApiV3:
    """`ready()` skips the API v3 routers when the project does not install that API."""

    def ready(self):
        if apps.is_installed("wagtail.api.v3"):
            super().ready()
        else:
            self.ready_without_api_v3()

    def ready_without_api_v3(self):
        raise NotImplementedError


class ImagesConfig(WithoutApiV3, WagtailImagesAppConfig):
    def ready_without_api_v3(self):
        from wagtail.images import get_image_model, get_permission_policy
        from wagtail.permissions import register_permission_policy

        Image = get_image_model()
        register_permission_policy(Image, get_permission_policy())

        from wagtail.images.signal_handlers import register_signal_handlers

        register_signal_handlers()

        from wagtail.admin.forms.models import register_form_field_override
        from wagtail.images.widgets import AdminImageChooser

        register_form_field_override(ForeignKey, to=Image, override={"widget": AdminImageChooser})

        from wagtail.admin.compare import register_comparison_class
        from wagtail.images.edit_handlers import ImageFieldComparison

        register_comparison_class(ForeignKey, to=Image, comparison_class=ImageFieldComparison)

        from wagtail.admin.ui.fields import register_display_class
        from wagtail.images.components import ImageDisplay

        register_display_class(ForeignKey, to=Image, display_class=ImageDisplay)

        from wagtail.models.reference_index import ReferenceIndex

        ReferenceIndex.register_model(Image)


class DocumentsConfig(WithoutApiV3, WagtailDocsAppConfig):
    def ready_without_api_v3(self):
        from wagtail.documents import get_document_model, get_permission_policy
        from wagtail.documents.signal_handlers import register_signal_handlers
        from wagtail.permissions import register_permission_policy

        Document = get_document_model()
        register_permission_policy(Document, get_permission_policy())
        register_signal_handlers()

        from wagtail.admin.ui.fields import register_display_class
        from wagtail.documents.components import DocumentDisplay

        register_display_class(ForeignKey, to=Document, display_class=DocumentDisplay)

        from wagtail.models.reference_index import ReferenceIndex

        ReferenceIndex.register_model(Document)


class SnippetsConfig(WithoutApiV3, WagtailSnippetsAppConfig):
    def ready_without_api_v3(self):
        from django.db.models.signals import post_migrate
        from wagtail.snippets.models import create_extra_permissions, register_deferred_snippets

        register_deferred_snippets()
        post_migrate.connect(create_extra_permissions, sender=self)


class LocalesConfig(WithoutApiV3, WagtailLocalesAppConfig):
    def ready_without_api_v3(self):
        """Wagtail's `ready()` only registers the API v3 router."""


class RedirectsConfig(WithoutApiV3, WagtailRedirectsAppConfig):
    def ready_without_api_v3(self):
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.contrib.redirects.signal_handlers import (
            autocreate_redirects_on_page_move,
            autocreate_redirects_on_slug_change,
        )
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import page_slug_changed, post_page_move

        register_permission_policy(Redirect)
        post_page_move.connect(autocreate_redirects_on_page_move)
        page_slug_changed.connect(autocreate_redirects_on_slug_change)
