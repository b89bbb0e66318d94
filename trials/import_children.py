"""The rows a batch of imported trials owns, written in bulk: a few queries per batch, not per trial.

Interventions (with every drug each names), arm groups and their intervention links, registered
locations, proposed network sites and recognised cancer-type links. Each function takes the batch as
(trial, prepared, created) triples whose trials are saved (have a pk). Bulk writes send no model signals:
trials.import_batch calls invalidate_facet_cache() and writes the site history itself.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from psycopg.types.json import Jsonb

from .import_prepare import Prepared
from .models import ArmGroup, Intervention, RecruitmentStatus, Trial, TrialLocation, TrialSite

Batch = list[tuple[Trial, Prepared, bool]]
CancerLink = Trial.cancer_types.through


def replace_interventions_and_arms(batch: Batch) -> None:
    """Replace the interventions and the arm groups of the batch's trials."""
    refreshed = [trial.pk for trial, _p, created in batch if not created]
    if refreshed:  # cascades to the drug and arm links
        Intervention.objects.filter(trial_id__in=refreshed).delete()
        ArmGroup.objects.filter(trial_id__in=refreshed).delete()
    per_trial = []
    interventions, arms = [], []
    for trial, prepared, _created in batch:
        normalised, drug_ids = prepared.derived.normalised, prepared.derived.drug_ids
        own = [
            Intervention(
                trial=trial,
                drug_id=ids[0] if ids else None,
                **{k: v for k, v in item.items() if k != "arm_labels"},
            )
            for item, ids in zip(normalised["interventions"], drug_ids, strict=True)
        ]
        own_arms = [ArmGroup(trial=trial, **item) for item in normalised["arms"]]
        interventions.extend(own)
        arms.extend(own_arms)
        per_trial.append((prepared, own, own_arms))
    Intervention.objects.bulk_create(interventions, batch_size=1000)
    ArmGroup.objects.bulk_create(arms, batch_size=1000)
    drug_links, arm_links = [], set()
    for prepared, own, own_arms in per_trial:
        normalised = prepared.derived.normalised
        for obj, ids in zip(own, prepared.derived.drug_ids, strict=True):
            drug_links.extend((obj.pk, pk) for pk in ids)
        # An intervention is in an arm when either side names the other (records often fill only one).
        for arm in own_arms:
            for obj, item in zip(own, normalised["interventions"], strict=True):
                if arm.label in item["arm_labels"] or _names_intervention(
                    arm.intervention_names, obj
                ):
                    arm_links.add((arm.pk, obj.pk))
    Intervention.drugs.through.objects.bulk_create(
        [Intervention.drugs.through(intervention_id=i, drug_id=d) for i, d in drug_links],
        batch_size=2000,
    )
    ArmGroup.interventions.through.objects.bulk_create(
        [
            ArmGroup.interventions.through(armgroup_id=a, intervention_id=i)
            for a, i in sorted(arm_links)
        ],
        batch_size=2000,
    )


def _names_intervention(names: list[str], intervention: Intervention) -> bool:
    # v2 writes "Drug: Pembrolizumab" (type prefix), legacy XML the bare name.
    wanted = intervention.name.strip().lower()
    return any(n.split(":", 1)[-1].strip().lower() == wanted for n in names)


def stored_sites(trial_pks: list[int]) -> dict[int, dict[int, TrialSite]]:
    """trial pk → {unit pk: site} of every site (confirmed, proposed, rejected) of these trials."""
    sites: dict[int, dict[int, TrialSite]] = {}
    if trial_pks:
        for site in TrialSite.all_objects.filter(trial_id__in=trial_pks).only(
            "pk", "trial_id", "unit_id", "state"
        ):
            sites.setdefault(site.trial_id, {})[site.unit_id] = site
    return sites


def has_site(prepared: Prepared, sites: dict[int, TrialSite]) -> bool:
    """A confirmed site, or a location matching a unit whose proposal was not rejected."""
    matched = {pk for ids in prepared.derived.unit_ids for pk in ids}
    return any(s.state == TrialSite.State.CONFIRMED for s in sites.values()) or any(
        pk not in sites or sites[pk].state != TrialSite.State.REJECTED for pk in matched
    )


def _location_text(item: dict) -> str:
    """str(TrialLocation) of a normalised location."""
    return ", ".join(item[k] for k in ("facility", "city", "country") if item[k])


