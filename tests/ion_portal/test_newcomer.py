"""A newcomer's first steps: `make superuser` as the README says, then the admin; demo accounts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from ion_portal.models import ApiKey, User
from tests.factories import give_second_factor

ROOT = Path(__file__).resolve().parents[2]

# Runs inside the fresh database after `make superuser`: sign in through the site's login, open /admin/
# (staff must first set up an authenticator app, ADMIN_REQUIRES_MFA), set one up, open /admin/ again.
LOGIN_SCRIPT = """
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from ion_portal.models import User
client = Client(HTTP_HOST="localhost")
login = client.post("/accounts/login/", {"login": "boss@example.org", "password": "a-Long-passphrase-2026"})
first = client.get("/admin/")
TOTP.activate(User.objects.get(email="boss@example.org"), generate_totp_secret())
admin = client.get("/admin/")
print("LOGIN", login.status_code, login.get("Location"), "FIRST", first.get("Location"), "ADMIN", admin.status_code)
"""


def test_readme_superuser_command_on_a_fresh_database_can_sign_in_to_the_admin(tmp_path):
    readme = (ROOT / "README.md").read_text()
    assert "make superuser" in readme
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST", "REDIS_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        DJANGO_SUPERUSER_EMAIL="boss@example.org",
        DJANGO_SUPERUSER_PASSWORD="a-Long-passphrase-2026",
    )
    # -o: the suite's virtualenv is installed already; make must not reinstall it.
    made = subprocess.run(
        ["make", "-o", ".venv/.installed", "-o", ".venv/.installed-dev", "superuser"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Superuser created successfully." in made.stdout
    env["DJANGO_DEBUG"] = "true"  # what the Makefile exports
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", LOGIN_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    assert (
        "LOGIN 302 /account/ FIRST /accounts/2fa/totp/activate/?next=%2Fadmin%2F ADMIN 200"
        in shell.stdout
    ), shell.stdout + shell.stderr


@pytest.mark.django_db
def test_createsuperuser_marks_the_new_address_verified_and_primary():
    call_command(
        "createsuperuser", interactive=False, email="root@example.org", stdout=io.StringIO()
    )
    user = User.objects.get(email="root@example.org")
    assert user.is_superuser
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("root@example.org", True, True)


@pytest.mark.django_db
def test_demo_accounts_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=false"):
        call_command("demo_accounts")
    assert not User.objects.filter(email__endswith="@demo.ion-portal.example").exists()


def _printed_accounts(output: str) -> dict[str, dict[str, str]]:
    accounts = {}
    for line in output.splitlines():
        parts = line.split()
        if "password:" in parts:
            email = parts[parts.index("password:") - 1]
            found = {"password": parts[parts.index("password:") + 1]}
            if "key:" in parts:
                found["key"] = parts[parts.index("key:") + 1]
            accounts[email] = found
    return accounts


@pytest.mark.django_db
def test_demo_accounts_print_working_passwords_for_each_role(settings, client, capsys):
    settings.DEBUG = True
    call_command("demo_accounts")
    accounts = _printed_accounts(capsys.readouterr().out)
    assert set(accounts) == {
        "member@demo.ion-portal.example",
        "curator@demo.ion-portal.example",
        "partner@demo.ion-portal.example",
    }
    member = User.objects.get(email="member@demo.ion-portal.example")
    curator = User.objects.get(email="curator@demo.ion-portal.example")
    assert member.is_member and not member.is_staff
    assert curator.is_curator and curator.is_staff
    partner = accounts["partner@demo.ion-portal.example"]
    assert ApiKey.lookup(partner["key"]).partner.email == "partner@demo.ion-portal.example"

    response = client.post(
        reverse("account_login"),
        {
            "login": "curator@demo.ion-portal.example",
            "password": accounts["curator@demo.ion-portal.example"]["password"],
        },
    )
    assert response.status_code == 302
    # Staff set up an authenticator app before the admin (ADMIN_REQUIRES_MFA), demo curators too.
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/totp/activate/")
    give_second_factor(curator)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_demo_accounts_rerun_changes_passwords_and_revokes_the_old_key(settings, capsys):
    settings.DEBUG = True
    call_command("demo_accounts")
    first = _printed_accounts(capsys.readouterr().out)
    call_command("demo_accounts")
    second = _printed_accounts(capsys.readouterr().out)
    member = User.objects.get(email="member@demo.ion-portal.example")
    assert not member.check_password(first["member@demo.ion-portal.example"]["password"])
    assert member.check_password(second["member@demo.ion-portal.example"]["password"])
    assert ApiKey.lookup(first["partner@demo.ion-portal.example"]["key"]) is None
    assert ApiKey.lookup(second["partner@demo.ion-portal.example"]["key"]) is not None
    assert User.objects.filter(email__endswith="@demo.ion-portal.example").count() == 3


def test_make_run_creates_the_demo_accounts_after_the_demo_data_and_before_serving():
    planned = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "-o", ".venv/.installed-dev", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    steps = [line for line in planned if "manage.py" in line]
    assert [step.split("manage.py ")[1].split()[0] for step in steps] == [
        "migrate",
        "seed_demo",
        "demo_accounts",
        "runserver",
    ]
