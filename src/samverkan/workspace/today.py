"""The Today page and the agreements list with its CSV and XLSX export.

Today reads in a fixed number of statements, whatever the number of agreements the user
follows or how much is waiting in them, on one connection: the drafts and the agreements
ending soon (with how many the user follows), the commitments awaiting confirmation, overdue
and due soon, the follow-ups ahead, the failed e-mails, and the lägesbild inputs missing (the
user's agreement ids, the inputs, then their parties' and agreements' names). Each list comes
as its first SHOWN lines and its total. The agreements list is one search (a page and its
count, on the API's hot read path) beside the filters' choices, which are kept written out
until the registry changes; the export reads every matching row in pages of EXPORT_CHUNK.
"""

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import anyio
from litestar import Controller, Request, Response, get
from litestar.response import Template
from litestar.types import ControllerRouterHandler
from markupsafe import Markup, escape

from samverkan import clock
from samverkan.accounts.service import CurrentUser
from samverkan.agreements import service as agreements
from samverkan.agreements.tables import AgreementKind, AgreementStatus
from samverkan.conf import DB
from samverkan.db import gather_reads
from samverkan.errors import InvalidInput
from samverkan.registry import service as registry
from samverkan.reminders import service as reminders
from samverkan.settings import get_settings
from samverkan.situation import service as situation
from samverkan.web.forms import parse_date
from samverkan.web.i18n import choice, choose_language, long_date, translate
from samverkan.workspace.pages import SIGNED_IN, SignedIn, workspace_page

DUE_SOON_DAYS = 14
FOLLOW_UPS_DAYS = 30
ENDING_DAYS = 90
# Lines a section of Today shows unless asked for all (?all=<section>); its heading counts
# them all.
SHOWN = 10
SECTIONS = ("awaiting", "overdue", "due-soon", "follow-ups", "inputs", "ending", "drafts")

PAGE_SIZE = 25
SORTABLE = ("title", "registration_number", "status", "period_start", "period_end",
            "updated_at")
DEFAULT_SORT = "-updated_at"
Q_MAX = 200
EXPORT_CAP = 10_000
EXPORT_CHUNK = 1_000
EXPORT_NAME = "samverkansoverenskommelser"


# --- Today ---------------------------------------------------------------------------------


@dataclass
class TodayView:
    followed: int
    commitments: agreements.CommitmentsNeedingAttention
    follow_ups: list[agreements.FollowUpAhead]
    follow_ups_total: int
    inputs_missing: list
    inputs_total: int
    party_labels: dict[int, agreements.PartyLabel]
    ending: list[agreements.AgreementBrief]
    drafts: list[agreements.AgreementBrief]
    failed: int
    today: date


async def _inputs_missing(user: CurrentUser, limit: int | None):
    """The lägesbild inputs missing in the user's agreements and the names of their parties
    and agreements: three small statements one after the other."""
    missing, total = await situation.inputs_missing(await agreements.coordinated_ids(user.id),
                                                     limit)
    labels = await agreements.party_labels([m.party_id for m in missing]) if missing else {}
    return missing, total, labels


async def today_view(user: CurrentUser, everything: str | None = None) -> TodayView:
    """What needs the user: at most SHOWN lines of each list but `everything` (a section's
    name), with every list's total. Five reads at once, whatever the number of agreements."""
    today = clock.today()

    def limit(section: str) -> int | None:
        return None if everything == section else SHOWN

    followed, commitments, (follow_ups, follow_ups_total), inputs, failed = await gather_reads(
        agreements.followed_agreements(user.id, today, today + timedelta(days=ENDING_DAYS)),
        agreements.commitments_needing_attention(
            user.id, today, today + timedelta(days=DUE_SOON_DAYS),
            (limit("awaiting"), limit("overdue"), limit("due-soon"))),
        agreements.follow_ups_between(user.id, today, today + timedelta(days=FOLLOW_UPS_DAYS),
                                      limit("follow-ups")),
        _inputs_missing(user, limit("inputs")),
        reminders.failed_count(),
    )
    missing, inputs_total, labels = inputs
    return TodayView(
        followed=followed.followed, commitments=commitments, follow_ups=follow_ups,
        follow_ups_total=follow_ups_total, inputs_missing=missing, inputs_total=inputs_total,
        party_labels=labels, ending=followed.ending, drafts=followed.drafts, failed=failed,
        today=today,
    )


