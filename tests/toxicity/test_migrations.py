"""The data migration turns toxicity's own therapy codes into the core vocabulary's codes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("toxicity", "0001_initial")]
AFTER = [("toxicity", "0004_remove_applies_flags_and_source_checked")]


@pytest.mark.django_db(transaction=True)
def test_stored_codes_and_checked_flags_are_converted():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    source = old.get_model("toxicity", "GuidelineSource").objects.create(
        key="asco21", name="ASCO", short_name="ASCO 2021", edition="2021", year=2021, citation="x"
    )
    organ = old.get_model("toxicity", "OrganSystem").objects.create(name="Gut", slug="gut")
    scheme = old.get_model("toxicity", "GradingScheme").objects.create(
        slug="s", name="S", system="ctcae5", source=source
    )
    Toxicity = old.get_model("toxicity", "Toxicity")
    made = {}
    for slug, flags, risk in [
        ("colitis", {"applies_checkpoint": True, "version": "0.1-demo"}, "|antictla4|"),
        ("crs", {"applies_car_t": True, "applies_bispecific": True, "version": "1.0"}, ""),
    ]:
        made[slug] = Toxicity.objects.create(
            name=slug,
            slug=slug,
            organ_system=organ,
            grading_scheme=scheme,
            specialist="oncology",
            higher_risk_classes=risk,
            **flags,
        )
    Recommendation = old.get_model("toxicity", "Recommendation")
    for grade, checked in ((1, True), (2, False)):
        Recommendation.objects.create(
            toxicity=made["colitis"],
            grade=grade,
            source=source,
            action="hold",
            setting="outpatient",
            source_checked=checked,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    stored = {
        row.slug: (row.therapy_families, row.higher_risk_classes, row.is_demo)
        for row in new.get_model("toxicity", "Toxicity").objects.all()
    }
    assert stored == {
        "colitis": ("|checkpoint-inhibitor|", "|anti-ctla-4|", True),
        "crs": ("|cell-therapy|t-cell-engager|", "", False),
    }
    verification = dict(
        new.get_model("toxicity", "Recommendation").objects.values_list("grade", "verification")
    )
    assert verification == {1: "source", 2: "to_verify"}
