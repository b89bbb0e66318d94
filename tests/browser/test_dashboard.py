"""A curator signs in, opens the admin on the dashboard and follows a count to the filtered list."""

from __future__ import annotations

import pytest

from ion_portal.models import CURATORS_GROUP
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_curator_signs_in_and_follows_a_dashboard_count_to_the_accounts_to_approve(page):
    import time

    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )

    curator = make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(curator, secret)  # staff have an authenticator app (ADMIN_REQUIRES_MFA)
    make_user("waiting@example.org", first_name="Wim", affiliation="Urology, University Hospital")
    page.goto("/admin/")
    page.get_by_label("Email").fill("curator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # The second factor: the app's current code.
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    attention = page.get_by_role("region", name="Needs attention")
    link = attention.get_by_role("link", name="1 Accounts awaiting approval")
    link.click()
    page.wait_for_url("**/admin/ion_portal/user/?membership=awaiting")
    assert page.get_by_role("link", name="waiting@example.org").is_visible()
    assert page.get_by_text("Urology, University Hospital").is_visible()
    assert page.get_by_role("link", name="curator@example.org").count() == 0
