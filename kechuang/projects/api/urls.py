from rest_framework.routers import SimpleRouter

from kechuang.projects.api import views

app_name = "projects-api"
router = SimpleRouter()
router.register("projects/calls", views.CallViewSet, basename="call")
router.register("projects/applications", views.ApplicationViewSet, basename="application")
router.register("projects/assignments", views.AssignmentViewSet, basename="assignment")
router.register("projects/projects", views.ProjectViewSet, basename="project")
router.register("projects/rounds", views.RoundViewSet, basename="round")
urlpatterns = router.urls
