from django.urls import path

app_name = "registry-api"
urlpatterns: list = []
