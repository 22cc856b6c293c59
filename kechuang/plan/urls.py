from django.urls import path

from kechuang.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="home"),
    path("board/", views.TaskBoardView.as_view(), name="board"),
    path("mine/", views.MyDepartmentView.as_view(), name="my_department"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
    path("reports/", views.ReviewListView.as_view(), name="reviews"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:report_pk>/evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("<slug:code>/", views.CockpitView.as_view(), name="cockpit"),
    path("<slug:code>/figures/", views.ManualFigureListView.as_view(), name="figures"),
    path("<slug:code>/report.docx", views.ReportDownloadView.as_view(), {"fmt": "docx"}, name="download-docx"),
    path("<slug:code>/report.xlsx", views.ReportDownloadView.as_view(), {"fmt": "xlsx"}, name="download-xlsx"),
    path("<slug:code>/<slug:indicator>/", views.IndicatorRecordsView.as_view(), name="records"),
]
