from django.contrib import admin
from django.urls import include, path

from minutes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("minutes.urls_pages")),
    path("", include("committees.urls")),
    path("", include("search.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("minutes.accounts")),
    path("admin/", admin.site.urls),
]
