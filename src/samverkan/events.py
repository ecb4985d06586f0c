"""In-process domain events: one domain announces a change, others react in the same
transaction, without the announcing domain importing them.

Handlers run inside the caller's transaction, so their writes commit or roll back with the
change that caused them.
"""

import importlib
from collections import defaultdict
from collections.abc import Awaitable, Callable

Handler = Callable[..., Awaitable[None]]

# Modules that subscribe at import; loaded on the first publish so that a handler is never
# missed because nobody happened to import its module (a CLI command, a test, a job).
SUBSCRIBERS = ("samverkan.reminders.subscriptions", "samverkan.portal.subscriptions")

# What a domain announces, with the keyword arguments it passes.
COMMITMENT_CHANGED = "commitment.changed"  # commitment_id: int
FOLLOW_UP_CHANGED = "follow_up.changed"  # follow_up_id: int
AGREEMENT_CHANGED = "agreement.changed"  # agreement_id: int
# A coordinator changed what a confirmed commitment says: the party must confirm it again.
COMMITMENT_CONFIRMATION_RESET = "commitment.confirmation_reset"  # commitment_id: int
# A lägesbild round was closed or an input in it changed status.
SITUATION_ROUND_CHANGED = "situation_round.changed"  # round_id: int

_handlers: dict[str, list[Handler]] = defaultdict(list)
_loaded = False


def subscribe(event: str, handler: Handler) -> None:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


async def publish(event: str, **payload) -> None:
    global _loaded
    if not _loaded:
        for module in SUBSCRIBERS:
            importlib.import_module(module)
        _loaded = True
    for handler in _handlers[event]:
        await handler(**payload)
