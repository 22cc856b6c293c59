from django.urls import path

app_name = "techmarket-api"
urlpatterns: list = []
