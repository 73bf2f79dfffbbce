"""Builders for tests: simulated campaigns with participants and responses of a known effect."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from livinglab.campaigns.models import Campaign, Participant, Site
from livinglab.evaluation.measurement.protocols import current_protocol, protocol_import
from livinglab.evaluation.models import Response, ResponseSet, Wave

SEXES = ["female", "male"]
AGE_BANDS = ["11-14", "15-17"]


def simulate_campaign(
    *,
    slug: str,
    design: str = "pre_post",
    n_per_group: int = 40,
    waves: tuple[str, ...] = ("baseline", "post"),
    outcomes: tuple[tuple[str, str], ...] = (("sleep_score", "continuous"),),
    effect: float = 0.6,
    sites: int = 4,
    small_group: int = 0,
    min_cell_size: int = 10,
    subgroups: tuple[str, ...] = ("sex",),
    missing: float = 0.05,
    seed: int = 7,
) -> Campaign:
    """A campaign whose follow-up waves improve by ``effect`` SD in the intervention group.

    ``small_group`` participants get sex "other": a subgroup under ``min_cell_size``.
    Outcomes are (indicator code, scale) pairs; the first is the primary one.
    """
    rng = np.random.default_rng(seed)
    protocol = protocol_import(
        definition={
            "campaign": {"slug": slug, "title": slug.replace("-", " ").title()},
            "design": design,
            "waves": list(waves),
            "outcomes": [
                {
                    "indicator": code,
                    "label": code.replace("_", " ").capitalize(),
                    "scale": scale,
                    "primary": index == 0,
                }
                for index, (code, scale) in enumerate(outcomes)
            ],
            "min_cell_size": min_cell_size,
            "subgroups": list(subgroups),
        }
    )
    campaign = protocol.campaign
    with transaction.atomic():
        site_rows = [
            Site.objects.get_or_create(
                name=f"{slug} site {index}",
                postcode=f"{75000 + index:05d}",
                defaults={"setting": "school", "city": "Paris"},
            )[0]
            for index in range(sites)
        ]
        groups = ["intervention"] + (["comparison"] if design == "controlled_pre_post" else [])
        people = []
        for group in groups:
            for index in range(n_per_group):
                people.append(
                    Participant(
                        campaign=campaign,
                        code=f"{group[:3]}{index:06d}",
                        group=group,
                        site=site_rows[index % sites] if sites else None,
                        sex=SEXES[index % 2],
                        age_band=AGE_BANDS[(index // 2) % 2],
                    )
                )
        for index in range(small_group):
            people.append(
                Participant(
                    campaign=campaign,
                    code=f"oth{index:06d}",
                    group="intervention",
                    site=site_rows[0] if sites else None,
                    sex="other",
                    age_band="11-14",
                )
            )
        Participant.objects.bulk_create(people, batch_size=5000)
        simulate_responses(campaign=campaign, effect=effect, missing=missing, rng=rng)
    return Campaign.objects.get(pk=campaign.pk)


def simulate_responses(
    *, campaign: Campaign, effect: float, missing: float, rng: np.random.Generator
) -> int:
    """Bulk-create responses of every participant, wave and outcome of the current protocol."""
    protocol = current_protocol(campaign)
    waves = list(Wave.objects.filter(campaign=campaign, code__in=protocol.wave_codes))
    waves.sort(key=lambda wave: protocol.wave_codes.index(wave.code))
    people = np.array(
        Participant.objects.filter(campaign=campaign).values_list("id", "group"), dtype=object
    )
    ids = people[:, 0].astype(np.int64)
    treated = (people[:, 1] == "intervention").astype(float)
    response_set = ResponseSet.objects.create(
        campaign=campaign, source=ResponseSet.Source.IMPORT, filename="simulation.csv"
    )
    created = 0
    for outcome in protocol.outcomes.select_related("indicator"):
        scale = outcome.indicator.scale
        level = rng.normal(0, 1, ids.size)
        batch = []
        for position, wave in enumerate(waves):
            shift = effect * treated * min(position, 1) + 0.05 * position
            latent = level + shift + rng.normal(0, 0.7, ids.size)
            if scale == "binary":
                values = (latent > 0.4).astype(float)
            elif scale == "ordinal":
                values = np.clip(np.round(3 + latent), 1, 5)
            else:
                values = np.round(50 + 10 * latent, 2)
            keep = rng.random(ids.size) >= missing
            batch += [
                Response(
                    response_set=response_set,
                    participant_id=int(pid),
                    wave=wave,
                    indicator=outcome.indicator,
                    value=float(value),
                )
                for pid, value in zip(ids[keep], values[keep], strict=True)
            ]
        Response.objects.bulk_create(batch, batch_size=5000)
        created += len(batch)
    response_set.rows = created
    response_set.save(update_fields=["rows"])
    return created
