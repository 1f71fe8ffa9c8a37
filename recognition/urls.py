from django.urls import URLPattern, URLResolver, path

from recognition import views

app_name = "recognition"

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<slug:slug>/recognition/", views.wall, name="wall"),
    path("c/<slug:slug>/recognition/kudos/", views.kudos_give, name="kudos"),
    path("c/<slug:slug>/recognition/top/", views.top_contributors, name="top"),
    path("c/<slug:slug>/recognition/top/toggle/", views.top_toggle, name="top-toggle"),
    path("c/<slug:slug>/recognition/endorse/", views.endorse_start, name="endorse-start"),
    path("c/<slug:slug>/recognition/endorse/<slug:handle>/", views.endorse, name="endorse"),
    path("c/<slug:slug>/recognition/ambassadors/", views.ambassadors, name="ambassadors"),
    path("recognition/me/", views.mine, name="mine"),
    path("recognition/me/wall/", views.wall_opt_out, name="wall-opt-out"),
    path("recognition/me/grants/<int:pk>/public/", views.grant_public, name="grant-public"),
    path("badges/<slug:slug>/", views.badge_detail, name="badge"),
    path("badges/<slug:slug>/image/", views.badge_image, name="badge-image"),
    path("badges/shared/<uuid:uid>/", views.share, name="share"),
    path("openbadges/issuer.json", views.ob_issuer, name="ob-issuer"),
    path("openbadges/badges/<slug:slug>.json", views.ob_badge, name="ob-badge"),
    path("openbadges/assertions/<uuid:uid>.json", views.ob_assertion, name="ob-assertion"),
    path("openbadges/assertions/<uuid:uid>.png", views.ob_baked_png, name="ob-baked-png"),
    path("openbadges/assertions/<uuid:uid>.svg", views.ob_baked_svg, name="ob-baked-svg"),
]
