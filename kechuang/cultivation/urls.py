from django.urls import path

from kechuang.cultivation import views

app_name = "cultivation"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("records/", views.EnrollmentListView.as_view(), name="enrollments"),
    path("records/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment"),
    path("action/", views.pipeline_action, name="action"),
    path("funnel/", views.FunnelView.as_view(), name="funnel"),
    path("free-benefits/", views.FreeBenefitListView.as_view(), name="free_benefits"),
    path("path/", views.PathStartView.as_view(), name="path_start"),
    path("path/<int:pk>/", views.path_overview, name="path"),
    path("path/<int:pk>/<str:tier>/", views.path_detail, name="path_detail"),
    path("<str:tier>/", views.BoardView.as_view(), name="board"),
    path("<str:tier>/candidates/", views.CandidateListView.as_view(), name="candidates"),
    path("<str:tier>/refresh/", views.refresh_recognitions, name="refresh"),
]
