"""The allowed moves of an agreement and of a commitment: the one place they are decided."""

from samverkan.agreements.tables import AgreementStatus as A
from samverkan.agreements.tables import CommitmentStatus as C

AGREEMENT_TRANSITIONS: dict[A, frozenset[A]] = {
    A.draft: frozenset({A.in_preparation}),
    A.in_preparation: frozenset({A.draft, A.awaiting_signature}),
    A.awaiting_signature: frozenset({A.in_preparation, A.active}),
    A.active: frozenset({A.under_revision, A.ended, A.superseded}),
    A.under_revision: frozenset({A.active, A.ended, A.superseded}),
    A.ended: frozenset(),
    A.superseded: frozenset(),
}

# Ended and superseded agreements are the record of what was agreed: read-only.
CLOSED_AGREEMENT = frozenset({A.ended, A.superseded})
# Agreements whose commitments and meetings are reminded about: past the draft, not yet over.
LIVE_AGREEMENT = frozenset({A.in_preparation, A.awaiting_signature, A.active, A.under_revision})
# Agreements that apply now, and so can come to an end.
IN_FORCE_AGREEMENT = frozenset({A.active, A.under_revision})

COMMITMENT_TRANSITIONS: dict[C, frozenset[C]] = {
    C.proposed: frozenset({C.confirmed, C.declined, C.cancelled}),
    C.declined: frozenset({C.proposed, C.cancelled}),
    C.confirmed: frozenset({C.in_progress, C.done, C.not_done, C.cancelled}),
    C.in_progress: frozenset({C.done, C.not_done, C.cancelled}),
    C.done: frozenset(),
    C.not_done: frozenset(),
    C.cancelled: frozenset(),
}

# Commitments still to be carried out: reminded about when due or overdue.
OPEN_COMMITMENT = frozenset({C.proposed, C.confirmed, C.in_progress})

# Changing what a confirmed commitment says makes the confirmation void.
CONFIRMED = frozenset({C.confirmed})
SUBSTANCE = frozenset({"title", "description", "due_date", "party_id", "recurrence"})

AGREEMENT_STATUS_SV = {
    A.draft: "utkast",
    A.in_preparation: "under beredning",
    A.awaiting_signature: "väntar på underskrift",
    A.active: "gällande",
    A.under_revision: "under revidering",
    A.ended: "avslutad",
    A.superseded: "ersatt",
}

COMMITMENT_STATUS_SV = {
    C.proposed: "föreslaget",
    C.confirmed: "bekräftat",
    C.declined: "avböjt",
    C.in_progress: "pågår",
    C.done: "genomfört",
    C.not_done: "ej genomfört",
    C.cancelled: "avbrutet",
}


def allowed_agreement_moves(current: A) -> list[A]:
    """Where an agreement may go next, in lifecycle order (stable, for messages and docs)."""
    return sorted(AGREEMENT_TRANSITIONS[current], key=list(A).index)


def allowed_commitment_moves(current: C) -> list[C]:
    """Where a commitment may go next, in lifecycle order (stable, for messages and docs)."""
    return sorted(COMMITMENT_TRANSITIONS[current], key=list(C).index)


def agreement_move_allowed(current: A, target: A) -> bool:
    return target in AGREEMENT_TRANSITIONS[current]


def commitment_move_allowed(current: C, target: C) -> bool:
    return target in COMMITMENT_TRANSITIONS[current]
