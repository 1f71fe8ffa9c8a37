"""Demo data of community/: a believable bilingual setting (see `seed_demo`).

A national trainers' network with two local chapters, and an independent data guild;
60 members, every role, charters, and a few pending join requests. Idempotent: running
it again changes nothing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from community import services
from community.models import Community, Member, Membership, User
from community.models.communities import JoinPolicy, MembershipStatus, Role, Visibility

DOMAIN = "demo.example"

PEOPLE = [
    # (first, last, team, site, languages)
    ("Claire", "Martin", "Formation", "Lyon", ["fr", "en"]),
    ("Julien", "Bernard", "Direction", "Paris", ["fr", "en"]),
    ("Léa", "Petit", "Marketing", "Nantes", ["fr"]),
    ("Sarah", "Johnson", "Data", "Remote", ["en", "fr"]),
    ("Thomas", "Dubois", "Ventes", "Lyon", ["fr"]),
    ("Camille", "Moreau", "RH", "Paris", ["fr", "es"]),
    ("Hugo", "Laurent", "IT", "Nantes", ["fr", "en"]),
    ("Chloé", "Simon", "Formation", "Lille", ["fr"]),
    ("Lucas", "Michel", "Finance", "Paris", ["fr", "de"]),
    ("Manon", "Lefebvre", "Marketing", "Lyon", ["fr", "en"]),
    ("Nathan", "Leroy", "Opérations", "Nantes", ["fr"]),
    ("Inès", "Roux", "Formation", "Marseille", ["fr", "ar"]),
    ("Louis", "David", "IT", "Lyon", ["fr", "en"]),
    ("Emma", "Bertrand", "Ventes", "Paris", ["fr"]),
    ("Gabriel", "Morel", "Data", "Remote", ["fr", "en"]),
    ("Jade", "Fournier", "RH", "Nantes", ["fr"]),
    ("Raphaël", "Girard", "Direction", "Lyon", ["fr", "it"]),
    ("Louise", "Bonnet", "Formation", "Paris", ["fr", "en"]),
    ("Arthur", "Dupont", "Finance", "Lille", ["fr"]),
    ("Alice", "Lambert", "Marketing", "Nantes", ["fr", "en"]),
    ("Jules", "Fontaine", "Opérations", "Lyon", ["fr"]),
    ("Zoé", "Rousseau", "IT", "Paris", ["fr", "en"]),
    ("Adam", "Vincent", "Ventes", "Marseille", ["fr", "ar"]),
    ("Lina", "Muller", "Data", "Remote", ["fr", "de", "en"]),
    ("Paul", "Lefèvre", "Formation", "Nantes", ["fr"]),
    ("Rose", "Faure", "RH", "Lyon", ["fr"]),
    ("Victor", "André", "IT", "Lille", ["fr", "en"]),
    ("Anna", "Mercier", "Marketing", "Paris", ["fr", "en"]),
    ("Noah", "Blanc", "Opérations", "Nantes", ["fr"]),
    ("Mila", "Guérin", "Formation", "Lyon", ["fr", "es"]),
    ("Ethan", "Boyer", "Finance", "Paris", ["fr", "en"]),
    ("Juliette", "Garnier", "Ventes", "Lyon", ["fr"]),
    ("Sacha", "Chevalier", "Data", "Remote", ["fr", "en"]),
    ("Ambre", "François", "RH", "Nantes", ["fr"]),
    ("Tom", "Legrand", "IT", "Lyon", ["fr", "en"]),
    ("Margaux", "Gauthier", "Marketing", "Lille", ["fr"]),
    ("Maël", "Garcia", "Formation", "Marseille", ["fr", "es"]),
    ("Agathe", "Perrin", "Direction", "Paris", ["fr", "en"]),
    ("Enzo", "Robin", "Opérations", "Lyon", ["fr"]),
    ("Eva", "Clément", "Ventes", "Nantes", ["fr", "en"]),
    ("Oliver", "Smith", "Data", "London", ["en"]),
    ("Emily", "Brown", "Data", "London", ["en", "fr"]),
    ("James", "Wilson", "IT", "Dublin", ["en"]),
    ("Priya", "Patel", "Data", "London", ["en"]),
    ("Daniel", "Taylor", "Finance", "Remote", ["en", "de"]),
    ("Sophie", "Evans", "Marketing", "London", ["en", "fr"]),
    ("Marco", "Rossi", "Data", "Milan", ["it", "en"]),
    ("Elena", "García", "IT", "Madrid", ["es", "en"]),
    ("Lukas", "Schmidt", "Data", "Berlin", ["de", "en"]),
    ("Hannah", "Thomas", "RH", "Remote", ["en"]),
    ("Yasmine", "Haddad", "Formation", "Lyon", ["fr", "ar", "en"]),
    ("Antoine", "Masson", "Ventes", "Paris", ["fr"]),
    ("Clara", "Marchand", "Marketing", "Nantes", ["fr", "en"]),
    ("Maxime", "Duval", "IT", "Lyon", ["fr"]),
    ("Pauline", "Denis", "Formation", "Lille", ["fr"]),
    ("Bastien", "Lemoine", "Opérations", "Nantes", ["fr", "en"]),
    ("Océane", "Picard", "RH", "Lyon", ["fr"]),
    ("Romain", "Roger", "Finance", "Paris", ["fr"]),
    ("Aïcha", "Diallo", "Formation", "Paris", ["fr", "en"]),
    ("Kevin", "Nguyen", "IT", "Nantes", ["fr", "en"]),
]

CHARTER_FR = """## Notre façon d'apprendre ensemble

