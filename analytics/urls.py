from django.urls import URLPattern, URLResolver, path

from analytics import views

app_name = "analytics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("c/<slug:slug>/dashboard/figures.csv", views.dashboard_csv, name="csv"),
    path("c/<slug:slug>/dashboard/recompute/", views.recompute, name="recompute"),
    path("c/<slug:slug>/dashboard/status/", views.status, name="status"),
]
