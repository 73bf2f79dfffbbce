"""Protocol services: import/export as JSON, hashing, locking and versioning."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livinglab.campaigns import audit
from livinglab.campaigns.models import Campaign, Organisation
from livinglab.evaluation.measurement.models import Indicator, Outcome, Protocol, Scale, Wave

DESIGN_MIN_WAVES = {
    Protocol.Design.PRE_POST: 2,
    Protocol.Design.CONTROLLED_PRE_POST: 2,
    Protocol.Design.REPEATED: 3,
}


class ProtocolError(ValueError):
    """A protocol definition that cannot be accepted; the message says why, in French."""


def current_protocol(campaign: Campaign) -> Protocol | None:
    """The newest protocol version of a campaign."""
    return campaign.protocols.order_by("-version").first()


def protocol_definition(protocol: Protocol) -> dict:
    """The protocol as the JSON document of DESIGN.md §4 (also what the lock hash covers)."""
    waves = {wave.code: wave for wave in protocol.campaign.waves.all()}
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
        "outcomes": [
            {
                "indicator": outcome.indicator.code,
                "label": outcome.label or outcome.indicator.label,
                "scale": outcome.indicator.scale,
                "primary": outcome.primary,
            }
            for outcome in protocol.outcomes.select_related("indicator")
        ],
        "alpha": protocol.alpha,
        "correction": protocol.correction,
        "min_cell_size": protocol.min_cell_size,
        "subgroups": list(protocol.subgroup_dimensions),
    }


def definition_hash(definition: dict) -> str:
    """SHA-256 of the canonical JSON of a definition (the campaign title does not count)."""
    content = {key: value for key, value in definition.items() if key != "campaign"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def protocol_hash(protocol: Protocol) -> str:
    return definition_hash(protocol_definition(protocol))


def _check_definition(definition: dict) -> None:
    design = definition.get("design")
    if design not in Protocol.Design.values:
        raise ProtocolError(
            _("Plan « %(design)s » inconnu (attendu : %(choices)s).")
            % {"design": design, "choices": ", ".join(Protocol.Design.values)}
        )
    waves = definition.get("waves") or []
    if len(waves) < DESIGN_MIN_WAVES[design] or len(set(waves)) != len(waves):
        raise ProtocolError(
            _("Le plan %(design)s demande au moins %(n)d vagues distinctes.")
            % {"design": design, "n": DESIGN_MIN_WAVES[design]}
        )
    outcomes = definition.get("outcomes") or []
    if not outcomes:
        raise ProtocolError(_("Le protocole doit avoir au moins un critère de jugement."))
    if sum(bool(outcome.get("primary")) for outcome in outcomes) != 1:
        raise ProtocolError(_("Le protocole doit avoir exactement un critère principal."))
    min_cell_size = int(definition.get("min_cell_size", 10))
    if min_cell_size < 5:
        raise ProtocolError(_("L'effectif minimal par case ne peut pas être inférieur à 5."))
    alpha = float(definition.get("alpha", 0.05))
    if not 0 < alpha < 0.5:
        raise ProtocolError(_("Le seuil alpha doit être compris entre 0 et 0,5."))
    if definition.get("correction", "holm") not in Protocol.Correction.values:
        raise ProtocolError(_("Correction des tests multiples inconnue."))


def _indicator_for(outcome: dict) -> Indicator:
    code = outcome.get("indicator")
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        if not outcome.get("scale") or outcome["scale"] not in Scale.values:
            raise ProtocolError(
                _("Indicateur « %(code)s » absent du catalogue : donnez au moins son échelle.")
                % {"code": code}
            )
        indicator = Indicator.objects.create(
            code=code, label=outcome.get("label") or code, scale=outcome["scale"]
        )
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
            }
            for outcome, indicator in (
                (outcome, _indicator_for(outcome)) for outcome in definition["outcomes"]
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
    _check_definition(definition)
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
    for order, code in enumerate(definition["waves"]):
        wave, _created = Wave.objects.get_or_create(campaign=campaign, code=code)
        wave.order = order
        if code in windows:  # windows set in the admin are kept when the file has none
            wave.opens_on, wave.closes_on = (windows[code] or [None, None])[:2]
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
            label=outcome.get("label", ""),
            primary=bool(outcome.get("primary")),
            order=order,
        )
        for order, outcome in enumerate(definition["outcomes"])
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
