"""One-click unsubscribe (RFC 8058) and the newsletter preferences page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from community.models import Member, NewsletterPreference
from community.services import newsletters as services
from tests.factories import CommunityFactory, MembershipFactory
from tests.newsletters.conftest import Place, coming_event, make_issue

pytestmark = pytest.mark.django_db


def anonymous(**kwargs: object) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)


def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def prefs() -> list[tuple[int, int | None, str]]:
    return sorted(
        NewsletterPreference.objects.values_list("member_id", "community_id", "frequency"),
        key=lambda row: (row[0], row[1] or 0),
    )


def test_post_without_a_session_unsubscribes_and_answers_200(place: Place) -> None:
    url = services.unsubscribe_url(place.alice.pk, place.community.pk).removeprefix(
        "http://testserver"
    )
    client = anonymous(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert prefs() == [(place.alice.pk, place.community.pk, "never")]
    assert "You are unsubscribed" in response.content.decode()
    # twice is harmless
    assert client.post(url).status_code == 200
    assert prefs() == [(place.alice.pk, place.community.pk, "never")]


def test_get_shows_a_confirmation_and_changes_nothing(place: Place) -> None:
    url = services.unsubscribe_url(place.alice.pk, place.community.pk).removeprefix(
        "http://testserver"
    )
    response = anonymous().get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Unsubscribe from the digest?" in html
    assert "You will no longer receive the digest of Formateurs de Lyon." in html
    assert '<form method="post" action="">' in html
    assert "Alice Martin" not in html  # the link does not log anyone in nor name them
    assert "Log in" in html
    assert prefs() == []


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "WzIsMV0" + t[t.index(":") :],  # another member's id, same signature
        lambda t: "nonsense",
    ],
)
def test_a_tampered_token_is_refused_and_changes_nothing(
    place: Place, mangle: Callable[[str], str]
) -> None:
    token = services.make_unsubscribe_token(place.alice.pk, place.community.pk)
    for method in ("get", "post"):
        response = getattr(anonymous(), method)(f"/u/{mangle(token)}/")
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert prefs() == []


def test_an_unsubscribed_member_gets_nothing_next_run(place: Place) -> None:
    coming_event(place.community)
    url = services.unsubscribe_url(place.alice.pk, place.community.pk).removeprefix(
        "http://testserver"
    )
    anonymous().post(url)
    issue = make_issue(place.community)
    services.deliver_newsletter_chunk(
        newsletter_id=issue.pk,
        member_ids=[place.alice.pk, place.bob.pk],
        claim="t",
    )
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_unsubscribing_from_the_platform_issue(place: Place) -> None:
    url = services.unsubscribe_url(place.alice.pk, None).removeprefix("http://testserver")
    response = anonymous().post(url)
    assert response.status_code == 200
    assert "no longer receive the platform" in response.content.decode()
    assert prefs() == [(place.alice.pk, None, "never")]


def test_preferences_page_lists_my_communities_and_saves(
    place: Place, client_for: Callable[[Member | None], Client]
) -> None:
    other = CommunityFactory(name="Data Guild")
    MembershipFactory(member=place.alice, community=other)
    client = english(client_for(place.alice))
    page = client.get("/me/newsletters/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Formateurs de Lyon" in html and "Data Guild" in html
    response = client.post(
        "/me/newsletters/",
        {f"c{place.community.pk}": "weekly", f"c{other.pk}": "never", "platform": "monthly"},
    )
    assert response.status_code == 302 and response["Location"] == "/me/newsletters/"
    assert prefs() == [
        (place.alice.pk, None, "monthly"),
        (place.alice.pk, place.community.pk, "weekly"),
        (place.alice.pk, other.pk, "never"),
    ]


def test_preferences_bad_input_is_refused_with_a_message(
    place: Place, client_for: Callable[[Member | None], Client]
) -> None:
    client = english(client_for(place.alice))
    response = client.post(
        "/me/newsletters/", {f"c{place.community.pk}": "<script>alert(1)</script>", "platform": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice." in html
    assert "This field is required." in html
    assert "<script>alert(1)</script>" not in html
    assert prefs() == []


def test_preferences_page_needs_a_login(place: Place) -> None:
    response = anonymous().get("/me/newsletters/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert anonymous().post("/me/newsletters/", {"platform": "never"}).status_code == 302
    assert prefs() == []


def test_preferences_page_is_linked_from_the_account_menu_and_notification_settings(
    place: Place, client_for: Callable[[Member | None], Client]
) -> None:
    client = english(client_for(place.alice))
    assert 'href="/me/newsletters/"' in client.get("/me/notifications/settings/").content.decode()
    assert 'href="/me/newsletters/"' in client.get("/").content.decode()


def test_pages_speak_french(place: Place) -> None:
    url = services.unsubscribe_url(place.alice.pk, place.community.pk).removeprefix(
        "http://testserver"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    html = client.get(url).content.decode()
    assert "Se désabonner de la lettre ?" in html
    assert "Vous êtes désabonné·e" in client.post(url).content.decode()


def test_the_personal_data_download_has_the_newsletters(place: Place) -> None:
    from community.selectors.members import export_member_data

    coming_event(place.community)
    issue = make_issue(place.community)
    services.deliver_newsletter_chunk(
        newsletter_id=issue.pk, member_ids=[place.alice.pk], claim="t"
    )
    services.set_newsletter_frequency(member=place.alice, community_id=None, frequency="weekly")
    data = export_member_data(place.alice)["newsletters"]
    assert data["preferences"] == [{"community": None, "frequency": "weekly"}]
    [row] = data["deliveries"]
    assert (row["community"], row["period_start"], row["status"]) == (
        "Formateurs de Lyon",
        issue.period_start.isoformat(),
        "sent",
    )
