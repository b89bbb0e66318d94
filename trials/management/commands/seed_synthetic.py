"""manage.py seed_synthetic --trials N: N synthetic, published trials shaped like the real ones (for scale).

Text lengths, status and phase mix follow the real records; drugs and conditions come from the vocabularies.
Rows are written in batches (no per-row history, no per-row signals): bulk_create, or on PostgreSQL for big
loads COPY through a staging table whose INSERT … SELECT computes the search vectors; no index is dropped. Synthetic NCT IDs start at NCT90000000 and are marked
source=synthetic, so `--delete` removes exactly them.
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from ion_portal.models import CancerType
from trials.filters import invalidate_facet_cache
from trials.models import Drug, Intervention, Trial, join_codes
from trials.services import update_search_vectors
from trials.vocabularies import seed_drugs

FIRST_ID = 90_000_000
# The weighted vector of trials.search_index.search_vector_expression(), as SQL over the staging table.
SEARCH_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('english'::regconfig, COALESCE({column}, '')), '{weight}')"
    for column, weight in [
        ("nct_id", "A"),
        ("acronym", "A"),
        ("brief_title", "A"),
        ("official_title", "A"),
        ("search_terms", "B"),
        ("brief_summary", "C"),
    ]
)
STATUS_MIX = [
    ("COMPLETED", 34),
    ("RECRUITING", 20),
    ("UNKNOWN", 12),
    ("ACTIVE_NOT_RECRUITING", 11),
    ("TERMINATED", 7),
    ("NOT_YET_RECRUITING", 6),
    ("WITHDRAWN", 3),
    ("ENROLLING_BY_INVITATION", 2),
    ("SUSPENDED", 1),
    ("AVAILABLE", 1),
    ("NO_LONGER_AVAILABLE", 1),
    ("WITHHELD", 1),
    ("TEMPORARILY_NOT_AVAILABLE", 1),
    ("APPROVED_FOR_MARKETING", 1),
]
PHASE_MIX = [
    (["PHASE2"], 26),
    (["PHASE1"], 18),
    (["PHASE3"], 14),
    (["NA"], 14),
    (["PHASE1", "PHASE2"], 10),
    ([], 8),
    (["PHASE4"], 5),
    (["PHASE2", "PHASE3"], 3),
    (["EARLY_PHASE1"], 2),
]
SENTENCES = [
    "This study evaluates the safety and efficacy of the investigational regimen in adults with advanced disease.",
    "Participants receive treatment in 21-day cycles until disease progression or unacceptable toxicity.",
    "The primary endpoint is progression-free survival assessed by blinded independent central review.",
    "Secondary endpoints include overall survival, objective response rate and duration of response.",
    "Tumour biopsies and blood samples are collected at baseline and on treatment for translational research.",
    "Immune-related adverse events are graded with CTCAE version 5.0 and managed according to guidelines.",
    "Patients previously treated with an immune checkpoint inhibitor are eligible in the expansion cohort.",
    "Quality of life is measured with the EORTC QLQ-C30 questionnaire every two cycles.",
]
CRITERIA = [
    "Histologically or cytologically confirmed diagnosis",
    "Measurable disease per RECIST 1.1",
    "ECOG performance status 0 or 1",
    "Adequate organ and bone marrow function",
    "No active autoimmune disease requiring systemic treatment in the past two years",
    "No untreated central nervous system metastases",
    "No prior allogeneic stem cell or solid organ transplantation",
    "Women of childbearing potential must use effective contraception",
]
SPONSORS = [
    ("Merck Sharp & Dohme LLC", "INDUSTRY"),
    ("Bristol-Myers Squibb", "INDUSTRY"),
    ("Hoffmann-La Roche", "INDUSTRY"),
    ("AstraZeneca", "INDUSTRY"),
    ("National Cancer Institute (NCI)", "NIH"),
    ("University Hospital Ghent", "OTHER"),
    ("EORTC", "NETWORK"),
]


def weighted(rng, mix):
    return rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]


class Command(BaseCommand):
    help = "Create N synthetic published trials shaped like real ClinicalTrials.gov records (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--trials", type=int, required=True, help="How many trials to create.")
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--delete", action="store_true", help="Delete earlier synthetic trials first."
        )

    def insert(self, model, objs, bulk_mode):
        """bulk_create, or on PostgreSQL in bulk mode COPY (several times faster for big loads).

        Trials go through a temporary staging table: COPY into it, then one INSERT … SELECT computes the
        search vector on the way in, so every production index stays in place and is maintained (never
        dropped: an interrupted seed leaves a complete, indexed table) and no row is written twice."""
        if not bulk_mode:
            return model.objects.bulk_create(objs, batch_size=1000)
        now = timezone.now()
        skip = {"search_vector"} if model is Trial else set()
        fields = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.column not in skip
        ]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = "seed_trial_stage" if model is Trial else model._meta.db_table
        with connection.cursor() as cursor:
            if model is Trial:
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {table} ON COMMIT DELETE ROWS "  # noqa: S608
                    f"AS SELECT {columns} FROM trials_trial WITH NO DATA"
                )
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    row = []
                    for f in fields:
                        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                            setattr(obj, f.attname, now)
                        row.append(f.get_db_prep_save(getattr(obj, f.attname), connection))
                    copy.write_row(row)
            if model is Trial:  # into the real table with the search vector; the ids the rows need
                cursor.execute(
                    f"INSERT INTO trials_trial ({columns}, search_vector) "  # noqa: S608
                    f"SELECT {columns}, {SEARCH_VECTOR_SQL} FROM {table} RETURNING nct_id, id"
                )
                ids = dict(cursor.fetchall())
                for obj in objs:
                    obj.pk = ids[obj.nct_id]
        return objs

    def handle(self, *args, trials, batch, seed, delete, **options):
        rng = random.Random(seed)
        seed_drugs(Drug)
        if delete:
            deleted, _ = Trial.objects.filter(source=Trial.Source.SYNTHETIC).delete()
            self.stdout.write(f"Deleted {deleted} synthetic rows.")
        drugs = list(Drug.objects.all())
        io_drugs = [d for d in drugs if d.immunotherapy_class]
        other_drugs = [d for d in drugs if not d.immunotherapy_class]
        cancer_types = list(CancerType.objects.all())
        lineage = {ct.pk: [ct, *ct.ancestors()] for ct in cancer_types}  # once, not per row
        synonyms = {d.pk: d.all_names() for d in drugs}
        start_n = FIRST_ID + Trial.objects.filter(source=Trial.Source.SYNTHETIC).count()
        now = timezone.now()
        started = time.monotonic()
        through = Trial.cancer_types.through
        # Bulk loading on PostgreSQL: COPY, with the search vector computed in the same INSERT; the
        # indexes are kept (a seed never drops what production queries rely on).
        bulk_mode = connection.vendor == "postgresql" and trials >= 10_000
        done = 0
        while done < trials:
            size = min(batch, trials - done)
            rows, plans = [], []
            for i in range(size):
                n = start_n + done + i
                main = rng.choice(io_drugs)
                partners = rng.sample(other_drugs, rng.choice([0, 0, 1, 1, 2]))
                ctype = rng.choice(cancer_types)
                phases = weighted(rng, PHASE_MIX)
                phase_text = "/".join(p.replace("PHASE", "Phase ") for p in phases) or "Pilot"
                title = f"{phase_text} Study of {main.name.title()}"
                if partners:
                    title += " With " + " and ".join(p.name.title() for p in partners)
                title += f" in Patients With {ctype.name}"
                conditions = [ctype.name] + (
                    [f"Advanced {ctype.name}"] if rng.random() < 0.5 else []
                )
                summary = " ".join(rng.choices(SENTENCES, k=rng.randint(2, 8)))
                criteria = "Inclusion Criteria:\n\n" + "\n".join(
                    f"* {c}" for c in rng.sample(CRITERIA, rng.randint(3, 8))
                )
                names = [main, *partners]
                terms = conditions + [x for d in names for x in synonyms[d.pk]]
                min_years = rng.choice([18, 18, 18, 12, 16, None])
                max_years = rng.choice([None, None, None, 75, 80, 65])
                start = now.date().replace(
                    year=rng.randint(2005, 2026), month=rng.randint(1, 12), day=1
                )
                sponsor, sponsor_class = rng.choice(SPONSORS)
                rows.append(
                    Trial(
                        nct_id=f"NCT{n:08d}",
                        brief_title=title[:500],
                        official_title=f"A Randomised, Open-Label {title}"[:2000],
                        brief_summary=summary,
                        overall_status=weighted(rng, STATUS_MIX),
                        phases=join_codes(phases),
                        study_type="INTERVENTIONAL",
                        enrollment_count=rng.randint(10, 1200),
                        enrollment_type="ESTIMATED",
                        start_date=start,
                        last_update_posted=start.replace(
                            year=min(start.year + rng.randint(0, 3), 2026)
                        ),
                        conditions=conditions,
                        eligibility_criteria=criteria,
                        sex=rng.choice(["ALL"] * 8 + ["FEMALE", "MALE"]),
                        minimum_age=f"{min_years} Years" if min_years else "",
                        maximum_age=f"{max_years} Years" if max_years else "",
                        minimum_age_days=min_years * 365 if min_years else None,
                        maximum_age_days=max_years * 365 if max_years else None,
                        lead_sponsor=sponsor,
                        lead_sponsor_class=sponsor_class,
                        source=Trial.Source.SYNTHETIC,
                        immunotherapy_classes=join_codes([main.immunotherapy_class]),
                        search_terms="\n".join(terms),
                        status=Trial.Status.PUBLISHED,
                        published_at=now,
                        last_synced_at=now,
                    )
                )
                plans.append((names, lineage[ctype.pk]))
            with transaction.atomic():
                created = self.insert(Trial, rows, bulk_mode)
                if not all(t.pk for t in created):  # SQLite before 3.35 returns no ids
                    by_id = dict(
                        Trial.objects.filter(nct_id__in=[t.nct_id for t in rows]).values_list(
                            "nct_id", "pk"
                        )
                    )
                    for t in created:
                        t.pk = by_id[t.nct_id]
                interventions, links = [], []
                for trial, (names, types) in zip(created, plans, strict=True):
                    for position, drug in enumerate(names):
                        interventions.append(
                            Intervention(
                                trial_id=trial.pk,
                                type="BIOLOGICAL" if drug.immunotherapy_class else "DRUG",
                                name=drug.name.title(),
                                other_names=drug.synonym_list[:3],
                                drug_id=drug.pk,
                                position=position,
                            )
                        )
                    links.extend(through(trial_id=trial.pk, cancertype_id=ct.pk) for ct in types)
                self.insert(Intervention, interventions, bulk_mode)
                self.insert(through, links, bulk_mode)
                if not bulk_mode:
                    update_search_vectors(Trial.objects.filter(pk__in=[t.pk for t in created]))
            done += size
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"{done}/{trials} trials ({rate:.0f}/s)")
        # Bulk writes send no signals: this builds the facet rows of every trial (trials/facets.py)
        # and drops the cached counts.
        invalidate_facet_cache()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM too: a bulk load leaves the visibility map unset, so the covering index's
                # index-only scans would still visit every row until autovacuum came by.
                # (VACUUM cannot run inside a transaction, e.g. a test's: ANALYZE only, then.)
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(
                    f"{command} trials_trial, trials_trial_cancer_types, trials_intervention, "
                    "trials_intervention_drugs, trials_trialsite, trials_trialfacet"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {trials} synthetic trials in {time.monotonic() - started:.1f} s."
            )
        )
