"""Who may do what with calls, applications, reviews, projects and collection rounds."""
from kechuang.core.choices import Role
from kechuang.core.permissions import has_role, is_bureau_officer, is_expert_user, is_signed_in, sees_everything

manages_projects = is_bureau_officer
is_applicant_user = has_role(Role.ENTERPRISE, Role.INSTITUTION)


def can_manage(user, obj=None) -> bool:
    return manages_projects(user)


def uses_projects(user) -> bool:
    """Who has a projects workspace: staff, applicants and experts."""
    return sees_everything(user) or is_applicant_user(user) or is_expert_user(user)


def acts_for(user, enterprise=None, institution=None) -> bool:
    """Whether `user` belongs to the enterprise or institution that applies or holds."""
    if not is_signed_in(user):
        return False
    if enterprise is not None:
        return enterprise.members.filter(pk=user.pk).exists()
    if institution is not None:
        return institution.users.filter(pk=user.pk).exists()
    return False


def holds(user, owner) -> bool:
    """The applicant of an application or the holder of a project (`owner` has enterprise/institution)."""
    if owner.enterprise_id:
        return acts_for(user, enterprise=owner.enterprise)
    return acts_for(user, institution=owner.institution)


def can_edit_application(user, application) -> bool:
    return holds(user, application)


def reviews(user, assignment) -> bool:
    return is_expert_user(user) and assignment.expert.user_id == user.pk


def sees_identities(user, application) -> bool:
    """An expert of an anonymised call sees nothing of who applied; everyone else who sees the
    application sees the applicant."""
    return not (is_expert_user(user) and application.call.anonymised)
