"""Members flag content from the page; hidden content shows a placeholder to its author
and disappears for everyone else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from community.models import Community, Flag, Member, Resource, ReviewItem
from community.services import moderation as services
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.life.factories import ResourceFactory

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]


def _flag_url(place: Community, resource: Resource) -> str:
    return f"/c/{place.slug}/flag/community.resource/{resource.pk}/"


def _detail(place: Community, resource: Resource) -> str:
    return f"/c/{place.slug}/library/{resource.pk}/"


def test_the_flag_button_shows_for_members_but_not_the_author_or_visitors(
    place: Community, resource: Resource, alice: Member, author: Member, client_for: ClientFor
) -> None:
    flag_url = _flag_url(place, resource)
    assert flag_url in client_for(alice).get(_detail(place, resource)).text
    assert flag_url not in client_for(author).get(_detail(place, resource)).text
    assert flag_url not in client_for(None).get(_detail(place, resource)).text


def test_flagging_without_javascript_comes_back_to_the_page(
    place: Community, resource: Resource, alice: Member, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post(
        _flag_url(place, resource),
        {"reason": "spam", "message": "Pub"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == resource.get_absolute_url()
    flag = Flag.objects.get()
    assert (flag.flagger_id, flag.reason, flag.message) == (alice.pk, "spam", "Pub")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "the animators will look at it" in page.text


def test_flagging_with_htmx_swaps_the_form_for_a_thank_you(
    place: Community, resource: Resource, alice: Member, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        _flag_url(place, resource),
        {"reason": "off_topic"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'role="status"' in response.text
    assert ReviewItem.objects.get().flag_count == 1
    again = client_for(alice).post(
        _flag_url(place, resource),
        {"reason": "spam", "message": "Deux fois"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 200  # htmx swaps 2xx only: the form and its error
    assert "<html" not in again.text and "You have already flagged this." in again.text
    assert "Deux fois" in again.text


def test_a_bad_flag_explains_and_keeps_the_typed_message(
    place: Community, resource: Resource, alice: Member, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post(
        _flag_url(place, resource),
        {"reason": "", "message": "Mon <b>message</b> à garder"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Mon &lt;b&gt;message&lt;/b&gt; à garder" in response.text
    script = client.post(
        _flag_url(place, resource),
        {"reason": "other", "message": "<script>alert(1)</script>" * 100},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert script.status_code == 400  # too long: explained, kept, escaped
    assert "Ensure this value has at most 1000 characters" in script.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in script.text
    assert "<script>alert" not in script.text
    response = client.post(
        _flag_url(place, resource), {"reason": "other"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "Tell the animators what is wrong." in response.text
    response = client.post(
        _flag_url(place, resource), {"reason": "x" * 5000}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert Flag.objects.count() == 0
    client.post(_flag_url(place, resource), {"reason": "spam"})
    again = client.post(
        _flag_url(place, resource),
        {"reason": "spam", "message": "Encore"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 400 and "You have already flagged this." in again.text
    assert "Encore" in again.text
    assert Flag.objects.count() == 1


def test_refused_flags_change_nothing(
    place: Community,
    resource: Resource,
    alice: Member,
    client_for: ClientFor,
    snapshot: Callable[[], object],
) -> None:
    stranger = MemberFactory()
    elsewhere = CommunityFactory()
    hidden = ResourceFactory(community=place, is_hidden=True)
    MembershipFactory(community=elsewhere, member=alice)
    before = snapshot()
    data = {"reason": "spam"}
    assert client_for(stranger).post(_flag_url(place, resource), data).status_code == 403
    anonymous = client_for(None).post(_flag_url(place, resource), data)
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]
    alice_client = client_for(alice)
    # Another community's address, an unknown type, a type that cannot be flagged,
    # content already hidden: all 404.
    assert alice_client.post(_flag_url(elsewhere, resource), data).status_code == 404
    assert alice_client.post(f"/c/{place.slug}/flag/nope.nope/1/", data).status_code == 404
    assert (
        alice_client.post(f"/c/{place.slug}/flag/community.member/{alice.pk}/", data).status_code
        == 404
    )
    assert alice_client.post(_flag_url(place, hidden), data).status_code == 404
    assert snapshot() == before


def test_hidden_content_shows_a_placeholder_to_its_author_only(
    place: Community,
    resource: Resource,
    author: Member,
    alice: Member,
    animator: Member,
    client_for: ClientFor,
) -> None:
    services.hide_content(target=resource, by=animator, reason="Publicité")
    mine = client_for(author).get(_detail(place, resource), HTTP_ACCEPT_LANGUAGE="en")
    assert mine.status_code == 200
    assert "The moderators have hidden this for now" in mine.text
    assert "Promo !!!" not in mine.text and resource.url not in mine.text
    assert client_for(alice).get(_detail(place, resource)).status_code == 404
    assert client_for(None).get(_detail(place, resource)).status_code == 404
    theirs = client_for(animator).get(_detail(place, resource), HTTP_ACCEPT_LANGUAGE="en")
    assert theirs.status_code == 200 and "Promo !!!" in theirs.text
    library = client_for(alice).get(f"/c/{place.slug}/library/")
    assert resource.title not in library.text
    notifications = client_for(author).get("/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert "is hidden for now. Reason: Publicité" in notifications.text
