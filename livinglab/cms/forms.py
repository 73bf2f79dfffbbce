"""Public forms: topic filters (plain GET, no JavaScript), search and testimony submission."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from livinglab.campaigns.models import Setting
from livinglab.cms.i18n import localized_name
from livinglab.cms.models import Testimony, TopicFormat

DURATION_CHOICES = [
    ("", _("Toutes les durées")),
    ("short", _("30 minutes ou moins")),
    ("medium", _("De 31 à 90 minutes")),
    ("long", _("Plus de 90 minutes")),
]
STARTED_SALT = "livinglab.cms.testimony.started"


class VocabularyChoiceField(forms.ChoiceField):
    """One item of a vocabulary given as a list (the cached themes or age groups), by its key;
    cleans to the item itself, as a `ModelChoiceField` would, without querying."""

    def __init__(self, *, key: str, empty_label, **kwargs):
        self.key = key
        self.empty_label = empty_label
        self.items_by_key = {}
        super().__init__(choices=[("", empty_label)], **kwargs)

    def set_items(self, items) -> None:
        self.items_by_key = {getattr(item, self.key): item for item in items}
        self.choices = [
            ("", self.empty_label),
            *((key, localized_name(item)) for key, item in self.items_by_key.items()),
        ]

    def clean(self, value):
        return self.items_by_key.get(super().clean(value))


class TopicFilterForm(forms.Form):
    """Filters of the topic lists; `vocabulary` holds the themes and age groups to offer
    (`sitewide.SiteData`, cached once per publish)."""

    theme = VocabularyChoiceField(
        key="slug", required=False, label=_("Thème"), empty_label=_("Tous les thèmes")
    )
    age_group = VocabularyChoiceField(
        key="code", required=False, label=_("Tranche d'âge"), empty_label=_("Tous les âges")
    )
    format = forms.ChoiceField(
        choices=[("", _("Tous les formats")), *TopicFormat.choices],
        required=False,
        label=_("Format"),
    )
    duration = forms.ChoiceField(choices=DURATION_CHOICES, required=False, label=_("Durée"))

    def __init__(self, *args, vocabulary, age_groups=None, **kwargs):
        """`age_groups` narrows the age groups offered (a setting's listing: its own)."""
        super().__init__(*args, **kwargs)
        self.fields["theme"].set_items(vocabulary.themes)
        self.fields["age_group"].set_items(
            vocabulary.age_groups if age_groups is None else age_groups
        )


class SearchForm(TopicFilterForm):
    q = forms.CharField(label=_("Mots-clés"), max_length=200, required=False)
    setting = forms.ChoiceField(
        choices=[("", _("Tous les milieux")), *Setting.choices],
        required=False,
        label=_("Milieu"),
    )

    field_order = ["q", "setting", "theme", "age_group", "format", "duration"]


class TestimonyForm(forms.ModelForm):
    """Two silent bot traps: a field people never see, and a minimum time to fill the form."""

    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Testimony
        fields = ["author_name", "role", "setting", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.dumps(time.time(), salt=STARTED_SALT)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def looks_automated(self) -> bool:
        """True when the trap field is filled or the form came back too fast (or unsigned)."""
        if self.cleaned_data.get("website"):
            return True
        try:
            started = signing.loads(self.cleaned_data.get("started", ""), salt=STARTED_SALT)
        except signing.BadSignature:
            return True
        return time.time() - float(started) < settings.CMS_TESTIMONY_MIN_SECONDS
