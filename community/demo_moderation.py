"""Demo data of moderation: flagged library resources waiting in the review queue of the
national trainers' network and of the data guild, and a past review in the moderation log.
Runs after community/demo_life.py; idempotent. (Forum posts: forums/demo_moderation.py.)"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from community.demo import PEOPLE, email_for
from community.models import Community, Member, Resource, ReviewItem
from community.services import moderation
from community.services import resources as resource_services

SPAM_TITLE = "Formation certifiante 100 % financée — places limitées !!!"
OFF_TOPIC_TITLE = "My favourite lasagne recipe"
KEPT_TITLE = "Le guide des jeux-cadres de Thiagi (version pirate)"


def _person(index: int) -> Member:
    first, last, *_rest = PEOPLE[index]
    return Member.objects.get(user__email=email_for(first, last))


@transaction.atomic
def seed(out: TextIO) -> None:
    if Resource.objects.filter(title=SPAM_TITLE).exists():
        out.write("moderation: already there\n")
        return
    network = Community.objects.get(slug="reseau-formateurs")
    guild = Community.objects.get(slug="data-guild")
    claire = _person(0)  # animator of the network
    # A spammy link in the national network, flagged by two members (the threshold to
    # hide it automatically is three): it waits at the top of Claire's review queue.
    spam = resource_services.share_resource(
        community=network,
        by=_person(30),
        kind="link",
        title=SPAM_TITLE,
        summary="Inscrivez-vous vite, financement garanti, paiement par carte uniquement.",
        url="https://formation-miracle.example.net/promo",
        check_rate=False,
    )
    moderation.flag_content(
        target=spam,
        by=_person(11),  # an ambassador: her flag weighs more
        reason="spam",
        message="Publicité déguisée, le site demande un paiement.",
    )
    moderation.flag_content(target=spam, by=_person(5), reason="spam")
    # Off-topic in the data guild.
    lasagne = resource_services.share_resource(
        community=guild,
        by=_person(32),
        kind="link",
        title=OFF_TOPIC_TITLE,
        summary="Not data, but so good on a Friday.",
        url="https://recipes.example.org/lasagne",
        check_rate=False,
    )
    moderation.flag_content(
        target=lasagne,
        by=_person(14),
        reason="off_topic",
        message="Fun, but this is the data library.",
    )
    # A past review: flagged, hidden, then restored after a second look (in the log).
    kept = resource_services.share_resource(
        community=network,
        by=_person(21),
        kind="link",
        title=KEPT_TITLE,
        summary="Un recueil de jeux-cadres pour dynamiser les formations.",
        url="https://jeux-cadres.example.org/recueil",
        check_rate=False,
    )
    moderation.flag_content(
        target=kept,
        by=_person(4),
        reason="other",
        message="Est-ce que ce document respecte les droits d’auteur ?",
    )
    moderation.resolve_review_item(
        item=ReviewItem.objects.get(target_id=kept.pk, status="open"),
        by=claire,
        decision="agree_keep",
        edited_text="Un recueil de jeux-cadres pour dynamiser les formations (lien vers "
        "l’éditeur, version autorisée).",
        reason="Lien remplacé par la version autorisée de l’éditeur.",
    )
    out.write("moderation: 2 flagged resources in the review queues, 1 past review\n")
