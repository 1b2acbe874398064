from django.urls import path

from committees import views

app_name = "committees"
urlpatterns = [
    path("kommuner/", views.municipality_list, name="municipalities"),
    path("kommuner/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("kommuner/<slug:municipality>/<slug:slug>/", views.committee_detail, name="committee"),
    path("organisationer/", views.organisation_list, name="organisations"),
    path("organisationer/<slug:slug>/", views.organisation_detail, name="organisation"),
]
