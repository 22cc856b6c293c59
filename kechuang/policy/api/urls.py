from django.urls import path

from kechuang.policy.api.views import EvaluateView, RuleSetListView

app_name = "policy-api"
urlpatterns = [
    path("evaluate/", EvaluateView.as_view(), name="evaluate"),
    path("rulesets/", RuleSetListView.as_view(), name="rulesets"),
]
