from django.urls import path

app_name = "dashboards-api"
urlpatterns: list = []
