"""Wagtail's chooser widgets without inline scripts, for our Content Security Policy.

`BaseChooser.render` appends ``<script>new DocumentChooser("id", {...});</script>`` to every
chooser (documents, images, pages, snippets, tasks). Wagtail has no setting for this, so
`install()` replaces that method once, at start-up: the same call is described in a hidden
element's data attributes and `static/js/csp-init.js` performs it.
"""

import json

from django.utils.html import format_html
from wagtail.admin.widgets import BaseChooser


def _init_call(widget, id_, name, value_data) -> dict:
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    if isinstance(widget, AdminTaskChooser):  # its initialiser is a function, not a class
        return {"call": "createTaskChooser", "args": [id_]}
    options = widget.get_js_init_options(id_, name, value_data)
    return {"construct": widget.js_constructor, "args": [id_, options]}


def render_without_inline_script(self, name, value, attrs=None, renderer=None):
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    html = self.render_html(name, value_data, attrs)
    call = json.dumps(_init_call(self, id_, name, value_data))
    return format_html(
        '{}<span hidden data-livinglab-init="call" data-livinglab-options="{}"></span>',
        html,
        call,
    )


ORIGINAL_RENDER = BaseChooser.render  # kept for tests/core/test_wagtail_adjustments.py


def install() -> None:
    BaseChooser.render = render_without_inline_script
