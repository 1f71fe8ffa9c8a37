"""Open Badges 2.0, hosted verification: the Issuer, BadgeClass and Assertion documents
(JSON-LD, ``id`` = the URL that serves them), the badge images (uploaded, or drawn from
the badge's colour and icon), and baked images (PNG ``iTXt`` chunk ``openbadges``, SVG
``<openbadges:assertion>``).

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, PngImagePlugin

from recognition.models import BadgeClass, BadgeGrant, Tier

CONTEXT = "https://w3id.org/openbadges/v2"
SIZE = 256
TIER_RING = {Tier.BRONZE: "#a8683a", Tier.SILVER: "#8a949e", Tier.GOLD: "#c99a06"}

# Simple shapes on a 100×100 grid, one per icon (drawn by both the SVG and the PNG).
ICON_POLYGONS: dict[str, list[tuple[float, float]]] = {
    "star": [
        (50, 20),
        (58, 40),
        (80, 40),
        (62, 54),
        (69, 76),
        (50, 63),
        (31, 76),
        (38, 54),
        (20, 40),
        (42, 40),
    ],
    "speech": [(25, 28), (75, 28), (75, 62), (48, 62), (34, 75), (36, 62), (25, 62)],
    "check": [(26, 52), (36, 42), (46, 54), (68, 30), (78, 40), (46, 72)],
    "heart": [
        (50, 76),
        (24, 50),
        (24, 36),
        (34, 27),
        (44, 28),
        (50, 36),
        (56, 28),
        (66, 27),
        (76, 36),
        (76, 50),
    ],
    "people": [(22, 74), (26, 56), (38, 50), (50, 56), (62, 50), (74, 56), (78, 74)],
    "calendar": [(26, 30), (74, 30), (74, 74), (26, 74), (26, 42), (74, 42), (26, 42)],
    "book": [
        (24, 30),
        (48, 36),
        (50, 74),
        (26, 68),
        (24, 30),
        (52, 36),
        (76, 30),
        (74, 68),
        (50, 74),
    ],
    "flame": [(50, 20), (66, 44), (68, 62), (58, 76), (42, 76), (32, 62), (36, 46), (44, 54)],
    "leaf": [(26, 74), (30, 44), (50, 28), (76, 24), (72, 50), (56, 68)],
    "medal": [(50, 26), (72, 40), (72, 62), (50, 76), (28, 62), (28, 40)],
}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def issuer_url() -> str:
    return absolute(reverse("recognition:ob-issuer"))


def badgeclass_url(badge: BadgeClass) -> str:
    return absolute(reverse("recognition:ob-badge", kwargs={"slug": badge.slug}))


def assertion_url(grant: BadgeGrant) -> str:
    return absolute(reverse("recognition:ob-assertion", kwargs={"uid": grant.uid}))


def issuer_json() -> dict[str, Any]:
    email = settings.DEFAULT_FROM_EMAIL
    if "<" in email:
        email = email.split("<", 1)[1].rstrip(">")
    return {
        "@context": CONTEXT,
        "id": issuer_url(),
        "type": "Issuer",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "email": email,
    }


def badgeclass_json(badge: BadgeClass) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "id": badgeclass_url(badge),
        "type": "BadgeClass",
        "name": badge.name,
        "description": badge.description,
        "image": absolute(reverse("recognition:badge-image", kwargs={"slug": badge.slug})),
        "criteria": {
            "id": absolute(reverse("recognition:badge", kwargs={"slug": badge.slug})),
            "narrative": badge.criteria,
        },
        "issuer": issuer_url(),
        "tags": [badge.group, badge.tier],
    }
    skill = badge.skill
    if skill is not None and (skill.esco_uri or skill.rome_code):
        alignment = {
            "targetName": skill.name,
            "targetUrl": skill.esco_uri
            or f"https://candidat.francetravail.fr/metierscope/fiche-metier/{skill.rome_code}",
            "targetFramework": "ESCO" if skill.esco_uri else "ROME",
        }
        if skill.rome_code and not skill.esco_uri:
            alignment["targetCode"] = skill.rome_code
        if skill.description:
            alignment["targetDescription"] = skill.description
        data["alignment"] = [alignment]
    return data


def hashed_identity(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def evidence_url(grant: BadgeGrant) -> str:
    """Where the contribution a grant is for can be seen (the badge's page otherwise)."""
    kind, _sep, ident = grant.subject.partition(":")
    if grant.community is not None:
        slug = grant.community.slug
        routes = {
            "mentorship": ("mentoring:mentorship-detail", {"slug": slug, "pk": ident}),
            "event": ("community:event-detail", {"slug": slug, "pk": ident}),
            "resource": ("community:resource-detail", {"slug": slug, "pk": ident}),
        }
        if kind in routes and ident.isdigit():
            from django.urls import NoReverseMatch

            name, kwargs = routes[kind]
            try:
                return absolute(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                pass
    return absolute(reverse("recognition:share", kwargs={"uid": grant.uid}))


def assertion_json(grant: BadgeGrant) -> dict[str, Any]:
    if grant.revoked_at is not None:
        return {
            "@context": CONTEXT,
            "id": assertion_url(grant),
            "type": "Assertion",
            "revoked": True,
            "revocationReason": grant.revoked_reason,
        }
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "id": assertion_url(grant),
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": grant.salt,
            "identity": hashed_identity(grant.member.user.email, grant.salt),
        },
        "badge": badgeclass_url(grant.badge),
        "verification": {"type": "HostedBadge"},
        "issuedOn": grant.granted_at.isoformat(),
        "image": absolute(reverse("recognition:ob-baked-png", kwargs={"uid": grant.uid})),
        "evidence": [
            {"id": evidence_url(grant), "narrative": grant.reason or grant.badge.criteria}
        ],
    }
    if grant.reason:
        data["narrative"] = grant.reason
    return data


