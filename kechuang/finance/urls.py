from django.urls import path

from kechuang.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("pool/", views.EntryListView.as_view(), name="pool"),
    path("pool/new/", views.EntryCreateView.as_view(), name="entry-new"),
    path("pool/<int:pk>/", views.EntryDetailView.as_view(), name="entry"),
    path("pool/<int:pk>/<slug:action>/", views.EntryActionView.as_view(), name="entry-action"),
    path("candidates/", views.CandidateListView.as_view(), name="candidates"),
    path("candidates/screen/", views.ScreenView.as_view(), name="screen"),
    path("demands/", views.DemandListView.as_view(), name="demands"),
    path("demands/new/", views.DemandCreateView.as_view(), name="demand-new"),
    path("demands/<int:pk>/", views.DemandDetailView.as_view(), name="demand"),
    path("demands/<int:pk>/<slug:action>/", views.DemandActionView.as_view(), name="demand-action"),
    path("products/", views.ProductListView.as_view(), name="products"),
    path("funds/", views.FundListView.as_view(), name="funds"),
    path("points/", views.PointsListView.as_view(), name="points"),
    path("points/compute/", views.PointsComputeView.as_view(), name="points-compute"),
    path("points/<int:firm>/<int:year>/", views.PointsDetailView.as_view(), name="points-detail"),
]
