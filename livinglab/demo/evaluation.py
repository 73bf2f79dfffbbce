"""Demo measurement data: protocols and seeded, realistic responses, loaded via the real import.

The protocols are in `data/evaluation.json`: per outcome, the baseline mean (or proportion) and
standard deviation, and the change in the intervention and in the comparison group — a real
effect in the intervention group, a small drift elsewhere. `runs.py` then evaluates them.
"""

import csv
import io
import zlib

import numpy as np
from django.db import transaction

from livinglab.campaigns.models import Campaign, Participant
from livinglab.demo import content
from livinglab.evaluation.measurement.catalogue import catalogue_load
from livinglab.evaluation.measurement.imports import responses_import
from livinglab.evaluation.measurement.protocols import (
    current_protocol,
    protocol_import,
    protocol_lock,
)
from livinglab.evaluation.models import Indicator, Scale

ATTRITION = 0.15  # share of participants missing at each follow-up wave
# What readers see for each demo wave code (the codes stay in files and addresses).
WAVE_LABELS = {
    "baseline": "Avant l'intervention",
    "post": "Après l'intervention",
    "suivi-6-mois": "Suivi à 6 mois",
}


def protocol_definition_for(campaign: Campaign, spec: dict) -> dict:
    return {
        "campaign": {"slug": campaign.slug, "title": campaign.title},
        "design": spec["design"],
        "waves": spec["waves"],
        "wave_labels": {code: WAVE_LABELS.get(code, code) for code in spec["waves"]},
        "outcomes": [
            {"indicator": o["indicator"], "label": o["label"], "primary": o["primary"]}
            for o in spec["outcomes"]
        ],
        "alpha": 0.05,
        "correction": "holm",
        "min_cell_size": 10,
        "subgroups": spec["subgroups"],
    }


def simulate(indicator: Indicator, rng, n: int, *, mean, sd, change) -> np.ndarray:
    """Plausible values within the indicator's range: a baseline and its follow-up drift."""
    low = indicator.min_value if indicator.min_value is not None else -np.inf
    high = indicator.max_value if indicator.max_value is not None else np.inf
    if indicator.scale == Scale.BINARY:
        return (rng.random(n) < min(max(mean + change, 0.02), 0.98)).astype(float)
    values = np.clip(rng.normal(mean + change, sd, n), low, high)
    if indicator.scale == Scale.ORDINAL or indicator.unit in {"min/jour", "points"}:
        return np.round(values)
    return np.round(values, 1)


def wave_file(campaign: Campaign, spec: dict, wave_index: int) -> bytes:
    """One wave as the generic wide CSV of DESIGN.md §4."""
    rng = np.random.default_rng([campaign.pk, wave_index, 2026])
    everyone = list(campaign.participants.order_by("code").values_list("code", "group"))
    # Attrition at follow-up; the baseline values below are drawn for everyone, then kept for
    # those who answered, so a participant's follow-up builds on their own baseline.
    answered = rng.random(len(everyone)) >= ATTRITION * wave_index
    codes = [code for (code, _group), kept in zip(everyone, answered, strict=True) if kept]
    intervention = np.array([group == Participant.Group.INTERVENTION for _c, group in everyone])
    intervention = intervention[answered]
    indicator_codes = [outcome["indicator"] for outcome in spec["outcomes"]]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    columns = {}
    for outcome in spec["outcomes"]:
        code, mean, sd = outcome["indicator"], outcome["baseline"], outcome["sd"]
        change_i, change_c = outcome["change_intervention"], outcome["change_comparison"]
        base_rng = np.random.default_rng([campaign.pk, zlib.crc32(code.encode())])
        baseline = simulate(indicators[code], base_rng, len(everyone), mean=mean, sd=sd, change=0)
        baseline = baseline[answered]
        change = np.where(intervention, change_i, change_c) * min(wave_index, 1)
        if indicators[code].scale == Scale.BINARY:
            flip = rng.random(len(codes)) < np.abs(change)
            towards = 1.0 if change_i > 0 else 0.0
            values = np.where(flip & (change != 0), towards, baseline)
        else:
            noise = rng.normal(0, (sd or 1) * 0.5, len(codes)) if wave_index else 0
            low = indicators[code].min_value
            high = indicators[code].max_value
            values = np.clip(baseline + change + noise, low, high)
            digits = 0 if indicators[code].scale == Scale.ORDINAL else 1
            values = np.round(values, digits)
        columns[code] = values
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["participant", "wave", *columns])
    wave = spec["waves"][wave_index]
    for row, code in enumerate(codes):
        writer.writerow([code, wave, *(_cell(columns[c][row]) for c in columns)])
    return buffer.getvalue().encode()


def _cell(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@transaction.atomic
def load(*, stdout) -> None:
    catalogue_load()
    for slug, spec in content.read("evaluation")["protocols"].items():
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            continue
        protocol_import(definition=protocol_definition_for(campaign, spec))
        if not campaign.response_sets.exists():
            for index, wave in enumerate(spec["waves"]):
                report = responses_import(
                    campaign=campaign,
                    data=wave_file(campaign, spec, index),
                    filename=f"demo-{slug}-{wave}.csv",
                )
                stdout.write(f"  {slug} / {wave} : {report.values} valeurs importées")
        if spec["lock"]:
            protocol_lock(protocol=current_protocol(campaign))
