from django.urls import URLPattern, URLResolver, path

from mentoring import views

app_name = "mentoring"

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<slug:slug>/mentoring/", views.home, name="home"),
    path("c/<slug:slug>/mentoring/skills/", views.skills_edit, name="skills"),
    path("c/<slug:slug>/mentoring/preferences/", views.preferences_edit, name="preferences"),
    path("c/<slug:slug>/mentoring/find/", views.find_mentor, name="find"),
    path("c/<slug:slug>/mentoring/ask/<slug:handle>/", views.request_create, name="request"),
    path("c/<slug:slug>/mentoring/map/", views.expertise_map, name="map"),
    path("c/<slug:slug>/mentoring/map/<slug:skill_slug>/", views.expertise_skill, name="map-skill"),
    path("c/<slug:slug>/mentoring/m/<int:pk>/", views.mentorship_detail, name="mentorship-detail"),
    path(
        "c/<slug:slug>/mentoring/m/<int:pk>/accept/",
        views.mentorship_accept,
        name="mentorship-accept",
    ),
    path(
        "c/<slug:slug>/mentoring/m/<int:pk>/decline/",
        views.mentorship_decline,
        name="mentorship-decline",
    ),
    path(
        "c/<slug:slug>/mentoring/m/<int:pk>/sessions/", views.session_create, name="session-create"
    ),
    path("c/<slug:slug>/mentoring/m/<int:pk>/goals/", views.goal_create, name="goal-create"),
    path(
        "c/<slug:slug>/mentoring/m/<int:pk>/goals/<int:goal_id>/",
        views.goal_toggle,
        name="goal-toggle",
    ),
    path(
        "c/<slug:slug>/mentoring/m/<int:pk>/complete/",
        views.mentorship_complete,
        name="mentorship-complete",
    ),
    path("c/<slug:slug>/mentoring/m/<int:pk>/end/", views.mentorship_end, name="mentorship-end"),
    path("c/<slug:slug>/mentoring/rounds/new/", views.round_create, name="round-create"),
    path("c/<slug:slug>/mentoring/rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path(
        "c/<slug:slug>/mentoring/rounds/<int:pk>/progress/",
        views.round_progress,
        name="round-progress",
    ),
    path(
        "c/<slug:slug>/mentoring/rounds/<int:pk>/compute/",
        views.round_compute,
        name="round-compute",
    ),
    path(
        "c/<slug:slug>/mentoring/rounds/<int:pk>/publish/",
        views.round_publish,
        name="round-publish",
    ),
    path("c/<slug:slug>/mentoring/rounds/<int:pk>/pins/", views.round_pin, name="round-pin"),
    path(
        "c/<slug:slug>/mentoring/rounds/<int:pk>/volunteer/",
        views.round_volunteer,
        name="round-volunteer",
    ),
]
