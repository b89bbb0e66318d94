"""The offline service worker keeps only public pages: a member's task-force phone numbers and on-call
rota never land in the browser's cache, so nothing of theirs is readable after sign-out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

CACHED_TEXTS = """
async () => {
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      texts.push([request.url, await response.text()]);
    }
  }
  return texts;
}
"""


@pytest.fixture
def guidelines(transactional_db):
    from toxicity import demo

    demo.load()


def test_members_task_force_numbers_are_never_cached_and_gone_after_sign_out(
    page_with_service_worker, guidelines
):
    from tests.factories import PASSWORD, make_user
    from toxicity.models import TaskForceMember

    phones = [p for p in TaskForceMember.objects.values_list("phone", flat=True) if p]
    assert phones, "the demo task force has phone numbers"
    page = page_with_service_worker
    make_user("member-offline@example.org", groups=("Members",))
    page.goto("/accounts/login/?next=/toxicity/task-force/")
    page.get_by_label("Email").fill("member-offline@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="On call now")).to_be_visible()
    assert phones[0] in page.content()

    # The worker installs and stores the section; a second, controlled visit refreshes the copy.
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)", timeout=15_000
    )
    page.wait_for_function(
        "caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().some(r => r.url.endsWith('/toxicity/task-force/')))",
        timeout=15_000,
    )
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.get_by_role("heading", name="On call now")).to_be_visible()
    page.goto("/toxicity/")
    page.goto("/toxicity/task-force/")
    expect(page.get_by_role("heading", name="On call now")).to_be_visible()

    cached = page.evaluate(CACHED_TEXTS)
    task_force = [text for url, text in cached if url.endswith("/toxicity/task-force/")]
    assert task_force, "the task-force page is kept for offline use"
    for url, text in cached:
        for phone in phones:
            assert phone not in text, f"{phone} cached in {url}"
        assert "On call now" not in text, url

    # Sign out, lose the network: the offline page is the public one.
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    page.context.set_offline(True)
    page.goto("/toxicity/task-force/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The irAE task force")
    expect(page.get_by_role("heading", name="On call now")).to_have_count(0)
    for phone in phones:
        assert phone not in page.content()
    page.context.set_offline(False)
