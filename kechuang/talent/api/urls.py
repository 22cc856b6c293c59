from django.urls import path
from rest_framework.routers import SimpleRouter

from kechuang.talent.api import views

app_name = "talent-api"
router = SimpleRouter()
router.register("talent/talents", views.TalentViewSet, basename="talent")
router.register("talent/consents", views.ConsentViewSet, basename="consent")
router.register("talent/programmes", views.ProgrammeViewSet, basename="programme")
router.register("talent/directory", views.EditionViewSet, basename="edition")
router.register("talent/demands", views.DemandViewSet, basename="demand")
urlpatterns = [path("talent/map/", views.TalentMapView.as_view(), name="map"), *router.urls]