@functools.lru_cache(maxsize=4096)
def _long_date(lang: str, value: date) -> str:
    return long_date(lang, value)


def _day_formatter(lang: str):
    """The day of a date or a moment (local time), as the pages write it: babel's formatting
    is the dearest part of a page of a few hundred dates, and the same days recur."""
    zone = ZoneInfo(get_settings().timezone)

    def day(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return _long_date(lang, value)

    return day


# --- the agreements list: what the query asks for ------------------------------------------


@dataclass
class ListQuery:
    """The list's filters, sort and page as the query string gives them, checked; what was
    typed is kept in `typed` to show again, and each refusal in `errors` by field."""

    statuses: list[str] = field(default_factory=list)
    kind: str = ""
    municipality: str = ""
    local_police_area: int | None = None
    organization: int | None = None
    ending_before: date | None = None
    q: str = ""
    mine: bool = False
    sort: str = DEFAULT_SORT
    page: int = 1
    typed: dict[str, str] = field(default_factory=dict)
    typed_statuses: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def filters(self) -> list[tuple[str, str]]:
        """The filters and sort as query parameters (no page), in a stable order."""
        pairs = [("q", self.typed.get("q", ""))]
        pairs += [("status", s) for s in self.typed_statuses]
        pairs += [(name, self.typed.get(name, "")) for name in
                  ("kind", "municipality", "local_police_area", "organization",
                   "ending_before")]
        if self.mine:
            pairs.append(("mine", "1"))
        if self.typed.get("sort", DEFAULT_SORT) != DEFAULT_SORT:
            pairs.append(("sort", self.typed["sort"]))
        return [(k, v) for k, v in pairs if v]

    def url(self, path: str = "/workspace/agreements", **changes: str | int | None) -> str:
        """path with the current query, changed by changes (None drops a parameter)."""
        pairs = [(k, v) for k, v in self.filters() if k not in changes]
        pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
        query = urlencode(pairs)
        return f"{path}?{query}" if query else path

    def sorted_by(self, column: str) -> str | None:
        """"ascending" or "descending" when the list is sorted by column, else None."""
        if self.sort.removeprefix("-") != column:
            return None
        return "descending" if self.sort.startswith("-") else "ascending"

    def sort_url(self, column: str) -> str:
        """Sorted by column: ascending first (newest first for a time), then the other way."""
        current = self.sorted_by(column)
        if current is None:
            target = f"-{column}" if column == "updated_at" else column
        else:
            target = column if current == "descending" else f"-{column}"
        return self.url(sort=None if target == DEFAULT_SORT else target, page=None)

    def criteria(self, user: CurrentUser) -> dict:
        """The search's criteria (agreements.service.agreements) without limit and offset."""
        return {
            "statuses": [AgreementStatus(s) for s in self.statuses],
            "kind": self.kind or None,
            "municipality_code": self.municipality or None,
            "organization_id": self.organization,
            "ending_before": self.ending_before,
            "text": self.q or None,
            "sort": self.sort,
            "local_police_area_id": self.local_police_area,
            "coordinator_user_id": user.id if self.mine else None,
        }


_ID = re.compile(r"^[0-9]{1,10}$")


def _id(value: str) -> int | None:
    return int(value) if _ID.match(value) and 1 <= int(value) <= 2**31 - 1 else None


def read_query(request: Request, lang: str) -> ListQuery:
    """The query string, checked for form: each bad value is an error by its field. Whether
    a municipality, an area or an organisation exists is checked against the choices."""
    params = request.query_params
    query = ListQuery()
    errors = query.errors

    def text(name: str) -> str:
        value = str(params.get(name) or "").strip()
        query.typed[name] = value
        return value

    statuses = [str(s).strip() for s in params.getall("status", []) if str(s).strip()]
    query.typed_statuses = list(dict.fromkeys(statuses))
    known = {s.value for s in AgreementStatus}
    query.statuses = [s for s in query.typed_statuses if s in known]
    if len(query.statuses) != len(query.typed_statuses):
        errors["status"] = translate(lang, "al_error_status")
    query.kind = text("kind")
    if query.kind and query.kind not in {k.value for k in AgreementKind}:
        errors["kind"] = translate(lang, "al_error_kind")
    query.municipality = text("municipality")
    if query.municipality and not re.fullmatch(r"[0-9]{4}", query.municipality):
        errors["municipality"] = translate(lang, "al_error_municipality")
    for name in ("local_police_area", "organization"):
        value = text(name)
        if value:
            number = _id(value)
            if number is None:
                errors[name] = translate(lang, f"al_error_{name}")
            setattr(query, name, number)
    ending_before = text("ending_before")
    if ending_before:
        query.ending_before = parse_date(ending_before)
        if query.ending_before is None:
            errors["ending_before"] = translate(lang, "al_error_date",
                                                example=clock.today().isoformat())
    query.q = text("q")
    if len(query.q) > Q_MAX:
        errors["q"] = translate(lang, "al_error_q", max=Q_MAX)
    query.mine = str(params.get("mine") or "") in ("1", "on", "true")
    sort = text("sort") or DEFAULT_SORT
    query.typed["sort"] = sort
    if sort.removeprefix("-") in SORTABLE:
        query.sort = sort
    else:
        errors["sort"] = translate(lang, "al_error_sort")
    page = text("page") or "1"
    if _id(page) is None:
        errors["page"] = translate(lang, "al_error_page")
    else:
        query.page = int(page)
    return query


@dataclass(frozen=True)
class Choices:
    """What the filters offer, by value, and the <option> elements of each list written out
    once (the lists are long – 290 municipalities, every organisation – and are the same for
    every visitor until the registry changes)."""

    fingerprint: tuple
    municipality_names: dict[str, str]
    local_police_areas: frozenset[int]
    organizations: frozenset[int]
    options: dict[str, str]

    def options_for(self, name: str, selected: str) -> Markup:
        """The list's options with the one whose value is selected marked so."""
        html = self.options[name]
        if selected:
            needle = f'<option value="{escape(selected)}">'
            html = html.replace(needle, needle[:-1] + " selected>", 1)
        return Markup(html)


def _options(pairs) -> str:
    return "".join(f'<option value="{escape(str(value))}">{escape(label)}</option>'
                   for value, label in pairs)


_choices: Choices | None = None


async def _current_choices() -> Choices:
    """The filters' choices, read again only when the registry's fingerprint has changed."""
    global _choices
    fingerprint = await registry.choices_fingerprint()
    if _choices is not None and _choices.fingerprint == fingerprint:
        return _choices
    municipalities, areas, organizations = await gather_reads(
        registry.municipalities(), registry.local_police_areas(),
        registry.organization_choices())
    municipalities = sorted(municipalities, key=lambda m: (m.name, m.code))
    _choices = Choices(
        fingerprint=fingerprint,
        municipality_names={m.code: m.name for m in municipalities},
        local_police_areas=frozenset(a.id for a in areas),
        organizations=frozenset(i for i, _ in organizations),
        options={
            "municipality": _options((m.code, m.name) for m in municipalities),
            "local_police_area": _options((a.id, a.name) for a in areas),
            "organization": _options(organizations),
        },
    )
    return _choices


async def _searched(query: ListQuery, user: CurrentUser, limit: int, offset: int):
    """A page of the list and the count, or None when the search refuses a value (an
    unknown municipality code)."""
    try:
        return await agreements.listed_agreements(limit=limit, offset=offset,
                                                  **query.criteria(user))
    except InvalidInput:
        return None


def _check_choices(query: ListQuery, choices: Choices, lang: str) -> None:
    errors = query.errors
    if query.municipality and "municipality" not in errors \
            and query.municipality not in choices.municipality_names:
        errors["municipality"] = translate(lang, "al_error_municipality")
    if query.local_police_area is not None and \
            query.local_police_area not in choices.local_police_areas:
        errors["local_police_area"] = translate(lang, "al_error_local_police_area")
    if query.organization is not None and query.organization not in choices.organizations:
        errors["organization"] = translate(lang, "al_error_organization")


async def _listed(query: ListQuery, user: CurrentUser, lang: str, *, limit: int, offset: int):
    """The filters' choices and, unless the query is refused, a page of the list."""
    if query.errors:
        choices, result = await _current_choices(), None
    else:
        choices, result = await gather_reads(_current_choices(),
                                             _searched(query, user, limit, offset))
    _check_choices(query, choices, lang)
    if query.errors:
        return choices, None
    if result is None:
        query.errors["municipality"] = translate(lang, "al_error_municipality")
    return choices, result


# Ids of the list page's fields, for the error summary's links.
FIELD_IDS = {name: f"filter-{name}" for name in
             ("q", "status", "kind", "municipality", "local_police_area", "organization",
              "ending_before")}
FIELD_IDS.update(sort="results-heading", page="results-heading")


async def _list_page(request: Request, user: CurrentUser, query: ListQuery,
                     lang: str) -> Template:
    choices, result = await _listed(query, user, lang, limit=PAGE_SIZE,
                                    offset=(query.page - 1) * PAGE_SIZE)
    if query.errors:
        return _render_list(request, user, query, choices, [], 0, status_code=400)
    items, total = result
    pages = max(1, -(-total // PAGE_SIZE))
    if query.page > pages:
        # Past the end (the list shrank since the link was made): the last page.
        query.page = pages
        items, total = await agreements.listed_agreements(
            limit=PAGE_SIZE, offset=(pages - 1) * PAGE_SIZE, **query.criteria(user))
    return _render_list(request, user, query, choices, items, total)


def _stamp(value: datetime) -> str:
    """A moment as local wall-clock time, 2026-11-25 14:03 (beside the list's ISO dates)."""
    return value.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d %H:%M")


def _render_list(request: Request, user: CurrentUser, query: ListQuery, choices: Choices,
                 items: list[agreements.ListedAgreement], total: int, *,
                 status_code: int = 200) -> Template:
    pages = max(1, -(-total // PAGE_SIZE))
    lang = choose_language(request)
    return workspace_page(
        request, user, "agreements.html", current="agreements", status_code=status_code,
        query=query, choices=choices, items=items, total=total, pages=pages,
        errors=query.errors, field_ids=FIELD_IDS, statuses=[s.value for s in AgreementStatus],
        kind_options=[(k.value, choice(lang, "kind", k)) for k in AgreementKind],
        export_cap=EXPORT_CAP, stamp=_stamp,
    )


# --- the export ----------------------------------------------------------------------------


def _safe(value: str) -> str:
    """A spreadsheet must not take a cell for a formula (CSV injection): a value that starts
    with = + - @ (or a tab or a carriage return) is prefixed with an apostrophe."""
    return f"'{value}" if value and value[0] in "=+-@\t\r" else value


@dataclass
class ExportRow:
    registration_number: str
    title: str
    kind: str
    status: str
    period_start: date
    period_end: date | None
    municipalities: str
    parties: str
    updated_at: datetime  # local wall-clock time, without a zone (spreadsheets have none)


def _rows(items: list[agreements.ListedAgreement], names: dict[str, str], lang: str) -> list[ExportRow]:
    zone = ZoneInfo(get_settings().timezone)
    return [
        ExportRow(
            registration_number=_safe(item.registration_number or ""),
            title=_safe(item.title),
            kind=choice(lang, "kind", item.kind),
            status=choice(lang, "status", item.status),
            period_start=item.period_start,
            period_end=item.period_end,
            municipalities=_safe(", ".join(names.get(c, c) for c in item.municipality_codes)),
            parties=_safe(", ".join(item.parties)),
            updated_at=item.updated_at.astimezone(zone).replace(tzinfo=None, microsecond=0),
        )
        for item in items
    ]


HEADERS = ("registration_number", "title", "kind", "status", "period_start", "period_end",
           "municipalities", "parties", "updated_at")


def _header(lang: str) -> list[str]:
    return [translate(lang, f"al_file_{name}") for name in HEADERS]


def write_csv(rows: list[ExportRow], lang: str) -> bytes:
    """UTF-8 with a byte order mark and semicolons, as Swedish Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_header(lang))
    for row in rows:
        writer.writerow([
            row.registration_number, row.title, row.kind, row.status,
            row.period_start.isoformat(), row.period_end.isoformat() if row.period_end else "",
            row.municipalities, row.parties, row.updated_at.strftime("%Y-%m-%d %H:%M"),
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


WIDTHS = (18, 50, 26, 22, 13, 13, 30, 60, 17)


def write_xlsx(rows: list[ExportRow], lang: str) -> bytes:
    """One sheet: a bold header row, frozen, with an autofilter; dates as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def clean(text: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", text)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(translate(lang, "al_file_sheet"))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(HEADERS))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for text in _header(lang):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def dated(value, number_format: str):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    for row in rows:
        sheet.append([
            clean(row.registration_number), clean(row.title), row.kind, row.status,
            dated(row.period_start, "yyyy-mm-dd"), dated(row.period_end, "yyyy-mm-dd"),
            clean(row.municipalities), clean(row.parties),
            dated(row.updated_at, "yyyy-mm-dd hh:mm"),
        ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def _export(request: Request, user: CurrentUser, extension: str) -> Response:
    lang = choose_language(request)
    query = read_query(request, lang)
    choices, result = await _listed(query, user, lang, limit=EXPORT_CHUNK, offset=0)
    if query.errors:
        return _render_list(request, user, query, choices, [], 0, status_code=400)
    items, total = result
    items = list(items)
    while len(items) < min(total, EXPORT_CAP):
        more, total = await agreements.listed_agreements(
            limit=min(EXPORT_CHUNK, EXPORT_CAP - len(items)), offset=len(items),
            **query.criteria(user))
        if not more:
            break
        items.extend(more)
    rows = _rows(items[:EXPORT_CAP], choices.municipality_names, lang)
    if extension == "csv":
        body = await anyio.to_thread.run_sync(write_csv, rows, lang)
        media_type = "text/csv; charset=utf-8"
    else:
        body = await anyio.to_thread.run_sync(write_xlsx, rows, lang)
        media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"{EXPORT_NAME}-{clock.today().isoformat()}.{extension}"
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


# --- the pages -----------------------------------------------------------------------------


class TodayPages(Controller):
    """Today, the agreements list and its export: reading only, for every signed-in role."""

    path = "/"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get("/")
    async def today(self, request: Request, user: SignedIn) -> Template:
        everything = request.query_params.get("all")
        everything = everything if everything in SECTIONS else None
        # The page's reads one after the other on one connection: each pooled read would
        # cost a second round trip to reset its connection, for little gain in parallel.
        async with DB.transaction():
            view = await today_view(user, everything)
        return workspace_page(request, user, "today.html", current="today", view=view,
                              shown=SHOWN, everything=everything,
                              day=_day_formatter(choose_language(request)))

    @get("/agreements")
    async def agreement_list(self, request: Request, user: SignedIn) -> Template:
        lang = choose_language(request)
        return await _list_page(request, user, read_query(request, lang), lang)

    @get("/agreements.csv")
    async def agreements_csv(self, request: Request, user: SignedIn) -> Response:
        return await _export(request, user, "csv")

    @get("/agreements.xlsx")
    async def agreements_xlsx(self, request: Request, user: SignedIn) -> Response:
        return await _export(request, user, "xlsx")


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [TodayPages]
