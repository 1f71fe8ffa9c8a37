"""Bad input in every form of community/: a clear, translated message, what was typed kept,
never a 500 and nothing saved."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from community.models import Member, Membership
from community.models.communities import JoinPolicy
from tests.factories import CommunityFactory, MemberFactory, MembershipFactory
from tests.helpers import assert_inert

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Member | None], Client]
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def profile_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "display_name": "Marie Curie",
        "bio": "",
        "team": "",
        "site": "",
        "preferred_language": "",
        "timezone": "Europe/Paris",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "english", "french"),
    [
        ({"display_name": ""}, "Tell us your name.", "Dites-nous votre nom."),
        ({"display_name": "x" * 81}, "at most 80 characters", "80 caractères au maximum"),
        ({"display_name": "  a "}, "at least 2 characters", "au moins 2 caractères"),
        ({"bio": "b" * 2001}, "under 2,000 characters", "moins de 2 000 caractères"),
        (
            {"languages": ["xx"]},
            "Choose languages from the list.",
            "Choisissez des langues dans la liste.",
        ),
        (
            {"timezone": "Mars/Olympus"},
            "Choose a time zone from the list.",
            "Choisissez un fuseau horaire dans la liste.",
        ),
        (
            {"preferred_language": "de"},
            "Choose French or English.",
            "Choisissez le français ou l’anglais.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_profile_form_errors_are_clear_and_keep_the_input(
    client_for: ClientFor, overrides: dict[str, object], english: str, french: str, language: str
) -> None:
    member = MemberFactory(display_name="Before", preferred_language=language)
    data = profile_data(team="Typed team", **overrides)
    response = client_for(member).post(reverse("community:profile-edit"), data)
    assert response.status_code == 400
    assert (english if language == "en" else french) in response.text
    assert 'value="Typed team"' in response.text  # what was typed comes back
    assert "error-summary" in response.text
    member.refresh_from_db()
    assert (member.display_name, member.team) == ("Before", "")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just text, not an image", "avatar.png", "not an image we can read"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "avatar.svg",
            "not an image we can read",
        ),
    ],
)
def test_avatar_must_be_an_image(
    client_for: ClientFor, content: bytes, name: str, message: str
) -> None:
    member = MemberFactory(preferred_language="en")
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client_for(member).post(
        reverse("community:profile-edit"), {**profile_data(), "avatar_upload": upload}
    )
    assert response.status_code == 400
    assert message in response.text
    member.refresh_from_db()
    assert not member.avatar


def test_avatar_size_is_limited(client_for: ClientFor, settings: object) -> None:
    settings.AVATAR_MAX_BYTES = 1000  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(buffer, format="PNG")
    member = MemberFactory(preferred_language="en")
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = client_for(member).post(
        reverse("community:profile-edit"), {**profile_data(), "avatar_upload": upload}
    )
    assert response.status_code == 400
    assert "too large" in response.text


def test_script_in_a_profile_is_stored_as_text_and_shown_escaped(client_for: ClientFor) -> None:
    member = MemberFactory()
    client = client_for(member)
    response = client.post(
        reverse("community:profile-edit"),
        profile_data(display_name=SCRIPT[:80], bio=SCRIPT, team=SCRIPT[:80]),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.bio == SCRIPT
    page = client.get(member.get_absolute_url()).text
    assert "&lt;script&gt;" in page
    body = page.split("<main", 1)[1]
    assert_inert(body.split("</main>", 1)[0])


def test_control_characters_are_removed(client_for: ClientFor) -> None:
    member = MemberFactory()
    client_for(member).post(
        reverse("community:profile-edit"),
        profile_data(display_name="Ma\x1brie Curie", team="Da\x07ta"),
    )
    member.refresh_from_db()
    assert (member.display_name, member.team) == ("Marie Curie", "Data")


def test_null_characters_are_refused(client_for: ClientFor) -> None:
    member = MemberFactory(display_name="Before", preferred_language="en")
    response = client_for(member).post(
        reverse("community:profile-edit"), profile_data(display_name="Ma\x00rie")
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.text
    member.refresh_from_db()
    assert member.display_name == "Before"


def test_join_request_message_too_long(client_for: ClientFor) -> None:
    community = CommunityFactory(join_policy=JoinPolicy.REQUEST)
    member = MemberFactory(preferred_language="fr")
    typed = "Bonjour " * 200
    response = client_for(member).post(
        reverse("community:community-request", args=[community.slug]), {"message": typed}
    )
    assert response.status_code == 400
    assert "moins de 1 000 caractères" in response.text
    assert typed.strip()[:50] in response.text
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 500},
        {"role": "emperor"},
        {"q": SCRIPT},
        {"after": "garbage"},
        {"team": "\x00"},
        {"q": "\\'\"%_*:&|!()"},
    ],
)
def test_directory_filters_never_fail(client_for: ClientFor, params: dict[str, str]) -> None:
    community = CommunityFactory()
    MembershipFactory(community=community)
    response = client_for(None).get(reverse("community:directory", args=[community.slug]), params)
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_directory_explains_a_bad_filter(client: Client) -> None:
    community = CommunityFactory()
    response = client.get(
        reverse("community:directory", args=[community.slug]),
        {"role": "emperor"},
        headers={"accept-language": "en"},
    )
    assert "Choose a role from the list." in response.text


@pytest.mark.parametrize("q", ["x" * 500, SCRIPT, "&|!:*()", "''", "\\"])
def test_community_search_never_fails(client: Client, q: str) -> None:
    CommunityFactory(name="Formateurs")
    response = client.get(reverse("community:community-list"), {"q": q})
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_community_search_too_long_is_explained(client: Client) -> None:
    response = client.get(
        reverse("community:community-list"), {"q": "x" * 500}, headers={"accept-language": "fr"}
    )
    assert "100 caractères au maximum" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password1": "", "password2": "", "display_name": ""}, "Tell us your name."),
        (
            {
                "email": "not-an-email",
                "password1": "a-long-pass-phrase-1",
                "password2": "a-long-pass-phrase-1",
                "display_name": "Ann",
            },
            "valid email",
        ),
        (
            {
                "email": "ann@example.org",
                "password1": "short",
                "password2": "short",
                "display_name": "Ann",
            },
            "too short",
        ),
        (
            {
                "email": "ann@example.org",
                "password1": "a-long-pass-phrase-1",
                "password2": "different-phrase-22",
                "display_name": "Ann",
            },
            "same password",
        ),
        (
            {
                "email": "ann@example.org",
                "password1": "a-long-pass-phrase-1",
                "password2": "a-long-pass-phrase-1",
                "display_name": "N" * 81,
            },
            "at most 80 characters",
        ),
    ],
)
def test_signup_errors_keep_the_input(client: Client, data: dict[str, str], message: str) -> None:
    response = client.post(reverse("account_signup"), data, headers={"accept-language": "en"})
    assert response.status_code == 200  # allauth re-renders the form
    assert message in response.text
    if data["email"]:
        assert f'value="{data["email"]}"' in response.text
    assert not Member.objects.exists()


def test_signup_with_a_script_as_name_stores_text(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "x@example.org",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
            "display_name": SCRIPT[:80],
        },
    )
    assert response.status_code == 302
    assert Member.objects.get().display_name == SCRIPT[:80]


def test_language_switch_with_a_bad_value(client: Client) -> None:
    response = client.post(reverse("community:language-set"), {"language": "klingon"})
    assert response.status_code == 302
    assert "lang" not in response.cookies


def test_account_deletion_needs_the_word(client_for: ClientFor) -> None:
    member = MemberFactory(preferred_language="fr")
    response = client_for(member).post(reverse("community:account-delete"), {"confirm": "oui"})
    assert response.status_code == 400
    assert "Tapez SUPPRIMER pour confirmer." in response.text
    member.refresh_from_db()
    assert not member.is_anonymized
