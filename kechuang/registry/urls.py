from django.urls import path

from kechuang.registry import views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("enterprises/mine/", views.MyEnterpriseView.as_view(), name="my-enterprise"),
    path("enterprises/<str:uscc>/", views.EnterpriseDetailView.as_view(), name="enterprise"),
    path("enterprises/<str:uscc>/contacts/", views.ContactsEditView.as_view(), name="enterprise-contacts"),
    path("enterprises/<str:uscc>/yearly/add/", views.YearlyEditView.as_view(), name="yearly-add"),
    path("enterprises/<str:uscc>/yearly/<int:year>/", views.YearlyEditView.as_view(), name="yearly-edit"),
    path("ip/", views.IntellectualPropertyListView.as_view(), name="ip"),
    path("certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("alerts/", views.AlertsView.as_view(), name="alerts"),
]
