"""A participant is a pseudonymous code: this test fails if a direct identifier is added."""

import re

from django.db import models

from livinglab.campaigns.models import Participant

DENIED_NAME = re.compile(
    r"name|nom|prenom|surname|email|mail|phone|tel|mobile|address|adresse|street|rue|"
    r"birth|naissance|dob|nir|ssn|secu|ip_?addr",
    re.IGNORECASE,
)
ALLOWED_DATES = {"consent_date", "withdrawal_date"}
DENIED_TYPES = (models.EmailField, models.GenericIPAddressField, models.URLField)


def concrete_fields():
    return [f for f in Participant._meta.get_fields() if not f.auto_created or f.concrete]


def test_no_field_is_named_like_a_direct_identifier():
    offending = [f.name for f in concrete_fields() if DENIED_NAME.search(f.name)]
    assert offending == [], f"Participant must stay pseudonymous: remove {offending}"


def test_no_field_has_an_identifying_type():
    offending = [f.name for f in concrete_fields() if isinstance(f, DENIED_TYPES)]
    assert offending == []


def test_the_only_dates_are_consent_and_withdrawal():
    dates = {
        f.name
        for f in concrete_fields()
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
    }
    assert dates <= ALLOWED_DATES, f"a date could be a birth date: {dates - ALLOWED_DATES}"


def test_the_deny_list_catches_what_it_must():
    for name in ("first_name", "nom", "email", "phone", "adresse", "birth_date", "date_naissance"):
        assert DENIED_NAME.search(name)
    for name in ("code", "site", "group", "sex", "age_band", "consent_date", "campaign"):
        assert not DENIED_NAME.search(name), name
