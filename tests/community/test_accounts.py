"""Accounts through allauth, as configured for the platform: verification, login by code,
no account enumeration, rate limits in the real cache, MFA for everyone."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from community.models import Member, User
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def signup(client: Client, email: str, name: str = "Ann Example") -> object:
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
            "display_name": name,
        },
        headers=EN,
    )


def test_sign_up_needs_the_email_confirmed_before_logging_in(client: Client) -> None:
    response = signup(client, "ann@example.org")
    assert response["Location"] == reverse("account_email_verification_sent")
    member = Member.objects.get()
    assert (member.display_name, member.handle) == ("Ann Example", "ann-example")
    assert client.get(reverse("community:profile-edit")).status_code == 302  # not logged in
    [message] = mail.outbox
    link = re.search(r"http://testserver(/account/confirm-email/\S+/)", message.body)
    assert link
    client.post(link.group(1))
    assert client.get(reverse("community:profile-edit")).status_code == 200


def test_sign_up_with_an_existing_address_reveals_nothing(client: Client) -> None:
    UserFactory(email="taken@example.org")
    response = signup(client, "taken@example.org")
    fresh = signup(Client(), "fresh@example.org")
    assert response.status_code == fresh.status_code == 302
    assert response["Location"] == fresh["Location"]
    assert User.objects.filter(email="taken@example.org").count() == 1
    # the owner of the address is told by email instead
    assert [m.to for m in mail.outbox] == [["taken@example.org"], ["fresh@example.org"]]


def test_password_reset_answers_the_same_for_unknown_addresses(client: Client) -> None:
    UserFactory(email="known@example.org")
    known = client.post(
        reverse("account_reset_password"), {"email": "known@example.org"}, headers=EN
    )
    unknown = Client().post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}, headers=EN
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_failed_logins_are_rate_limited(client: Client) -> None:
    UserFactory(email="target@example.org")
    texts = [
        client.post(
            reverse("account_login"),
            {"login": "target@example.org", "password": "wrong"},
            headers=EN,
        ).text
        for _ in range(6)
    ]
    assert all("Too many failed login attempts" not in t for t in texts[:5])
    assert "Too many failed login attempts" in texts[5]
    # even the right password is refused while the limit holds (it counts in Redis)
    right = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}, headers=EN
    )
    assert "Too many failed login attempts" in right.text
    assert client.get(reverse("community:profile-edit")).status_code == 302


def test_login_by_emailed_code(client: Client) -> None:
    UserFactory(email="coder@example.org")
    response = client.post(
        reverse("account_request_login_code"), {"email": "coder@example.org"}, headers=EN
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "Learners" in message.body  # the platform's name, not the request's host
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M)
    assert code, message.body
    confirm = client.post(response["Location"], {"code": code.group(1)}, headers=EN)
    assert confirm.status_code == 302
    assert client.get(reverse("community:profile-edit")).status_code == 200


def test_every_member_can_set_up_an_authenticator(client_for: object) -> None:
    member = MemberFactory()
    client = client_for(member)  # type: ignore[operator]
    page = client.get(reverse("mfa_index"), headers=EN)
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.text
    # activating asks for the password again first (a recent login), then shows the QR code
    reauth = client.get(reverse("mfa_activate_totp"), headers=EN)
    assert reauth["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reauth["Location"], {"password": PASSWORD}, headers=EN)
    page = client.get(reverse("mfa_activate_totp"), headers=EN)
    assert page.status_code == 200
    assert 'name="code"' in page.text


def test_password_and_email_can_be_changed(client_for: object) -> None:
    member = MemberFactory()
    client = client_for(member)  # type: ignore[operator]
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-phrase-7",
            "password2": "another-long-phrase-7",
        },
    )
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("another-long-phrase-7")
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
