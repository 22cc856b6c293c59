from django.urls import path

app_name = "cultivation-api"
urlpatterns: list = []