# --- Images -----------------------------------------------------------------------------


def _points(icon: str, scale: float, offset: float = 0.0) -> list[tuple[float, float]]:
    return [(x * scale + offset, y * scale + offset) for x, y in ICON_POLYGONS.get(icon, [])]


def badge_svg(badge: BadgeClass, *, inner: str = "") -> str:
    """The generated SVG of a badge (colour, tier ring, icon); ``inner`` is inserted first
    (the baked assertion)."""
    ring = TIER_RING.get(Tier(badge.tier), "#888888")
    points = " ".join(f"{x:g},{y:g}" for x, y in _points(badge.icon, 1))
    title = escape(badge.name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" '
        f'viewBox="0 0 100 100" width="{SIZE}" height="{SIZE}" role="img" '
        f'aria-label="{title}">{inner}<title>{title}</title>'
        f'<circle cx="50" cy="50" r="47" fill="{ring}"/>'
        f'<circle cx="50" cy="50" r="40" fill="{badge.colour}"/>'
        f'<polygon points="{points}" fill="#ffffff"/></svg>'
    )


def badge_png(badge: BadgeClass) -> bytes:
    """The badge as PNG: the uploaded PNG, or drawn with Pillow from colour and icon."""
    if badge.image and (badge.image.name or "").lower().endswith(".png"):
        with badge.image.open("rb") as fh:
            return fh.read()
    scale = SIZE / 100
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    ring = TIER_RING.get(Tier(badge.tier), "#888888")
    draw.ellipse([3 * scale, 3 * scale, 97 * scale, 97 * scale], fill=ring)
    draw.ellipse([10 * scale, 10 * scale, 90 * scale, 90 * scale], fill=badge.colour)
    pts = _points(badge.icon, scale)
    if pts:
        draw.polygon(pts, fill="#ffffff")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def badge_image(badge: BadgeClass) -> tuple[bytes, str]:
    """The class image as served: (bytes, content type)."""
    if badge.image and (badge.image.name or "").lower().endswith(".svg"):
        with badge.image.open("rb") as fh:
            return fh.read(), "image/svg+xml"
    return badge_png(badge), "image/png"


def bake_png(grant: BadgeGrant) -> bytes:
    """The badge PNG with the assertion in an ``iTXt`` chunk, keyword ``openbadges``."""
    img = Image.open(io.BytesIO(badge_png(grant.badge)))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", json.dumps(assertion_json(grant)), zip=False)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def read_baked_png(data: bytes) -> dict[str, Any]:
    img = Image.open(io.BytesIO(data))
    img.load()
    text = getattr(img, "text", {}) or {}
    return json.loads(text["openbadges"])


def bake_svg(grant: BadgeGrant) -> str:
    """The badge SVG with ``<openbadges:assertion verify="…">`` holding the assertion."""
    payload = json.dumps(assertion_json(grant)).replace("]]>", "]]]]><![CDATA[>")
    inner = (
        f'<openbadges:assertion verify="{escape(assertion_url(grant))}">'
        f"<![CDATA[{payload}]]></openbadges:assertion>"
    )
    badge = grant.badge
    if badge.image and (badge.image.name or "").lower().endswith(".svg"):
        with badge.image.open("rb") as fh:
            svg = fh.read().decode("utf-8", errors="replace")
        if "xmlns:openbadges" not in svg:
            svg = svg.replace("<svg", '<svg xmlns:openbadges="http://openbadges.org"', 1)
        head_end = svg.index(">", svg.index("<svg")) + 1
        return svg[:head_end] + inner + svg[head_end:]
    return badge_svg(badge, inner=inner)


def linkedin_url(grant: BadgeGrant, share_url: str) -> str:
    from urllib.parse import urlencode

    return "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": grant.badge.name,
            "organizationName": settings.SITE_NAME,
            "issueYear": grant.granted_at.year,
            "issueMonth": grant.granted_at.month,
            "certUrl": share_url,
            "certId": str(grant.uid),
        }
    )
