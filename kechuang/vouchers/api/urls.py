from rest_framework.routers import SimpleRouter

from kechuang.vouchers.api import views

app_name = "vouchers-api"
router = SimpleRouter()
router.register("vouchers/claims", views.ClaimViewSet, basename="claim")
router.register("vouchers/schemes", views.SchemeViewSet, basename="scheme")
router.register("vouchers/services", views.ServiceViewSet, basename="service")
router.register("vouchers/providers", views.ProviderViewSet, basename="provider")
urlpatterns = router.urls
