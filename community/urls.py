from django.urls import path

from community.views import members, membership, misc, notifications, pages

app_name = "community"

urlpatterns = [
    path("", pages.home, name="home"),
    path("communities/", pages.community_list, name="community-list"),
    path("search/", pages.search, name="search"),
    path("c/<slug:slug>/", pages.community_detail, name="community-detail"),
    path("c/<slug:slug>/join/", membership.join, name="community-join"),
    path("c/<slug:slug>/request/", membership.request_to_join, name="community-request"),
    path("c/<slug:slug>/leave/", membership.leave, name="community-leave"),
    path("c/<slug:slug>/charter/", membership.charter, name="charter"),
    path("c/<slug:slug>/members/", members.directory, name="directory"),
    path("c/<slug:slug>/invite/", membership.invitation_create, name="invitation-create"),
    path("c/<slug:slug>/requests/", membership.requests, name="requests"),
    path(
        "c/<slug:slug>/requests/<int:membership_id>/<str:decision>/",
        membership.request_decide,
        name="request-decide",
    ),
    path("invitation/<str:token>/", membership.invitation, name="invitation"),
    path("m/<slug:handle>/", members.member_detail, name="member-detail"),
    path("me/profile/", members.profile_edit, name="profile-edit"),
    path("me/data/", members.data_export, name="data-export"),
    path("me/delete/", members.account_delete, name="account-delete"),
    path(
        "me/notifications/settings/",
        notifications.notification_settings,
        name="notification-settings",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notifications-read-all",
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification-open"),
    path("language/", members.language_set, name="language-set"),
    path("back-office/two-factor/", misc.admin_mfa_required, name="admin-mfa-required"),
    path("media/<path:path>", misc.media, name="media"),
]
