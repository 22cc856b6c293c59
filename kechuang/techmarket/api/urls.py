from rest_framework.routers import SimpleRouter

from kechuang.techmarket.api import views

app_name = "techmarket-api"
router = SimpleRouter()
router.register("techmarket/achievements", views.AchievementViewSet, basename="achievement")
router.register("techmarket/demands", views.DemandViewSet, basename="demand")
router.register("techmarket/matches", views.MatchViewSet, basename="match")
router.register("techmarket/challenges", views.ChallengeViewSet, basename="challenge")
router.register("techmarket/contracts", views.TechContractViewSet, basename="contract")
urlpatterns = router.urls
