"""Protocol services: import/export as JSON, hashing, locking and versioning."""

import hashlib
import json
import math
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Organisation
from livinglab.evaluation.measurement.models import (
    Indicator,
    Outcome,
    Protocol,
    Scale,
    SubgroupDimension,
    Wave,
)

DESIGN_MIN_WAVES = {
    Protocol.Design.PRE_POST: 2,
    Protocol.Design.CONTROLLED_PRE_POST: 2,
    Protocol.Design.REPEATED: 3,
}


# Read (and exported) but not hashed: they describe, they do not change the analysis. A locked
# protocol keeps its fingerprint when they are added or edited.
UNHASHED_KEYS = ("campaign", "wave_labels", "indicators")
INDICATOR_KEYS = ("unit", "min_value", "max_value", "higher_is_better")


class ProtocolError(ValueError):
    """A protocol definition that cannot be accepted; the message says why, in French.

    ``field`` names the part of the definition at fault (``design``, ``waves``, ``outcomes``,
    ``alpha``…), so that a form shows the message next to it.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def current_protocol(campaign: Campaign) -> Protocol | None:
    """The newest protocol version of a campaign."""
    return campaign.protocols.order_by("-version").first()


def protocol_definition(protocol: Protocol) -> dict:
    """The protocol as the JSON document of DESIGN.md §4 (also what the lock hash covers)."""
    waves = {wave.code: wave for wave in protocol.campaign.waves.all()}
    outcomes = list(protocol.outcomes.select_related("indicator"))
    return {
        "campaign": {"slug": protocol.campaign.slug, "title": protocol.campaign.title},
        "design": protocol.design,
        "waves": list(protocol.wave_codes),
        "wave_windows": {
            code: [
                waves[code].opens_on.isoformat()
                if code in waves and waves[code].opens_on
                else None,
                waves[code].closes_on.isoformat()
                if code in waves and waves[code].closes_on
                else None,
            ]
            for code in protocol.wave_codes
        },
        "wave_labels": {code: waves[code].label for code in protocol.wave_codes if code in waves},
        "outcomes": [_outcome_entry(outcome) for outcome in outcomes],
        # How each indicator is read and bounded: another database recreates it from this.
        "indicators": {
            outcome.indicator.code: {
                "label": outcome.indicator.label,
                "scale": outcome.indicator.scale,
                **{key: getattr(outcome.indicator, key) for key in INDICATOR_KEYS},
            }
            for outcome in outcomes
        },
        "alpha": protocol.alpha,
        "correction": protocol.correction,
        "min_cell_size": protocol.min_cell_size,
        "subgroups": list(protocol.subgroup_dimensions),
    }


def _outcome_entry(outcome: Outcome) -> dict:
    indicator = outcome.indicator
    entry = {
        "indicator": indicator.code,
        "label": outcome.label or indicator.label,
        "scale": indicator.scale,
        "primary": outcome.primary,
    }
    if outcome.multiplicity_family:  # absent when empty: older fingerprints stay valid
        entry["family"] = outcome.multiplicity_family
    return entry


def definition_hash(definition: dict) -> str:
    """SHA-256 of the canonical JSON of a definition (the campaign, wave labels and the
    indicators' descriptions — units, bounds, direction — do not count)."""
    content = {key: value for key, value in definition.items() if key not in UNHASHED_KEYS}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def protocol_hash(protocol: Protocol) -> str:
    return definition_hash(protocol_definition(protocol))


def protocol_check(definition: dict) -> None:
    """Raise ProtocolError (with the field at fault) unless the definition can be accepted.

    The one validation of a protocol: the JSON import and the admin builder both go through it.
    """
    for key in ("wave_windows", "wave_labels", "indicators"):
        if not isinstance(definition.get(key) or {}, dict):
            raise ProtocolError(_("« %(key)s » doit associer un code à une valeur.") % {"key": key})
    for key in ("waves", "outcomes", "subgroups"):
        if not isinstance(definition.get(key) or [], list):
            raise ProtocolError(_("« %(key)s » doit être une liste.") % {"key": key}, field=key)
    design = definition.get("design")
    if design not in Protocol.Design.values:
        raise ProtocolError(
            _("Plan « %(design)s » inconnu (attendu : %(choices)s).")
            % {"design": design, "choices": ", ".join(Protocol.Design.values)},
            field="design",
        )
    _check_waves(definition, design)
    _check_outcomes(_described_outcomes(definition))
    try:
        min_cell_size = int(definition.get("min_cell_size", 10))
        alpha = float(definition.get("alpha", 0.05))
    except (TypeError, ValueError) as error:
        raise ProtocolError(_("Seuil alpha ou effectif minimal illisible.")) from error
    if min_cell_size < 5:
        raise ProtocolError(
            _("L'effectif minimal par case ne peut pas être inférieur à 5."), field="min_cell_size"
        )
    if not 0 < alpha < 0.5:
        raise ProtocolError(_("Le seuil alpha doit être compris entre 0 et 0,5."), field="alpha")
    if definition.get("correction", "holm") not in Protocol.Correction.values:
        raise ProtocolError(_("Correction des tests multiples inconnue."), field="correction")
    unknown = set(definition.get("subgroups") or []) - set(SubgroupDimension.values)
    if unknown:
        raise ProtocolError(
            _("Sous-groupe inconnu : %(names)s.") % {"names": ", ".join(sorted(unknown))},
            field="subgroups",
        )


def _check_waves(definition: dict, design: str) -> None:
    waves = definition.get("waves") or []
    if len(waves) < DESIGN_MIN_WAVES[design] or len(set(waves)) != len(waves):
        raise ProtocolError(
            _("Le plan %(design)s demande au moins %(n)d vagues distinctes.")
            % {"design": Protocol.Design(design).label, "n": DESIGN_MIN_WAVES[design]},
            field="waves",
        )
    for code in waves:
        try:
            validate_slug(code)
        except (ValidationError, TypeError) as error:
            raise ProtocolError(
                _("Code de vague « %(code)s » invalide (lettres, chiffres, - et _).")
                % {"code": code},
                field="waves",
            ) from error
    for code, window in (definition.get("wave_windows") or {}).items():
        opens, closes = _window_dates(code, window)
        if opens and closes and closes < opens:
            raise ProtocolError(
                _("La vague « %(code)s » ferme avant d'ouvrir.") % {"code": code}, field="waves"
            )


def _window_dates(code: str, window) -> tuple[date | None, date | None]:
    opens, closes = (list(window or []) + [None, None])[:2]
    try:
        return tuple(
            date.fromisoformat(value) if isinstance(value, str) else value
            for value in (opens, closes)
        )
    except ValueError as error:
        raise ProtocolError(
            _("Dates de la vague « %(code)s » illisibles (AAAA-MM-JJ).") % {"code": code},
            field="waves",
        ) from error


def _check_outcomes(outcomes: list[dict]) -> None:
    if not outcomes:
        raise ProtocolError(
            _("Le protocole doit avoir au moins un critère de jugement."), field="outcomes"
        )
    if not all(
        isinstance(outcome, dict) and isinstance(outcome.get("indicator"), str)
        for outcome in outcomes
    ):
        raise ProtocolError(
            _("Chaque critère de jugement nomme son indicateur (« indicator »)."),
            field="outcomes",
        )
    if sum(bool(outcome.get("primary")) for outcome in outcomes) != 1:
        raise ProtocolError(
            _("Le protocole doit avoir exactement un critère principal."), field="outcomes"
        )
    codes = [outcome.get("indicator") for outcome in outcomes]
    repeated = {code for code in codes if codes.count(code) > 1}
    if repeated:
        raise ProtocolError(
            _("Indicateur choisi deux fois : %(codes)s.")
            % {"codes": ", ".join(sorted(map(str, repeated)))},
            field="outcomes",
        )
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    for outcome in outcomes:
        if len(str(outcome.get("family") or "")) > 60:
            raise ProtocolError(_("Nom de famille trop long (60 caractères)."), field="outcomes")
        if outcome.get("indicator") not in known:
            indicator_check(outcome)


def indicator_check(entry: dict) -> dict:
    """The fields of a new catalogue indicator (code, label, scale, unit, bounds, direction),
    checked; binary indicators are bounded to 0 and 1. Raises ProtocolError."""
    code = entry.get("indicator")
    try:
        validate_slug(code)
    except (ValidationError, TypeError) as error:
        raise ProtocolError(
            _("Code d'indicateur « %(code)s » invalide (lettres, chiffres, - et _).")
            % {"code": code},
            field="outcomes",
        ) from error
    scale = entry.get("scale")
    if scale not in Scale.values:
        raise ProtocolError(
            _("Indicateur « %(code)s » absent du catalogue : donnez au moins son échelle.")
            % {"code": code},
            field="outcomes",
        )
    bounds = []
    for key in ("min_value", "max_value"):
        value = entry.get(key)
        if value in (None, ""):
            bounds.append(None)
            continue
        try:
            value = float(value)
        except (TypeError, ValueError) as error:
            raise ProtocolError(
                _("Indicateur « %(code)s » : la borne %(key)s doit être un nombre.")
                % {"code": code, "key": key},
                field="outcomes",
            ) from error
        if not math.isfinite(value):
            raise ProtocolError(
                _("Indicateur « %(code)s » : borne infinie.") % {"code": code}, field="outcomes"
            )
        bounds.append(value)
    low, high = bounds
    if scale == Scale.BINARY:
        low, high = 0.0, 1.0
    if low is not None and high is not None and low >= high:
        raise ProtocolError(
            _("Indicateur « %(code)s » : la borne minimale doit être inférieure à la maximale.")
            % {"code": code},
            field="outcomes",
        )
    return {
        "code": code,
        "label": str(entry.get("label") or code)[:200],
        "scale": scale,
        "unit": str(entry.get("unit") or "")[:40],
        "min_value": low,
        "max_value": high,
        "higher_is_better": bool(entry.get("higher_is_better", True)),
    }


def _described_outcomes(definition: dict) -> list[dict]:
    """Outcomes with their indicator's description (scale, unit, bounds, direction) from the
    definition's ``indicators`` table (as exported) when the outcome itself does not give it."""
    table = definition.get("indicators") or {}
    described = []
    for outcome in definition.get("outcomes") or []:
        entry = table.get(outcome.get("indicator")) if isinstance(outcome, dict) else None
        extra = {key: entry[key] for key in (*INDICATOR_KEYS, "scale") if key in (entry or {})}
        described.append({**extra, **outcome} if isinstance(outcome, dict) else outcome)
    return described


def _indicator_for(outcome: dict) -> Indicator:
    """The catalogue's indicator, or a new one with the unit, bounds and direction given."""
    indicator = Indicator.objects.filter(code=outcome.get("indicator")).first()
    if indicator is None:
        indicator = Indicator.objects.create(**indicator_check(outcome))
    return indicator


def _normalised(definition: dict, campaign: Campaign) -> dict:
    """An input definition in the exact shape of `protocol_definition`, to compare hashes."""
    waves = {wave.code: wave for wave in campaign.waves.all()}
    return {
        "design": definition["design"],
        "waves": list(definition["waves"]),
        "wave_windows": {
            code: [
                waves[code].opens_on.isoformat() if waves[code].opens_on else None,
                waves[code].closes_on.isoformat() if waves[code].closes_on else None,
            ]
            for code in definition["waves"]
        },
        "outcomes": [
            {
                "indicator": indicator.code,
                "label": outcome.get("label") or indicator.label,
                "scale": indicator.scale,
                "primary": bool(outcome.get("primary")),
                **({"family": outcome["family"]} if outcome.get("family") else {}),
            }
            for outcome, indicator in (
                (outcome, _indicator_for(outcome)) for outcome in _described_outcomes(definition)
            )
        ],
        "alpha": float(definition.get("alpha", 0.05)),
        "correction": definition.get("correction", "holm"),
        "min_cell_size": int(definition.get("min_cell_size", 10)),
        "subgroups": list(definition.get("subgroups", [])),
    }


@transaction.atomic
def protocol_import(*, definition: dict, user=None, deviation: str = "") -> Protocol:
    """Create or update a campaign's protocol from its JSON definition.

    An unlocked current version is updated in place; a locked one is never changed: a new
    version is created and the deviation is recorded (pre-registration).
    """
    protocol_check(definition)
    campaign_data = definition.get("campaign") or {}
    slug = campaign_data.get("slug")
    if not slug:
        raise ProtocolError(_("Le protocole doit nommer sa campagne (campaign.slug)."))
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        lead_name = campaign_data.get("lead_organisation") or _("Organisation à préciser")
        lead, _created = Organisation.objects.get_or_create(
            name=lead_name, defaults={"kind": Organisation.Kind.ASSOCIATION}
        )
        campaign = Campaign.objects.create(
            slug=slug, title=campaign_data.get("title") or slug, lead_organisation=lead
        )
    windows = definition.get("wave_windows") or {}
    labels = definition.get("wave_labels") or {}
    for order, code in enumerate(definition["waves"]):
        wave, _created = Wave.objects.get_or_create(campaign=campaign, code=code)
        wave.order = order
        if code in windows:  # windows set in the admin are kept when the file has none
            wave.opens_on, wave.closes_on = _window_dates(code, windows[code])
        if code in labels:
            wave.label = str(labels[code] or "")[:100]
        wave.save()
    current = current_protocol(campaign)
    if current is not None and current.is_locked:
        if definition_hash(_normalised(definition, campaign)) == current.lock_hash:
            return current
        protocol = Protocol(campaign=campaign, version=current.version + 1, created_by=user)
        protocol.deviation = deviation or _(
            "Modifié après verrouillage de la version %(version)d."
        ) % {"version": current.version}
    elif current is not None:
        protocol = current
    else:
        protocol = Protocol(campaign=campaign, version=1, created_by=user)
    protocol.design = definition["design"]
    protocol.wave_codes = list(definition["waves"])
    protocol.alpha = float(definition.get("alpha", 0.05))
    protocol.correction = definition.get("correction", "holm")
    protocol.min_cell_size = int(definition.get("min_cell_size", 10))
    protocol.subgroup_dimensions = list(definition.get("subgroups", []))
    protocol.save()
    protocol.outcomes.all().delete()
    Outcome.objects.bulk_create(
        Outcome(
            protocol=protocol,
            indicator=_indicator_for(outcome),
            label=str(outcome.get("label") or "")[:200],
            primary=bool(outcome.get("primary")),
            multiplicity_family=str(outcome.get("family") or ""),
            order=order,
        )
        for order, outcome in enumerate(_described_outcomes(definition))
    )
    return protocol


@transaction.atomic
def protocol_lock(*, protocol: Protocol, user=None) -> Protocol:
    """Freeze a protocol version: store its hash and time, and audit it."""
    if protocol.is_locked:
        return protocol
    protocol.lock_hash = protocol_hash(protocol)
    protocol.locked_at = timezone.now()
    protocol.save(update_fields=["lock_hash", "locked_at"])
    audit.record(
        protocol.campaign,
        "livinglab.protocol_lock",
        user=user,
        data={"version": protocol.version, "hash": protocol.lock_hash},
    )
    return protocol


def running_requires_protocol(campaign: Campaign) -> str | None:
    """A campaign starts running only once its evaluation protocol is written."""
    if current_protocol(campaign) is None:
        return _("Il manque un protocole d'évaluation (vagues, critères de jugement).")
    return None
