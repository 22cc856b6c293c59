"""Read-only REST access to the market, restricted by visible_to like the pages; rankings come from
the same matching index. Writes go through the pages (each one a workflow step with its checks)."""
from rest_framework import pagination, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kechuang.core.bounds import ID_MAX, int_param
from kechuang.techmarket import permissions as perms
from kechuang.techmarket.api.serializers import (
    AchievementSerializer,
    ChallengeSerializer,
    DemandSerializer,
    MatchSerializer,
    RankedSerializer,
    TechContractSerializer,
)
from kechuang.techmarket.filtersets import (
    AchievementFilterSet,
    ChallengeFilterSet,
    ContractFilterSet,
    DemandFilterSet,
    MatchFilterSet,
)
from kechuang.techmarket.matcher import index
from kechuang.techmarket.models import Achievement, Challenge, Demand, Match, TechContract

TOP_MAX = 50


class MarketPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class MarketViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = MarketPagination
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


def _top(request) -> int:
    """?top=N, at most TOP_MAX; a larger count is read as the most there is, anything else as 10."""
    return min(int_param(request.query_params.get("top"), 1, ID_MAX, default=10), TOP_MAX)


def _ranked_response(ranked, visible):
    objects = visible.in_bulk([pk for pk, _s, _r in ranked])
    rows = [{"id": pk, "title": objects[pk].title, "score": score, "reasons": reasons} for pk, score, reasons in ranked if pk in objects]
    return Response(RankedSerializer(rows, many=True).data)


class AchievementViewSet(MarketViewSet):
    model = Achievement
    serializer_class = AchievementSerializer
    filterset_class = AchievementFilterSet

    @action(detail=True)
    def demands(self, request, pk=None):
        """Demands ranked for this achievement (?top=, at most 50)."""
        achievement = self.get_object()
        if not perms.can_edit_achievement(request.user, achievement):
            raise PermissionDenied
        return _ranked_response(index.demands_for(achievement, _top(request)), Demand.objects.visible_to(request.user))


class DemandViewSet(MarketViewSet):
    model = Demand
    serializer_class = DemandSerializer
    filterset_class = DemandFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise")

    @action(detail=True)
    def achievements(self, request, pk=None):
        """Achievements ranked for this demand (?top=, at most 50), with the reasons."""
        demand = self.get_object()
        if not perms.can_edit_demand(request.user, demand):
            raise PermissionDenied
        return _ranked_response(index.achievements_for(demand, _top(request)), Achievement.objects.visible_to(request.user))


class MatchViewSet(MarketViewSet):
    model = Match
    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet


class ChallengeViewSet(MarketViewSet):
    model = Challenge
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("account")


class TechContractViewSet(MarketViewSet):
    model = TechContract
    serializer_class = TechContractSerializer
    filterset_class = ContractFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("seller")
