from django.urls import path

app_name = "cultivation"
urlpatterns: list = []
