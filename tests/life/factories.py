"""Factories of community life (events, resources, surveys), built the way the services
build rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from community.models import (
    Event,
    Registration,
    Resource,
    Survey,
    SurveyQuestion,
)
from community.services.events import new_checkin_code
from tests.factories import CommunityFactory, MemberFactory


class EventFactory(factory.django.DjangoModelFactory[Event]):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    kind = "workshop"
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    timezone = "Europe/Paris"
    place = "Salle 2, Lyon Part-Dieu"
    checkin_code = factory.LazyFunction(new_checkin_code)

    @factory.post_generation
    def organisers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.organisers.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory[Registration]):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(MemberFactory)
    status = "going"


class ResourceFactory(factory.django.DjangoModelFactory[Resource]):
    class Meta:
        model = Resource

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(MemberFactory)
    kind = "link"
    title = factory.Sequence(lambda n: f"Guide {n}")
    summary = "Un guide pratique."
    url = "https://example.org/guide"
    language = factory.LazyAttribute(lambda o: o.community.language)


class SurveyFactory(factory.django.DjangoModelFactory[Survey]):
    class Meta:
        model = Survey

    community = factory.SubFactory(CommunityFactory)
    title_fr = factory.Sequence(lambda n: f"Votre avis {n}")
    title_en = factory.Sequence(lambda n: f"Your opinion {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    anonymous = True


class QuestionFactory(factory.django.DjangoModelFactory[SurveyQuestion]):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    kind = "rating"
    text_fr = factory.Sequence(lambda n: f"Question {n} ?")
    text_en = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)
