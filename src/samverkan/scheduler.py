"""Builds the APScheduler that runs every domain's periodic jobs (Europe/Stockholm time)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from samverkan.settings import get_settings

log = logging.getLogger("samverkan.scheduler")


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], Awaitable[None]]
    trigger: BaseTrigger
    run_at_start: bool = False


def domain_jobs() -> list[Job]:
    # Each domain declares its jobs in its jobs.py; add new domains here.
    from samverkan.reminders import jobs as reminders

    return [*reminders.jobs()]


async def _guarded(job: Job) -> None:
    try:
        await job.func()
    except Exception:  # a failed run must not stop the scheduler; the next run retries
        log.exception("job %s failed", job.id)


def build_scheduler() -> AsyncIOScheduler:
    # Every run of the once-a-minute delivery job would otherwise log two INFO lines.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    zone = ZoneInfo(get_settings().timezone)
    scheduler = AsyncIOScheduler(timezone=zone)
    for job in domain_jobs():
        # (APScheduler reads next_run_time=None as "paused": pass it only to run at start.)
        at_start = {"next_run_time": datetime.now(zone)} if job.run_at_start else {}
        scheduler.add_job(
            _guarded, job.trigger, args=[job], id=job.id, name=job.id, replace_existing=True,
            # One run at a time; runs missed while busy or asleep collapse into one.
            max_instances=1, coalesce=True, misfire_grace_time=None, **at_start,
        )
    return scheduler


async def run_forever() -> None:
    """The `samverkan worker` process: run the jobs until stopped."""
    scheduler = build_scheduler()
    scheduler.start()
    log.info("worker started: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown(wait=False)
