from rest_framework.routers import SimpleRouter

from kechuang.finance.api import views

app_name = "finance-api"
router = SimpleRouter()
router.register("finance/pool", views.EntryViewSet, basename="entry")
router.register("finance/demands", views.DemandViewSet, basename="demand")
router.register("finance/points", views.PointsViewSet, basename="points")
urlpatterns = router.urls
