"""Round deadlines plug into the reminder rules: the parties that have not submitted are
reminded 7 and 1 days before the deadline and the day after it – each once.

Like tests/reminders, each test works in a far-future year of its own, passes the time of
every sweep explicitly, and looks only at what was recorded for its own contacts.
"""

from datetime import date, timedelta

from samverkan import clock
from samverkan.agreements.tables import Cadence
from samverkan.reminders import service as reminders
from samverkan.settings import get_settings
from samverkan.situation.periods import period_of
from tests.factories import unique
from tests.reminders.conftest import (  # noqa: F401 – fixtures used by name
    Discard,
    agreement_of,
    at,
    contact,
    keys,
    ledger,
    only_rules,
    organization,
    outbox,
    settings,
    sweep_days,
    year,
)

RULE = "situation_deadline"


def days(n: int) -> timedelta:
    return timedelta(days=n)


async def _indicator(api) -> dict:
    response = await api.get("/api/indicators")
    assert response.status_code == 200, response.text
    return response.json()[0]


async def _setting(api, year: int, *, status: str = "in_preparation", languages=("sv", "sv"),
                   quarter: int = 1):
    """A live agreement between two organisations (one contact each), and an open round for
    a quarter of year with its deadline on the 15th of the month after, asking both parties."""
    first, second = [await organization(api, {"language": language}) for language in languages]
    agreement = await agreement_of(api, [first, second], status=status,
                                   registration_number=unique(f"KS {year}/"))
    party_of = {p["organization"]["id"]: p["id"] for p in agreement["parties"]}
    indicator = await _indicator(api)
    deadline = date(year, quarter * 3 + 1, 15)
    response = await api.post(f"/api/agreements/{agreement['id']}/rounds", json={
        "period": f"{year}-Q{quarter}", "deadline": deadline.isoformat(),
        "requests": [{"party_id": party_of[org["id"]], "indicator_ids": [indicator["id"]]}
                     for org in (first, second)],
    })
    assert response.status_code == 201, response.text
    return {
        "agreement": agreement, "round": response.json(), "deadline": deadline,
        "indicator": indicator,
        "parties": [party_of[first["id"]], party_of[second["id"]]],
        "emails": [contact(first)["email"].lower(), contact(second)["email"].lower()],
    }


async def _submit(api, setting: dict, index: int) -> dict:
    url = f"/api/rounds/{setting['round']['id']}/inputs/{setting['parties'][index]}"
    saved = await api.put(url, json={"values": [
        {"indicator_id": setting["indicator"]["id"], "value": 12.5}
    ]})
    assert saved.status_code == 200, saved.text
    submitted = await api.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


def _recorded(setting: dict, name: str, *emails: str) -> set:
    occurrence = f"{name}:{setting['deadline']}"
    return {(RULE, setting["round"]["id"], occurrence, email) for email in emails}


async def test_who_has_not_submitted_is_reminded_a_week_and_a_day_before_and_the_day_after(
    coordinator, year, only_rules
):
    only_rules(RULE)
    setting = await _setting(coordinator, year, languages=("sv", "en"))
    submitted, waiting = setting["emails"]
    deadline, round_id = setting["deadline"], setting["round"]["id"]
    await _submit(coordinator, setting, 0)

    # Twice a day, every day from ten days before to a week after: each sweep after the
    # first of a day finds nothing new.
    news: dict[date, set] = {}
    seen = await keys(*setting["emails"])
    day = deadline - days(10)
    while day <= deadline + days(7):
        for hour in (7, 15):
            await reminders.sweep(now=at(day, hour))
            now_seen = await keys(*setting["emails"])
            if now_seen - seen:
                assert hour == 7, (day, hour, now_seen - seen)
                news[day] = now_seen - seen
            seen = now_seen
        day += days(1)

    assert news == {
        deadline - days(7): _recorded(setting, "before-7", waiting),
        deadline - days(1): _recorded(setting, "before-1", waiting),
        deadline + days(1): _recorded(setting, "overdue", waiting),
    }
    # The party that submitted hears nothing; the other gets each reminder once.
    assert await ledger(submitted) == []
    rows = await ledger(waiting)
    assert [(r["due_on"], r["subject_type"], r["subject_id"], r["agreement_id"]) for r in rows] == [
        (deadline - days(7), "situation_round", round_id, setting["agreement"]["id"]),
        (deadline - days(1), "situation_round", round_id, setting["agreement"]["id"]),
        (deadline + days(1), "situation_round", round_id, setting["agreement"]["id"]),
    ]

    # One digest each day, in the contact's language, linking to the round in the portal.
    digests = await outbox(waiting)
    assert [m["digest_date"] for m in digests] == [
        deadline - days(7), deadline - days(1), deadline + days(1)
    ]
    portal_round = f"{get_settings().base_url}/portal/rounds/{round_id}"
    portal_agreement = f"{get_settings().base_url}/portal/agreements/{setting['agreement']['id']}"
    for message in digests:
        assert message["language"] == "en"
        assert setting["agreement"]["title"] in message["body_text"]
        assert setting["agreement"]["registration_number"] in message["body_text"]
        assert portal_round in message["body_text"] and portal_round in message["body_html"]
        assert portal_agreement in message["body_text"]
    period = f"{year}-Q1"
    assert f"Input to the situation picture for {period} is due by 15\u00a0April {year}." in (
        digests[0]["body_text"])
    assert f"Input to the situation picture for {period} was due on 15\u00a0April {year}." in (
        digests[2]["body_text"])
    assert await outbox(submitted) == []


