from django.urls import path

app_name = "plan-api"
urlpatterns: list = []