1. **Bienveillance d'abord.** Il n'y a pas de question bête : on répond à la personne, pas à son niveau.
2. **On partage ce qu'on sait**, même si ce n'est pas parfait : un brouillon utile vaut mieux qu'un silence.
3. **On cite ses sources** et on respecte la confidentialité de nos clients et collègues.
4. **On remercie** celles et ceux qui nous aident : un mot suffit.
5. **Les animateurs veillent** au respect de cette charte et peuvent masquer un message qui s'en écarte.
"""

CHARTER_FR_CHAPTER = """## Charte du chapitre

Nous suivons la charte du réseau national. En plus :

- nos rencontres locales restent ouvertes à tous les membres du chapitre ;
- ce qui se dit en atelier de co-développement reste dans l'atelier.
"""

CHARTER_EN = """## How we learn together

1. **Be kind.** Every question is welcome; answer the person, not their level.
2. **Share early.** A useful draft beats a perfect silence.
3. **Respect confidentiality**: no customer data, no internal figures without permission.
4. **Say thanks** to the people who help you.
5. **Animators keep the place healthy** and may hide posts that break this charter.
"""

COMMUNITIES = [
    # slug, name, parent, language, visibility, join policy, colour, tagline, description, charter
    (
        "reseau-formateurs",
        "Réseau des formateurs",
        None,
        "fr",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        "#1d5c87",
        "Les formateurs de tout le pays apprennent les uns des autres",
        "Un espace pour échanger nos pratiques pédagogiques, poser les questions du quotidien "
        "et trouver un binôme pour progresser. Ateliers mensuels, co-développement et "
        "ressources partagées.",
        CHARTER_FR,
    ),
    (
        "formateurs-lyon",
        "Formateurs de Lyon",
        "reseau-formateurs",
        "fr",
        Visibility.MEMBERS,
        JoinPolicy.REQUEST,
        "#a2470f",
        "Le chapitre lyonnais du réseau",
        "Rencontres au site de la Part-Dieu le premier jeudi du mois, et entraide entre "
        "formateurs de la région.",
        CHARTER_FR_CHAPTER,
    ),
    (
        "formateurs-nantes",
        "Formateurs de Nantes",
        "reseau-formateurs",
        "fr",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        "#2e6b30",
        "Le chapitre nantais du réseau",
        "Des déjeuners pédagogiques, des retours d'expérience et un atelier de "
        "co-développement chaque mois.",
        CHARTER_FR_CHAPTER,
    ),
    (
        "data-guild",
        "Data & AI Guild",
        None,
        "en",
        Visibility.MEMBERS,
        JoinPolicy.REQUEST,
        "#7a3e9d",
        "Analysts, engineers and curious minds learning data together",
        "Ask about SQL, dashboards, machine learning and data ethics; pair up to learn a "
        "new skill; share notebooks and talks.",
        CHARTER_EN,
    ),
]

# Who does what: (community slug, member index, role)
LEADERS = [
    ("reseau-formateurs", 0, Role.ANIMATOR),
    ("reseau-formateurs", 7, Role.ANIMATOR),
    ("reseau-formateurs", 1, Role.MANAGER),
    ("reseau-formateurs", 11, Role.AMBASSADOR),
    ("reseau-formateurs", 17, Role.AMBASSADOR),
    ("formateurs-lyon", 9, Role.ANIMATOR),
    ("formateurs-lyon", 16, Role.MANAGER),
    ("formateurs-lyon", 29, Role.AMBASSADOR),
    ("formateurs-nantes", 24, Role.ANIMATOR),
    ("formateurs-nantes", 10, Role.MANAGER),
    ("formateurs-nantes", 19, Role.AMBASSADOR),
    ("data-guild", 3, Role.ANIMATOR),
    ("data-guild", 37, Role.MANAGER),
    ("data-guild", 14, Role.AMBASSADOR),
    ("data-guild", 40, Role.AMBASSADOR),
]

LOGINS = [
    ("admin", "Platform admin (everything in the back office)"),
    ("claire.martin", "Animator of Réseau des formateurs (and its chapters)"),
    ("julien.bernard", "Manager of Réseau des formateurs"),
    ("sarah.johnson", "Animator of Data & AI Guild"),
    ("lea.petit", "Member"),
]


def email_for(first: str, last: str) -> str:
    from community.models.accounts import fold

    return f"{fold(first)}.{fold(last)}@{DOMAIN}".replace(" ", "").replace("'", "")


@lru_cache(maxsize=1)
def _password_hash() -> str:
    """All demo accounts share a password: hash it once (Argon2 costs ~0.1 s a time)."""
    return make_password(settings.DEMO_PASSWORD)


def _user(email: str, display_name: str, **profile: Any) -> Member:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, password=_password_hash())
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return services.create_member(user=user, display_name=display_name, **profile)
    return services.ensure_member(user)


def _membership(member: Member, community: Community) -> Membership:
    """Active membership without going through the join policy (the demo's history)."""
    membership = Membership.objects.filter(member=member, community=community).first()
    if membership is not None:
        return membership
    if community.join_policy == JoinPolicy.OPEN:
        return services.join_community(member=member, community=community)
    services.request_membership(member=member, community=community)
    animator = (
        Membership.objects.active()
        .filter(
            community__in=[community, community.parent] if community.parent else [community],
            role=Role.ANIMATOR,
        )
        .select_related("member")
        .first()
    )
    assert animator is not None, "the demo's communities have animators first"
    return services.approve_membership(
        membership=Membership.objects.get(member=member, community=community), by=animator.member
    )


@transaction.atomic
def seed(out: TextIO) -> None:
    admin = User.objects.filter(email=f"admin@{DOMAIN}").first()
    if admin is None:
        admin = User.objects.create_superuser(f"admin@{DOMAIN}", settings.DEMO_PASSWORD)
        EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
        services.create_member(
            user=admin, display_name="Admin Plateforme", team="Plateforme", site="Paris"
        )
    admin_member = services.ensure_member(admin)

    members = [
        _user(
            email_for(first, last),
            f"{first} {last}",
            team=team,
            site=site,
            languages=langs,
            preferred_language="en" if langs[0] == "en" else "fr",
        )
        for first, last, team, site, langs in PEOPLE
    ]

    communities: dict[str, Community] = {}
    for (
        slug,
        name,
        parent,
        lang,
        visibility,
        policy,
        colour,
        tagline,
        description,
        charter,
    ) in COMMUNITIES:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            community = services.create_community(
                name=name,
                slug=slug,
                parent=communities.get(parent or ""),
                language=lang,
                visibility=visibility,
                join_policy=policy,
                accent_colour=colour,
                tagline=tagline,
                description=description,
                charter_text=charter,
                by=admin_member,
            )
        communities[slug] = community

    # Leaders first (they approve the others' requests), then everyone else.
    for slug, index, role in LEADERS:
        community = communities[slug]
        membership = Membership.objects.filter(member=members[index], community=community).first()
        if membership is None:
            membership = Membership.objects.create(
                member=members[index],
                community=community,
                status=MembershipStatus.ACTIVE,
                joined_at=community.created_at,
            )
        if membership.role != role:
            services.change_role(membership=membership, role=role, by=admin_member)
    national, lyon, nantes, guild = (
        communities[s]
        for s in ("reseau-formateurs", "formateurs-lyon", "formateurs-nantes", "data-guild")
    )
    for i, member in enumerate(members):
        site = PEOPLE[i][3]
        if i < 40 or i >= 50:
            _membership(member, national)
        if site == "Lyon" and i not in (53, 56):
            _membership(member, lyon)
        if site == "Nantes":
            _membership(member, nantes)
        if PEOPLE[i][2] == "Data" or (i >= 40 and i < 50) or i in (12, 21, 26):
            _membership(member, guild)
    # Pending requests for the animators to handle.
    for index, community, message in [
        (53, lyon, "Je viens d'arriver à Lyon et j'aimerais rencontrer les formateurs du coin."),
        (56, lyon, ""),
        (5, guild, "I'd like to learn SQL to analyse our training surveys."),
        (18, guild, "Finance analyst, keen to learn Python."),
    ]:
        if not Membership.objects.filter(member=members[index], community=community).exists():
            services.request_membership(member=members[index], community=community, message=message)
    # Most members have accepted their charters; a few have not yet.
    for membership in Membership.objects.active().select_related("community", "member"):
        if membership.accepted_charter_version or membership.member_id in (
            members[2].pk,
            members[13].pk,
        ):
            continue
        services.accept_charter(member=membership.member, community=membership.community)
    out.write(f"community: {len(members) + 1} members, {len(communities)} communities\n")
