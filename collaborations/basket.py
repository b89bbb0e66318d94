"""The request basket (like the BBMRI-ERIC Negotiator's cart): a member collects platforms and sample
collections from the directory and the match lists, then sends one request naming them all. The basket
lives in the session (slugs only), so it needs no table and disappears with the session."""

from __future__ import annotations

from collaborations.models import Platform, SampleCollection

SESSION_KEY = "collaborations_basket"
KINDS = {"platform": Platform, "collection": SampleCollection}
# A request names at most this many resources (a basket past it refuses more).
MAX_ITEMS = 20


def basket_slugs(session) -> dict[str, list[str]]:
    """{"platform": [slug, …], "collection": [slug, …]} as stored in the session."""
    stored = session.get(SESSION_KEY) or {}
    return {kind: list(stored.get(kind, [])) for kind in KINDS}


def basket_count(session) -> int:
    return sum(len(slugs) for slugs in basket_slugs(session).values())


def basket_add(session, *, kind: str, slug: str) -> bool:
    """Add a published resource; False when it is unknown, unpublished, already in or the basket is full."""
    model = KINDS.get(kind)
    if model is None or not model.objects.published().filter(slug=slug).exists():
        return False
    slugs = basket_slugs(session)
    if slug in slugs[kind] or basket_count(session) >= MAX_ITEMS:
        return False
    slugs[kind].append(slug)
    session[SESSION_KEY] = slugs
    return True


def basket_remove(session, *, kind: str, slug: str) -> None:
    slugs = basket_slugs(session)
    if kind in slugs and slug in slugs[kind]:
        slugs[kind].remove(slug)
        session[SESSION_KEY] = slugs


def basket_clear(session) -> None:
    session.pop(SESSION_KEY, None)


def basket_resources(session) -> dict[str, list]:
    """The published resources in the basket (two queries), in the order they were added."""
    slugs = basket_slugs(session)
    found = {}
    for kind, model in KINDS.items():
        by_slug = {
            obj.slug: obj
            for obj in model.objects.published().select_related("unit").filter(slug__in=slugs[kind])
        }
        found[kind] = [by_slug[slug] for slug in slugs[kind] if slug in by_slug]
    return found
