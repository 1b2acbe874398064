from django.urls import path

from minutes import views

app_name = "minutes"
urlpatterns = [
    path("moede/<int:pk>/", views.meeting_detail, name="meeting"),
    path("punkt/<int:pk>/", views.item_detail, name="item"),
]
