from django.urls import path

app_name = "techmarket"
urlpatterns: list = []
