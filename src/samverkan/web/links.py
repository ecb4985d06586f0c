"""Addresses of pages that other domains put in e-mails, so the URL scheme lives in one place."""

from samverkan.settings import get_settings


def portal_agreement(agreement_id: int) -> str:
    """The agreement in the partner portal: where a party's contact follows it up."""
    return f"{get_settings().base_url}/portal/agreements/{agreement_id}"


def workspace_agreement(agreement_id: int) -> str:
    """The agreement's page in the coordinators' workspace: where a coordinator acts on it."""
    return f"{get_settings().base_url}/workspace/agreements/{agreement_id}"


def portal_round(round_id: int) -> str:
    """A lägesbild round in the partner portal: where a party's contact enters its input."""
    return f"{get_settings().base_url}/portal/rounds/{round_id}"


def portal_sign_in() -> str:
    return f"{get_settings().base_url}/portal/login"


def portal_link(token: str) -> str:
    """An e-mailed sign-in or invitation link; opening it uses nothing up (docs/portal.md)."""
    return f"{get_settings().base_url}/portal/link/{token}"
