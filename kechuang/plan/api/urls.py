from rest_framework.routers import SimpleRouter

from kechuang.plan.api import views

app_name = "plan-api"
router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("plan-reports", views.ProgressReportViewSet, basename="report")
urlpatterns = router.urls
