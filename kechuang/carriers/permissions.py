"""Who may do what with carriers and events; pages, the API and the workflows ask these."""
from kechuang.core.permissions import is_bureau_officer, is_carrier_user, is_expert_user, is_signed_in, sees_everything

# Registering carriers, evaluating them, overriding a graduation and reviewing returns: the bureau.
can_manage_carriers = is_bureau_officer


def carrier_of(user):
    """The carrier a carrier-operator user works for."""
    return user.carriers.order_by("pk").first() if is_carrier_user(user) else None


def operates(user, carrier) -> bool:
    return is_carrier_user(user) and carrier is not None and carrier.members.filter(pk=user.pk).exists()


def uses_carriers(user) -> bool:
    return sees_everything(user) or is_carrier_user(user)


def can_keep_tenants(user, carrier) -> bool:
    """A carrier keeps its own tenants; officers may correct any."""
    return can_manage_carriers(user) or operates(user, carrier)


def can_submit_report(user, report) -> bool:
    return operates(user, report.carrier)


def can_review_report(user, report=None) -> bool:
    return can_manage_carriers(user)


def can_organise(user, event) -> bool:
    """The bureau runs every event; a carrier runs the ones it organises."""
    return can_manage_carriers(user) or (event.organiser_id is not None and operates(user, event.organiser))


def can_create_event(user) -> bool:
    return can_manage_carriers(user) or is_carrier_user(user)


def sees_events(user) -> bool:
    return is_signed_in(user)


def judges(user) -> bool:
    return is_expert_user(user)
