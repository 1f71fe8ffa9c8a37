"""Kudos (limits, bad input, who may receive them) and endorsements (only the mentor of
that mentorship or an animator); every refused path answers 403/404 and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from community.models import ActivityEvent, Notification
from mentoring.models import Mentorship, MentorshipDirection, MentorshipStatus
from recognition.models import Endorsement, Kudos
from tests.mentoring.factories import make_skill

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Kudos.objects.values_list("id", flat=True)),
        list(Endorsement.objects.values_list("id", "level")),
        ActivityEvent.objects.filter(verb__startswith="recognition.").count(),
        Notification.objects.count(),
    )


def _kudos(client: Any, folks: Any, **data: Any) -> Any:
    payload = {"to": folks.bob.handle, "about": "general", "message": "Merci !"}
    payload.update(data)
    return client.post(reverse("recognition:kudos", args=[folks.community.slug]), payload)


def test_kudos_given_recorded_and_notified(folks, client_for):
    response = _kudos(
        client_for(folks.alice),
        folks,
        to="@" + folks.bob.handle,
        about="post",
        about_id="42",
        message="Thanks for the pivot tables",
    )
    assert response.status_code == 302
    k = Kudos.objects.get()
    assert (k.giver, k.receiver, k.about, k.about_id, k.message) == (
        folks.alice,
        folks.bob,
        "post",
        42,
        "Thanks for the pivot tables",
    )
    event = ActivityEvent.objects.get(verb="recognition.kudos_given")
    assert event.actor == folks.alice
    assert event.payload == {"kudos_id": k.pk, "for_member_id": folks.bob.pk, "about": "post"}
    n = Notification.objects.get(kind="recognition.kudos")
    assert n.recipient == folks.bob and n.payload["message"] == "Thanks for the pivot tables"


def test_kudos_limited_per_day(folks, client_for, settings):
    settings.RECOGNITION_KUDOS_PER_DAY = 2
    client = client_for(folks.alice)
    assert _kudos(client, folks).status_code == 302
    assert _kudos(client, folks, to=folks.carol.handle).status_code == 302
    before = _snapshot()
    response = _kudos(client, folks, message="One more thanks")
    assert response.status_code == 400
    assert "You have given 2 kudos in the last 24 hours" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": ""}, "Write a few words of thanks."),
        ({"message": "x" * 281}, "Keep it short: at most 280 characters."),
        ({"to": ""}, "Say who you thank."),
        ({"to": "nobody-here"}, "No member with this handle."),
        ({"about": "poem"}, "Select a valid choice."),
    ],
)
def test_kudos_bad_input_keeps_the_text(folks, client_for, data, message):
    before = _snapshot()
    data.setdefault("message", "<script>alert(1)</script>Merci")
    response = _kudos(client_for(folks.alice), folks, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if data["message"] and len(data["message"]) < 281:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Merci" in html
    assert _snapshot() == before


def test_kudos_refused_to_self_outsiders_and_non_members(folks, client_for):
    before = _snapshot()
    response = _kudos(client_for(folks.alice), folks, to=folks.alice.handle)
    assert response.status_code == 400
    assert "You cannot thank yourself." in response.content.decode()
    response = _kudos(client_for(folks.alice), folks, to=folks.outsider.handle)
    assert response.status_code == 400
    assert "You can only thank an active member of this community." in response.content.decode()
    # someone outside the community cannot give
    response = _kudos(client_for(folks.outsider), folks)
    assert response.status_code == 403
    # anonymous: to the login page
    response = _kudos(client_for(None), folks)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert _snapshot() == before


@pytest.fixture
def mentorship(folks: Any) -> tuple[Mentorship, Any]:
    skill = make_skill("Excel")
    a, b = sorted([folks.alice, folks.bob], key=lambda m: m.pk)
    m = Mentorship.objects.create(
        community=folks.community, member_a=a, member_b=b, status=MentorshipStatus.COMPLETED
    )
    MentorshipDirection.objects.create(
        mentorship=m, mentor=folks.alice, learner=folks.bob, skill=skill
    )
    return m, skill


def _endorse(client: Any, folks: Any, handle: str, **data: Any) -> Any:
    url = reverse("recognition:endorse", args=[folks.community.slug, handle])
    return client.post(url, data)


def test_mentor_of_that_mentorship_endorses_the_learner(folks, client_for, mentorship):
    m, skill = mentorship
    response = _endorse(
        client_for(folks.alice),
        folks,
        folks.bob.handle,
        mentorship=m.pk,
        skill=skill.slug,
        level="4",
        evidence="Three sessions on real files",
    )
    assert response.status_code == 302
    e = Endorsement.objects.get()
    assert (e.member, e.skill, e.level, e.endorser, e.mentorship) == (
        folks.bob,
        skill,
        4,
        folks.alice,
        m,
    )
    event = ActivityEvent.objects.get(verb="recognition.skill_endorsed")
    assert event.payload == {
        "endorsement_id": e.pk,
        "member_id": folks.bob.pk,
        "skill_id": skill.pk,
        "level": 4,
        "mentorship_id": m.pk,
    }
    assert Notification.objects.filter(kind="recognition.endorsed", recipient=folks.bob).exists()


def test_animator_endorses_without_mentorship(folks, client_for, mentorship):
    _m, skill = mentorship
    response = _endorse(
        client_for(folks.animator), folks, folks.carol.handle, skill=skill.slug, level="3"
    )
    assert response.status_code == 302
    assert Endorsement.objects.get().endorser == folks.animator


def test_endorsement_refused_to_anyone_else(folks, client_for, mentorship):
    m, skill = mentorship
    before = _snapshot()
    data = {"skill": skill.slug, "level": "5"}
    # a member who is not the mentor (the learner endorsing the mentor, or a third member)
    assert (
        _endorse(
            client_for(folks.bob), folks, folks.alice.handle, mentorship=m.pk, **data
        ).status_code
        == 403
    )
    assert (
        _endorse(
            client_for(folks.carol), folks, folks.bob.handle, mentorship=m.pk, **data
        ).status_code
        == 403
    )
    # the mentor, for another skill than that mentorship's
    other = make_skill("Moodle")
    assert (
        _endorse(
            client_for(folks.alice),
            folks,
            folks.bob.handle,
            mentorship=m.pk,
            skill=other.slug,
            level="3",
        ).status_code
        == 403
    )
    # the mentor without naming the mentorship, and an outsider
    assert _endorse(client_for(folks.alice), folks, folks.bob.handle, **data).status_code == 403
    assert _endorse(client_for(folks.outsider), folks, folks.bob.handle, **data).status_code == 403
    # an ended mentorship no longer allows it
    Mentorship.objects.filter(pk=m.pk).update(status=MentorshipStatus.ENDED)
    assert (
        _endorse(
            client_for(folks.alice), folks, folks.bob.handle, mentorship=m.pk, **data
        ).status_code
        == 403
    )
    assert _snapshot() == before


def test_endorsement_bad_input(folks, client_for, mentorship):
    _m, _skill = mentorship
    before = _snapshot()
    response = _endorse(
        client_for(folks.animator),
        folks,
        folks.bob.handle,
        skill="no-such-skill",
        level="9",
        evidence="<b>seen</b>",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a skill from the list." in html or "Select a valid choice." in html
    assert "&lt;b&gt;seen&lt;/b&gt;" in html
    assert _snapshot() == before


def test_animators_reach_the_endorsement_form_from_the_wall(folks, client_for):
    url = reverse("recognition:endorse-start", args=[folks.community.slug])
    response = client_for(folks.animator).get(url, {"handle": "@" + folks.bob.handle})
    assert response["Location"] == reverse(
        "recognition:endorse", args=[folks.community.slug, folks.bob.handle]
    )
    response = client_for(folks.animator).get(url, {"handle": "nobody"})
    assert response["Location"] == reverse("recognition:wall", args=[folks.community.slug])
    assert client_for(folks.alice).get(url, {"handle": folks.bob.handle}).status_code == 403


def test_endorse_from_the_mentorship_page(folks, client_for, mentorship):
    m, skill = mentorship
    page = reverse("mentoring:mentorship-detail", args=[folks.community.slug, m.pk])
    form_url = reverse("recognition:endorse", args=[folks.community.slug, folks.bob.handle])
    link = f"{form_url}?mentorship={m.pk}&amp;skill={skill.slug}"
    mentor = client_for(folks.alice)
    response = mentor.get(page)
    assert response.status_code == 200
    assert link in response.content.decode()
    assert "No skill endorsed in this mentorship yet." in response.content.decode()
    # the learner sees no button; anyone else does not see the page at all
    learner_page = client_for(folks.bob).get(page).content.decode()
    assert form_url not in learner_page
    assert client_for(folks.carol).get(page).status_code == 404
    # the form comes prefilled with the mentorship and its skill
    form = mentor.get(f"{form_url}?mentorship={m.pk}&skill={skill.slug}").content.decode()
    assert f'name="mentorship" value="{m.pk}"' in form
    assert f'name="skill" value="{skill.slug}"' in form
    response = _endorse(
        mentor, folks, folks.bob.handle, mentorship=m.pk, skill=skill.slug, level="3"
    )
    assert response.status_code == 302 and response["Location"] == page
    e = Endorsement.objects.get()
    assert (e.member, e.skill, e.level, e.endorser, e.mentorship) == (
        folks.bob,
        skill,
        3,
        folks.alice,
        m,
    )
    shown = mentor.get(page).content.decode()
    assert "Bob Leroy: Excel, level 3" in shown
    assert "Bob Leroy: Excel, level 3" in client_for(folks.bob).get(page).content.decode()


def test_no_endorse_button_while_the_mentorship_is_not_active(folks, client_for, mentorship):
    m, _skill = mentorship
    m.status = MentorshipStatus.ENDED
    m.save(update_fields=["status"])
    page = reverse("mentoring:mentorship-detail", args=[folks.community.slug, m.pk])
    form_url = reverse("recognition:endorse", args=[folks.community.slug, folks.bob.handle])
    assert form_url not in client_for(folks.alice).get(page).content.decode()
