from django.urls import path

from kechuang.carriers import views

app_name = "carriers"
urlpatterns = [
    path("", views.CarrierListView.as_view(), name="list"),
    path("new/", views.CarrierFormView.as_view(), name="carrier-new"),
    path("tenants/", views.TenantListView.as_view(), name="tenants"),
    path("tenants/new/", views.TenantFormView.as_view(), name="tenant-new"),
    path("tenants/<int:pk>/", views.TenantDetailView.as_view(), name="tenant"),
    path("rules/", views.RuleSetsView.as_view(), name="rules"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:pk>/<slug:action>/", views.ReportActionView.as_view(), name="report-action"),
    path("evaluation/", views.EvaluationView.as_view(), name="evaluation"),
    path("evaluation/<int:year>/report/", views.DistrictReportView.as_view(), name="district-report"),
    path("evaluation/<int:year>/<slug:code>/", views.ScoreDetailView.as_view(), name="score"),
    path("chain/", views.ChainView.as_view(), name="chain"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/new/", views.EventFormView.as_view(), name="event-new"),
    path("events/<slug:code>/", views.EventDetailView.as_view(), name="event"),
    path("<slug:code>/", views.CarrierDetailView.as_view(), name="carrier"),
    path("<slug:code>/edit/", views.CarrierFormView.as_view(), name="carrier-edit"),
]