async def test_swedish_texts_and_a_catch_up_after_downtime_sends_the_latest_reminder_only(
    coordinator, year, only_rules
):
    only_rules(RULE)
    setting = await _setting(coordinator, year)
    deadline = setting["deadline"]
    first, second = setting["emails"]

    # Nobody swept for a week: the day before the deadline, the one-day reminder goes out,
    # not the stale one of a week before as well.
    await reminders.sweep(now=at(deadline - days(1)))
    assert await keys(first, second) == _recorded(setting, "before-1", first, second)
    [message] = await outbox(first)
    assert (f"Lägesbildsunderlag för {year}-Q1 ska lämnas senast 15\u00a0april {year}."
            in message["body_text"])
    assert "Lämna underlaget" in message["body_html"]

    await reminders.sweep(now=at(deadline + days(3)))
    assert await keys(first) == _recorded(setting, "before-1", first) | _recorded(
        setting, "overdue", first)
    overdue = (await outbox(first))[-1]
    assert (f"Lägesbildsunderlag för {year}-Q1 skulle ha lämnats 15\u00a0april {year}."
            in overdue["body_text"])

    # Long after the deadline a late sweep does not dig the round up again.
    before = await keys(first, second)
    await reminders.sweep(now=at(deadline + days(30)))
    assert await keys(first, second) == before


async def test_submitting_after_the_first_reminder_stops_the_later_ones(
    coordinator, year, only_rules
):
    only_rules(RULE)
    setting = await _setting(coordinator, year)
    deadline = setting["deadline"]
    first, second = setting["emails"]

    news = await sweep_days(deadline - days(8), deadline - days(7), first, second)
    assert news == {deadline - days(7): _recorded(setting, "before-7", first, second)}
    delivered = await reminders.deliver(now=at(deadline - days(7), 8, 1), backend=Discard())
    assert delivered.sent >= 2
    assert {m["status"] for m in await outbox(first, second)} == {"sent"}

    await _submit(coordinator, setting, 1)

    news = await sweep_days(deadline - days(6), deadline + days(5), first, second)
    assert news == {
        deadline - days(1): _recorded(setting, "before-1", first),
        deadline + days(1): _recorded(setting, "overdue", first),
    }
    # What was sent stays in the ledger, once.
    assert [r["occurrence"] for r in await ledger(second)] == [f"before-7:{deadline}"]


async def test_an_input_sent_back_after_the_deadline_is_reminded_as_overdue(
    coordinator, year, only_rules
):
    only_rules(RULE)
    setting = await _setting(coordinator, year)
    deadline, round_id = setting["deadline"], setting["round"]["id"]
    first, second = setting["emails"]
    await _submit(coordinator, setting, 0)
    await _submit(coordinator, setting, 1)

    assert await sweep_days(deadline - days(8), deadline + days(2), first, second) == {}

    url = f"/api/rounds/{round_id}/inputs/{setting['parties'][0]}/return"
    returned = await coordinator.post(url, json={"comment": "Fel enhet"})
    assert returned.status_code == 200, returned.text
    news = await sweep_days(deadline + days(3), deadline + days(12), first, second)
    assert news == {deadline + days(3): _recorded(setting, "overdue", first)}


