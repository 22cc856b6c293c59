from django.urls import path

from kechuang.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
]
