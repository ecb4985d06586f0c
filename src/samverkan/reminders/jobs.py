"""The reminders domain's periodic jobs; samverkan.scheduler registers them."""

import logging

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from samverkan.reminders import service
from samverkan.scheduler import Job
from samverkan.settings import get_settings

log = logging.getLogger("samverkan.reminders")


async def sweep() -> None:
    result = await service.sweep()
    log.info("reminder sweep: %d due, %d digests written", result.occurrences, result.digests)
    if result.digests:
        # Send what the sweep wrote now rather than at the next minute's delivery pass.
        await deliver()


async def deliver() -> None:
    result = await service.deliver()
    if result.sent or result.failed or result.retrying:
        log.info("outbox: %d sent, %d to retry, %d failed", result.sent, result.retrying,
                 result.failed)


def jobs() -> list[Job]:
    settings = get_settings()
    return [
        # At start (catch-up after downtime), then at five past every hour of the working day.
        Job("reminders.sweep", sweep,
            CronTrigger(hour=settings.reminder_sweep_hours, minute=5, timezone=settings.timezone),
            run_at_start=True),
        Job("reminders.deliver", deliver, IntervalTrigger(minutes=1), run_at_start=True),
    ]
