from rest_framework.routers import SimpleRouter

from kechuang.carriers.api import views

app_name = "carriers-api"
router = SimpleRouter()
router.register("carriers/carriers", views.CarrierViewSet, basename="carrier")
router.register("carriers/tenants", views.TenantViewSet, basename="tenant")
router.register("carriers/scores", views.ScoreViewSet, basename="score")
router.register("carriers/events", views.EventViewSet, basename="event")
urlpatterns = router.urls
