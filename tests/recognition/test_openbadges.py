"""Open Badges 2.0 hosted verification: the Issuer, BadgeClass and Assertion documents
checked against the required fields and types of the 2.0 spec, the recipient hash, baked
PNG read back and baked SVG, private → 404, revoked → marked revoked."""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from PIL import Image

from recognition import openbadges
from recognition.models import BadgeGrant
from recognition.services import awarding
from tests.mentoring.factories import make_skill
from tests.recognition.factories import badge, post

pytestmark = pytest.mark.django_db

ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")
IRI = re.compile(r"^https?://[^\s]+$")


def _iri(value: Any) -> None:
    assert isinstance(value, str) and IRI.match(value), value


def validate_issuer(data: dict[str, Any]) -> None:
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Issuer"
    for key in ("id", "url"):
        _iri(data[key])
    assert isinstance(data["name"], str) and data["name"]
    assert re.match(r"^[^@\s]+@[^@\s]+$", data["email"])


def validate_badgeclass(data: dict[str, Any]) -> None:
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "BadgeClass"
    for key in ("id", "image", "issuer"):
        _iri(data[key])
    for key in ("name", "description"):
        assert isinstance(data[key], str) and data[key]
    criteria = data["criteria"]
    _iri(criteria["id"])
    assert isinstance(criteria["narrative"], str)
    for alignment in data.get("alignment", []):
        assert isinstance(alignment["targetName"], str)
        _iri(alignment["targetUrl"])


def validate_assertion(data: dict[str, Any]) -> None:
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Assertion"
    _iri(data["id"])
    _iri(data["badge"])
    recipient = data["recipient"]
    assert recipient["type"] == "email"
    assert recipient["hashed"] is True
    assert isinstance(recipient["salt"], str) and len(recipient["salt"]) >= 16
    assert re.match(r"^sha256\$[0-9a-f]{64}$", recipient["identity"])
    assert data["verification"] == {"type": "HostedBadge"}
    assert ISO_8601.match(data["issuedOn"])
    for evidence in data.get("evidence", []):
        _iri(evidence["id"])


@pytest.fixture
def grant(folks: Any) -> BadgeGrant:
    skill = make_skill("Excel")
    skill.rome_code = "M1607"
    skill.esco_uri = "http://data.europa.eu/esco/skill/abc"
    skill.save()
    badge("first_post", slug="first-words", name_en="First words", skill=skill)
    post(folks.alice, folks.community)
    awarding.run_backfill()
    return BadgeGrant.objects.select_related("badge", "member__user").get()


def test_issuer_badgeclass_and_assertion_are_valid_open_badges(client, grant, settings):
    settings.SITE_URL = "https://learners.example.org"
    issuer = client.get(reverse("recognition:ob-issuer"))
    assert issuer["Content-Type"] == "application/ld+json"
    validate_issuer(issuer.json())
    assert issuer.json()["id"] == "https://learners.example.org/openbadges/issuer.json"

    badge_doc = client.get(reverse("recognition:ob-badge", args=["first-words"])).json()
    validate_badgeclass(badge_doc)
    assert badge_doc["id"] == "https://learners.example.org/openbadges/badges/first-words.json"
    assert badge_doc["issuer"] == issuer.json()["id"]
    assert badge_doc["alignment"] == [
        {
            "targetName": "Excel (fr)",
            "targetUrl": "http://data.europa.eu/esco/skill/abc",
            "targetFramework": "ESCO",
        }
    ]

    url = reverse("recognition:ob-assertion", args=[grant.uid])
    doc = client.get(url).json()
    validate_assertion(doc)
    assert doc["id"] == f"https://learners.example.org{url}"
    assert doc["badge"] == badge_doc["id"]
    # the recipient hash: sha256 of the email and the salt
    salt = doc["recipient"]["salt"]
    expected = hashlib.sha256((grant.member.user.email + salt).encode()).hexdigest()
    assert doc["recipient"]["identity"] == f"sha256${expected}"
    assert salt == grant.salt
    assert doc["issuedOn"] == grant.granted_at.isoformat()
    # the image a class points to is served
    image = client.get(urlparse(badge_doc["image"]).path)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_salts_differ_between_grants(folks, grant):
    post(folks.bob, folks.community)
    awarding.run_backfill()
    salts = list(BadgeGrant.objects.values_list("salt", flat=True))
    assert len(set(salts)) == 2


def test_baked_png_reads_back_the_same_assertion(client, grant):
    response = client.get(reverse("recognition:ob-baked-png", args=[grant.uid]) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="first-words.png"'
    baked = openbadges.read_baked_png(response.content)
    served = client.get(reverse("recognition:ob-assertion", args=[grant.uid])).json()
    assert baked == served
    # a real PNG with an iTXt chunk keyword "openbadges"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"iTXtopenbadges\x00" in response.content
    assert Image.open(io.BytesIO(response.content)).size == (256, 256)


def test_baked_svg_holds_the_assertion(client, grant):
    response = client.get(reverse("recognition:ob-baked-svg", args=[grant.uid]))
    svg = response.content.decode()
    assert 'xmlns:openbadges="http://openbadges.org"' in svg
    match = re.search(
        r'<openbadges:assertion verify="([^"]+)"><!\[CDATA\[(.*)\]\]></openbadges:assertion>', svg
    )
    assert match is not None
    assert match.group(1) == openbadges.assertion_url(grant)
    assert json.loads(match.group(2)) == openbadges.assertion_json(grant)


def test_private_badge_answers_404_everywhere(client, grant):
    grant.public = False
    grant.save()
    for name in ("ob-assertion", "ob-baked-png", "ob-baked-svg", "share"):
        assert client.get(reverse(f"recognition:{name}", args=[grant.uid])).status_code == 404


def test_revoked_assertion_is_marked_revoked(client, grant, folks):
    awarding.revoke_grant(grant=grant, by=folks.animator, reason="Posted by mistake")
    response = client.get(reverse("recognition:ob-assertion", args=[grant.uid]))
    assert response.status_code == 410
    assert response.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": openbadges.assertion_url(grant),
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Posted by mistake",
    }
    assert client.get(reverse("recognition:ob-baked-png", args=[grant.uid])).status_code == 404


def test_share_page_has_open_graph_and_linkedin(client, grant):
    response = client.get(reverse("recognition:share", args=[grant.uid]))
    html = response.content.decode()
    assert '<meta property="og:title"' in html
    assert (
        '<meta property="og:image" content="http://testserver/badges/first-words/image/">' in html
    )
    link = re.search(r'href="(https://www.linkedin.com/profile/add\?[^"]+)"', html)
    assert link is not None
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["certId"] == [str(grant.uid)]
    assert query["issueYear"] == [str(grant.granted_at.year)]


def test_generated_svg_and_uploaded_images(client, grant, settings):
    svg = openbadges.badge_svg(grant.badge)
    assert svg.startswith("<svg") and grant.badge.colour in svg
    from django.core.files.base import ContentFile

    b = grant.badge
    b.image.save("custom.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'))
    response = client.get(reverse("recognition:badge-image", args=[b.slug]))
    assert response["Content-Type"] == "image/svg+xml"
    baked = openbadges.bake_svg(grant)
    assert baked.startswith('<svg xmlns:openbadges="http://openbadges.org"')
    assert "<openbadges:assertion" in baked
