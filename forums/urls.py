from django.urls import URLPattern, URLResolver, path

from forums import views
from forums.feeds import CategoryFeed

app_name = "forums"

T = "c/<slug:slug>/forums/t/<int:pk>/"
P = T + "<int:number>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("forums/search/", views.search, name="search"),
    path("c/<slug:slug>/forums/", views.home, name="home"),
    path("c/<slug:slug>/forums/new/", views.topic_create, name="topic-create"),
    path("c/<slug:slug>/forums/search/", views.search, name="community-search"),
    path("c/<slug:slug>/forums/c/<slug:category>/", views.category, name="category"),
    path(
        "c/<slug:slug>/forums/c/<slug:category>/follow/",
        views.category_follow,
        name="category-follow",
    ),
    path("c/<slug:slug>/forums/c/<slug:category>/feed/", CategoryFeed(), name="category-feed"),
    path("c/<slug:slug>/forums/tags/<slug:tag>/", views.tag, name="tag"),
    path("c/<slug:slug>/forums/tags/<slug:tag>/follow/", views.tag_follow, name="tag-follow"),
    path(T, views.topic_detail, name="topic"),
    path(T + "reply/", views.reply, name="reply"),
    path(T + "follow/", views.topic_follow, name="topic-follow"),
    path(T + "bookmark/", views.topic_bookmark, name="topic-bookmark"),
    path(T + "state/", views.topic_state, name="topic-state"),
    path(P, views.post_link, name="post"),
    path(P + "edit/", views.post_edit, name="post-edit"),
    path(P + "history/", views.post_history, name="post-history"),
    path(P + "delete/", views.post_delete, name="post-delete"),
    path(P + "react/", views.post_react, name="post-react"),
    path(P + "accept/", views.post_accept, name="post-accept"),
]
