from django.urls import URLPattern, URLResolver

app_name = "mentoring"

urlpatterns: list[URLPattern | URLResolver] = []
