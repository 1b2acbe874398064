from django.urls import path

from search import views

app_name = "search"
urlpatterns = [
    path("soeg/", views.search_page, name="page"),
    path("soeg/feed.atom", views.search_feed, name="feed"),
    path("soeg/eksport.csv", views.search_csv, name="csv"),
    path("api/search", views.api_search, name="api"),
]
