"""The education block of the home page: the latest news and the next events."""

from __future__ import annotations

from .models import Event, NewsItem


def home_block(request) -> dict | None:
    news = list(NewsItem.objects.published()[:3])
    events = list(Event.objects.published().upcoming()[:3])
    if not news and not events:
        return None
    return {
        "template": "education/includes/home_block.html",
        "context": {"news": news, "events": events},
    }
