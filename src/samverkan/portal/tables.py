"""Tables of the portal: e-mailed links, the sessions they open, and rate-limit counts.

Tokens are stored only as SHA-256 hashes: a leaked table opens no portal. contact_id and
agreement_id are the registry's and the agreements domain's ids kept as plain integers: the
portal never reaches into another domain's tables, not even with a foreign key.
"""

from enum import Enum

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table


class LinkPurpose(str, Enum):
    invitation = "invitation"  # a coordinator's invitation to an agreement (days)
    sign_in = "sign_in"  # asked for by the contact on the sign-in page (minutes)


class ThrottleKind(str, Enum):
    link_address = "link_address"  # a sign-in link asked for an e-mail address
    link_client = "link_client"  # a sign-in link asked for from a client address
    redeem_client = "redeem_client"  # a link used (right or wrong) from a client address


class PortalLink(Table, tablename="portal_link"):
    token_hash = Varchar(length=64, unique=True, null=False)
    purpose = Varchar(length=20, choices=LinkPurpose, null=False)
    contact_id = Integer(null=False)
    # Where an invitation lands; a sign-in link lands on the contact's list.
    agreement_id = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)
    created_by = Varchar(length=254, null=False)  # the actor's label
    expires_at = Timestamptz(null=False)
    used_at = Timestamptz(null=True, default=None)


class PortalSession(Table, tablename="portal_session"):
    token_hash = Varchar(length=64, unique=True, null=False)
    contact_id = Integer(null=False)
    created_at = Timestamptz(null=False)
    last_seen_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=False)  # the absolute end, whatever the activity


class PortalThrottle(Table, tablename="portal_throttle"):
    """One row per counted request; rows older than the window are deleted."""

    kind = Varchar(length=20, choices=ThrottleKind, null=False)
    key = Varchar(length=254, null=False)  # an e-mail address (lower case) or a client address
    at = Timestamptz(null=False)