async def test_a_closed_round_reminds_nobody(coordinator, year, only_rules):
    only_rules(RULE)
    closed = await _setting(coordinator, year)
    response = await coordinator.post(f"/api/rounds/{closed['round']['id']}/close")
    assert response.status_code == 200, response.text
    # Closing after the first reminder stops the later ones.
    later = await _setting(coordinator, year, quarter=3)
    later_deadline = later["deadline"]

    assert await sweep_days(closed["deadline"] - days(8), closed["deadline"] + days(3),
                            *closed["emails"]) == {}
    news = await sweep_days(later_deadline - days(7), later_deadline - days(7), *later["emails"])
    assert news == {later_deadline - days(7): _recorded(later, "before-7", *later["emails"])}
    response = await coordinator.post(f"/api/rounds/{later['round']['id']}/close")
    assert response.status_code == 200, response.text
    # Not yet sent when the round closed: withdrawn, and the digest with nothing left cancelled.
    assert await ledger(*later["emails"]) == []
    assert {m["status"] for m in await outbox(*later["emails"])} == {"cancelled"}
    assert await sweep_days(later_deadline - days(6), later_deadline + days(3),
                            *later["emails"]) == {}


async def test_a_draft_agreement_reminds_nobody(coordinator, year, only_rules):
    only_rules(RULE)
    setting = await _setting(coordinator, year)
    moved = await coordinator.move(setting["agreement"], "draft")
    assert moved.status_code == 200, moved.text

    assert await sweep_days(setting["deadline"] - days(8), setting["deadline"] + days(3),
                            *setting["emails"]) == {}


async def test_the_planned_reminders_of_an_agreement_show_the_round_deadlines(
    coordinator, year, only_rules
):
    only_rules(RULE)
    setting = await _setting(coordinator, year)
    deadline, round_id = setting["deadline"], setting["round"]["id"]
    first, second = setting["emails"]
    await _submit(coordinator, setting, 0)

    plan = await reminders.planned(setting["agreement"]["id"], 30, now=at(deadline - days(10)))
    assert [(p.rule, p.subject_type, p.subject_id, p.occurrence, p.due_on, p.recipient, p.state)
            for p in plan] == [
        (RULE, "situation_round", round_id, f"before-7:{deadline}", deadline - days(7), second,
         "planned"),
        (RULE, "situation_round", round_id, f"before-1:{deadline}", deadline - days(1), second,
         "planned"),
        (RULE, "situation_round", round_id, f"overdue:{deadline}", deadline + days(1), second,
         "planned"),
    ]
    assert plan[0].text == f"Lägesbildsunderlag för {year}-Q1 ska lämnas senast 15\u00a0april {year}."
    assert plan[2].text.startswith(f"Lägesbildsunderlag för {year}-Q1 skulle ha lämnats")


async def test_the_api_lists_a_round_due_soon_among_the_planned_reminders(
    coordinator, only_rules
):
    only_rules(RULE)
    today = clock.today()
    first, second = [await organization(coordinator) for _ in range(2)]
    agreement = await agreement_of(coordinator, [first, second])
    indicator = await _indicator(coordinator)
    deadline = today + days(10)
    response = await coordinator.post(f"/api/agreements/{agreement['id']}/rounds", json={
        "period": period_of(Cadence.quarterly, today).code, "deadline": deadline.isoformat(),
        "requests": [{"party_id": p["id"], "indicator_ids": [indicator["id"]]}
                     for p in agreement["parties"]],
    })
    assert response.status_code == 201, response.text

    response = await coordinator.get(f"/api/agreements/{agreement['id']}/reminders",
                                     params={"days": 30})
    assert response.status_code == 200, response.text
    assert {(r["rule"], r["occurrence"], r["recipient"]) for r in response.json()} == {
        (RULE, f"{name}:{deadline}", contact(org)["email"].lower())
        for name in ("before-7", "before-1", "overdue") for org in (first, second)
    }
