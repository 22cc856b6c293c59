"""What S&T projects ask of each role now: applications to check, reviews to score, corrections and
collection rounds to answer. Each count is the rows the projects workspace lists for the user."""
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.core.permissions import is_bureau_officer, is_expert_user
from kechuang.core.workspace import WorkItem
from kechuang.projects.choices import Answer, ApplicationState, AssignmentState
from kechuang.projects.models import Application, Assignment, CollectionTarget
from kechuang.projects.permissions import is_applicant_user


def work_items(user) -> list[WorkItem]:
    here = reverse("projects:workspace")
    if is_bureau_officer(user):
        return [WorkItem(_("Project applications awaiting formal review"),
                         Application.objects.filter(state=ApplicationState.SUBMITTED).count(), here)]
    if is_expert_user(user):
        return [WorkItem(_("Applications assigned to you to score"),
                         Assignment.objects.visible_to(user).filter(state=AssignmentState.ASSIGNED).count(), here)]
    if is_applicant_user(user):
        return [
            WorkItem(_("Project applications returned for correction"),
                     Application.objects.visible_to(user).filter(state=ApplicationState.RETURNED).count(), here),
            WorkItem(_("Collection rounds waiting for your answer"),
                     CollectionTarget.objects.visible_to(user).filter(answer=Answer.SILENT).count(), here),
        ]
    return []
