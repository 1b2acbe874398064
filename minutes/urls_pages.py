from django.urls import path

from minutes import views

app_name = "minutes"
urlpatterns = [
    path("moede/<int:pk>/", views.meeting_detail, name="meeting"),
    path("moede/<int:pk>/kilde/", views.meeting_source, name="meeting_source"),
    path("punkt/<int:pk>/", views.item_detail, name="item"),
    path("opfoelgning/", views.follow_ups, name="follow_ups"),
]
