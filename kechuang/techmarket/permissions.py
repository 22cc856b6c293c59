"""Who may do what in the technology market, stated once; views, API and admin ask these."""
from kechuang.core.choices import Role
from kechuang.core.permissions import has_role, is_bureau_officer, is_signed_in, sees_everything
from kechuang.techmarket.choices import ChallengeStatus

# The technology-contract registrar is the bureau officer (技术合同登记机构 sits in the bureau).
is_registrar = is_bureau_officer


# Who the market's lists are for: the bureau, and the enterprises and institutions that post and answer.
takes_part_in_market = has_role(Role.OFFICER, Role.LEADER, Role.ENTERPRISE, Role.INSTITUTION)

# Who deals with technology contracts: the bureau, and the enterprises that sell.
sells_technology = has_role(Role.OFFICER, Role.LEADER, Role.ENTERPRISE)


def institution_of(user):
    """The institution an institution user acts for (their first membership), or None."""
    return user.institutions.order_by("pk").first() if is_signed_in(user) else None


def enterprise_of(user):
    """The enterprise an enterprise user acts for (their first membership), or None."""
    return user.enterprises.order_by("pk").first() if is_signed_in(user) else None


def can_post_achievement(user) -> bool:
    return is_registrar(user) or (is_signed_in(user) and user.role == Role.INSTITUTION and institution_of(user) is not None)


def can_edit_achievement(user, achievement) -> bool:
    """Officers curate every achievement; an institution user edits and publishes its own."""
    return is_registrar(user) or (is_signed_in(user) and achievement.owner.users.filter(pk=user.pk).exists())


def can_post_demand(user) -> bool:
    return is_registrar(user) or (is_signed_in(user) and user.role == Role.ENTERPRISE and enterprise_of(user) is not None)


def can_edit_demand(user, demand) -> bool:
    return is_registrar(user) or (is_signed_in(user) and demand.enterprise.members.filter(pk=user.pk).exists())


def can_match(user) -> bool:
    """Running the matcher and following matches up is the officers' work."""
    return is_registrar(user)


def can_manage_challenge(user) -> bool:
    return is_registrar(user)


def can_apply_to_challenge(user, challenge) -> bool:
    if challenge.status != ChallengeStatus.OPEN or not is_signed_in(user):
        return False
    if user.role == Role.INSTITUTION:
        return institution_of(user) is not None
    return user.role == Role.ENTERPRISE and enterprise_of(user) is not None


def can_review(user, challenge) -> bool:
    return is_signed_in(user) and challenge.reviewers.filter(pk=user.pk).exists()


def can_apply_contract(user, seller) -> bool:
    """The seller applies for registration (卖方登记); officers may enter an application for it."""
    return is_registrar(user) or (is_signed_in(user) and seller.members.filter(pk=user.pk).exists())


def can_register_contract(user) -> bool:
    return is_registrar(user)


def sees_market_statistics(user) -> bool:
    """Turnover and funnel figures cover every enterprise: officers and leaders only."""
    return sees_everything(user)
