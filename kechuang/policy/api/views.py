from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core import clock
from kechuang.policy.rules import ProfileError, UnknownRuleSet, default_registry


class EvaluateView(APIView):
    """POST an enterprise profile (the public profile format); get the evaluation result.

    The rule set and date come from the query string (?ruleset=tsme&as_of=2022-06-30) or the body
    ({"ruleset": "tsme", "as_of": "2022-06-30", "profile": {...}}). A list of profiles in
    "profiles" returns a list of results."""

    @extend_schema(
        parameters=[OpenApiParameter("ruleset", str, description="rule-set key (tsme, hnte, chuying, …)"),
                    OpenApiParameter("as_of", str, description="YYYY-MM-DD, default today")],
        request=dict, responses=dict)
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        wrapped = "profile" in body or "profiles" in body
        key = request.query_params.get("ruleset") or (body.get("ruleset") if wrapped else None)
        as_of = request.query_params.get("as_of") or (body.get("as_of") if wrapped else None)
        if not key:
            return Response({"field": "ruleset", "detail": "缺少规则集 (ruleset)"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            as_of = clock.parse_date(as_of) if as_of else clock.today()
        except (TypeError, ValueError):
            return Response({"field": "as_of", "detail": "不是有效的日期 (YYYY-MM-DD)"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            rs = default_registry().get(key, as_of=as_of)
        except UnknownRuleSet as exc:
            return Response({"field": "ruleset", "detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        many = "profiles" in body
        profiles = body.get("profiles") if many else (body.get("profile") if wrapped else body)
        if many and not isinstance(profiles, list):
            return Response({"field": "profiles", "detail": "必须是数组"}, status=status.HTTP_400_BAD_REQUEST)
        results = []
        for n, profile in enumerate(profiles if many else [profiles]):
            try:
                results.append(rs.evaluate(profile, as_of))
            except ProfileError as exc:
                field = f"profiles[{n}].{exc.field}" if many else exc.field
                return Response({"field": field, "detail": exc.reason}, status=status.HTTP_400_BAD_REQUEST)
        return Response(results if many else results[0])


class RuleSetListView(APIView):
    """The rule sets in force (with verified / provisional criteria counts)."""

    @extend_schema(responses=dict)
    def get(self, request):
        return Response([rs.meta() for rs in default_registry().all()])
