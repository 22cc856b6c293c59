from rest_framework.routers import SimpleRouter

from kechuang.cultivation.api.views import EnrollmentViewSet

app_name = "cultivation-api"
router = SimpleRouter()
router.register("cultivation/enrollments", EnrollmentViewSet, basename="enrollment")
urlpatterns = router.urls
