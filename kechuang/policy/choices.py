from django.db import models


class Status(models.TextChoices):
    ELIGIBLE = "eligible", "符合"
    INELIGIBLE = "ineligible", "不符合"
    NEEDS_REVIEW = "needs_review", "需复核"
