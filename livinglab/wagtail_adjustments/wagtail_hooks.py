"""Loads the script that replaces Wagtail's inline admin scripts (see apps.py)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def csp_initialisers():
    """Runs what Wagtail's inline scripts did (templates/wagtailadmin/); CSP bans them."""
    return format_html('<script src="{}"></script>', static("js/csp-init.js"))
