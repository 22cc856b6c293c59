from rest_framework.routers import SimpleRouter

from kechuang.registry.api import views

app_name = "registry-api"
router = SimpleRouter()
router.register("registry/enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("registry/yearly", views.YearlyDataViewSet, basename="yearly")
router.register("registry/ip", views.IntellectualPropertyViewSet, basename="ip")
router.register("registry/certificates", views.CertificateViewSet, basename="certificate")
urlpatterns = router.urls