def _insert_locations(rows: list[tuple[int, int | None, dict]]) -> None:
    """Insert (trial pk, unit pk, normalised location) rows: PostgreSQL COPY (a real record has up to
    hundreds of locations: model instances and a bound INSERT cost more than the rest of the import),
    bulk_create elsewhere."""
    fields = [f for f in TrialLocation._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        TrialLocation.objects.bulk_create(
            [TrialLocation(trial_id=t, unit_id=u, **item) for t, u, item in rows], batch_size=1000
        )
        return
    table = connection.ops.quote_name(TrialLocation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    with (
        connection.wrap_database_errors,  # a refused row raises Django's DatabaseError, as elsewhere
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for trial_id, unit_id, item in rows:
            values = {**item, "trial_id": trial_id, "unit_id": unit_id}
            values["contacts"] = Jsonb(values["contacts"])
            copy.write_row([values[name] for name in names])


def replace_locations(batch: Batch, sites: dict[int, dict[int, TrialSite]]) -> list[TrialSite]:
    """Replace the registered locations; propose a network site for each matched unit that has no
    site yet. Confirmed and rejected sites are never changed; a proposal whose location vanished is
    withdrawn. Returns the proposals created (their history is the caller's)."""
    refreshed = [trial.pk for trial, _p, created in batch if not created]
    if refreshed:
        TrialLocation.objects.filter(trial_id__in=refreshed).delete()
    rows, proposals, stale = [], [], []
    for trial, prepared, _created in batch:
        matched: dict[int, dict] = {}
        for item, ids in zip(
            prepared.derived.normalised["locations"], prepared.derived.unit_ids, strict=True
        ):
            rows.append((trial.pk, ids[0] if ids else None, item))
            for pk in ids:
                matched.setdefault(pk, item)
        existing = sites.get(trial.pk, {})
        stale.extend(
            s.pk
            for u, s in existing.items()
            if s.state == TrialSite.State.PROPOSED and u not in matched
        )
        fallback = (
            trial.overall_status
            if trial.overall_status in RecruitmentStatus.values
            else RecruitmentStatus.ACTIVE_NOT_RECRUITING
        )
        proposals.extend(
            TrialSite(
                trial=trial,
                unit_id=unit_id,
                state=TrialSite.State.PROPOSED,
                local_status=item["status"] or fallback,
                proposed_from=_location_text(item)[:500],
            )
            for unit_id, item in matched.items()
            if unit_id not in existing
        )
    _insert_locations(rows)
    if stale:  # a delete per row: the site history records each withdrawn proposal
        TrialSite.all_objects.filter(pk__in=stale).delete()
    TrialSite.all_objects.bulk_create(proposals)
    return proposals


def stored_cancer_links(trial_pks: list[int]) -> dict[int, set[int]]:
    """trial pk → the cancer types linked now (by recognition or by a curator)."""
    links: dict[int, set[int]] = {}
    if trial_pks:
        for trial_id, type_id in CancerLink.objects.filter(trial_id__in=trial_pks).values_list(
            "trial_id", "cancertype_id"
        ):
            links.setdefault(trial_id, set()).add(type_id)
    return links


def linked_after(trial: Trial, recognised: list[int], linked: set[int]) -> tuple[set, set]:
    """(types to unlink, types linked afterwards): recognition unlinks only the types it had linked,
    links what it finds now; links a curator added by hand are kept."""
    gone = set(trial.recognised_cancer_types or []) - set(recognised)
    return gone, (linked - gone) | set(recognised)


def write_cancer_links(batch: Batch, links: dict[int, set[int]], gone: dict[str, set[int]]) -> None:
    """Follow the recognition in the link table: unlink `gone` (nct_id → types only recognition had
    linked, see linked_after), link what is recognised now. trial.recognised_cancer_types is the
    caller's (a column of the trial row)."""
    unlink = Q()
    add = []
    for trial, prepared, _created in batch:
        if gone.get(trial.nct_id):
            unlink |= Q(trial_id=trial.pk, cancertype_id__in=sorted(gone[trial.nct_id]))
        have = links.get(trial.pk, set())
        add.extend(
            CancerLink(trial_id=trial.pk, cancertype_id=pk)
            for pk in prepared.derived.cancer_type_ids
            if pk not in have
        )
    if unlink:
        CancerLink.objects.filter(unlink).delete()
    CancerLink.objects.bulk_create(add, batch_size=2000)
