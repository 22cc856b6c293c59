from django.urls import path

from kechuang.techmarket import views

app_name = "techmarket"
urlpatterns = [
    path("", views.MarketOverviewView.as_view(), name="overview"),
    path("achievements/", views.AchievementListView.as_view(), name="achievements"),
    path("achievements/new/", views.AchievementFormView.as_view(), name="achievement-new"),
    path("achievements/<int:pk>/", views.AchievementDetailView.as_view(), name="achievement"),
    path("achievements/<int:pk>/edit/", views.AchievementFormView.as_view(), name="achievement-edit"),
    path("achievements/<int:pk>/status/", views.AchievementStatusView.as_view(), name="achievement-status"),
    path("demands/", views.DemandListView.as_view(), name="demands"),
    path("demands/new/", views.DemandFormView.as_view(), name="demand-new"),
    path("demands/<int:pk>/", views.DemandDetailView.as_view(), name="demand"),
    path("demands/<int:pk>/edit/", views.DemandFormView.as_view(), name="demand-edit"),
    path("demands/<int:pk>/status/", views.DemandStatusView.as_view(), name="demand-status"),
    path("demands/<int:pk>/recommend/", views.RecommendView.as_view(), name="demand-recommend"),
    path("demands/<int:pk>/challenge/", views.LaunchChallengeView.as_view(), name="demand-challenge"),
    path("matches/", views.MatchListView.as_view(), name="matches"),
    path("matches/<int:pk>/", views.MatchDetailView.as_view(), name="match"),
    path("challenges/", views.ChallengeListView.as_view(), name="challenges"),
    path("challenges/public/", views.PublicChallengeView.as_view(), name="challenges-public"),
    path("challenges/<int:pk>/", views.ChallengeDetailView.as_view(), name="challenge"),
    path("challenges/<int:pk>/<slug:action>/", views.ChallengeActionView.as_view(), name="challenge-action"),
    path("contracts/", views.ContractListView.as_view(), name="contracts"),
    path("contracts/new/", views.ContractFormView.as_view(), name="contract-new"),
    path("contracts/statistics/", views.ContractStatisticsView.as_view(), name="contract-statistics"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract"),
    path("contracts/<int:pk>/correct/", views.ContractFormView.as_view(), name="contract-correct"),
    path("contracts/<int:pk>/<slug:action>/", views.ContractActionView.as_view(), name="contract-action"),
]
