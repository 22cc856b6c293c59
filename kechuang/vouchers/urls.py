from django.urls import path

from kechuang.vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.WorkspaceView.as_view(), name="workspace"),
    path("review/", views.ReviewView.as_view(), name="review"),
    path("claims/", views.ClaimListView.as_view(), name="claims"),
    path("claims/new/", views.ClaimFormView.as_view(), name="claim-new"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim"),
    path("claims/<int:pk>/<slug:action>/", views.ClaimActionView.as_view(), name="claim-action"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("services/new/", views.ServiceFormView.as_view(), name="service-new"),
    path("services/<int:pk>/", views.ServiceDetailView.as_view(), name="service"),
    path("services/<int:pk>/edit/", views.ServiceFormView.as_view(), name="service-edit"),
    path("providers/", views.ProviderListView.as_view(), name="providers"),
    path("providers/apply/", views.ProviderApplicationView.as_view(), name="provider-apply"),
    path("providers/<int:pk>/", views.ProviderDetailView.as_view(), name="provider"),
    path("schemes/<slug:code>/", views.SchemeDetailView.as_view(), name="scheme"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]
