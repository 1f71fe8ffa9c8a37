from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from community.views.misc import favicon

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("", include("forums.urls")),
    path("", include("mentoring.urls")),
    path("", include("recognition.urls")),
    path("", include("analytics.urls")),
    path("", include("community.urls")),
]

if settings.BENCH_VIEWS:  # bench/forums.py: the ceiling of a Django view in this project
    from community.views.misc import bench_bare

    urlpatterns.insert(0, path("bench/bare/", bench_bare))

handler403 = "community.views.misc.error_403"
handler404 = "community.views.misc.error_404"
handler500 = "community.views.misc.error_500"
