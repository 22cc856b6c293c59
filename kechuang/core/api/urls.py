from django.urls import path

app_name = "core-api"
urlpatterns: list = []
