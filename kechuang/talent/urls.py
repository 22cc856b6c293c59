from django.urls import path

from kechuang.talent import views

app_name = "talent"
urlpatterns = [
    path("", views.TalentListView.as_view(), name="talents"),
    path("new/", views.TalentFormView.as_view(), name="talent-new"),
    path("<int:pk>/", views.TalentDetailView.as_view(), name="talent"),
    path("<int:pk>/edit/", views.TalentFormView.as_view(), name="talent-edit"),
    path("<int:pk>/reveal/", views.RevealView.as_view(), name="talent-reveal"),
    path("<int:pk>/remove/", views.RemovalView.as_view(), name="talent-remove"),
    path("<int:pk>/consents/", views.ConsentView.as_view(), name="talent-consent"),
    path("<int:pk>/consents/<int:consent>/withdraw/", views.ConsentWithdrawalView.as_view(), name="consent-withdraw"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programmes"),
    path("directory/", views.EditionListView.as_view(), name="editions"),
    path("directory/<int:year>/", views.EditionDetailView.as_view(), name="edition"),
    path("directory/<int:year>/demand/", views.DemandSubmitView.as_view(), name="demand-submit"),
    path("directory/<int:year>/<slug:action>/", views.EditionActionView.as_view(), name="edition-action"),
    path("demands/", views.DemandListView.as_view(), name="demands"),
    path("map/", views.TalentMapView.as_view(), name="map"),
]
