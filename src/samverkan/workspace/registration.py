"""Registering an agreement in one guided flow, saved as a draft at every step.

Seven steps: basics, parties, content (purpose, focus areas, goals), commitments per party,
follow-up plan, signatories, review. Step 1 creates the agreement as a draft (the user
becomes its coordinator); every later step writes to that draft as soon as one of its buttons
is pressed, so a half-finished registration is never lost: reloading a step shows what was
saved, and /workspace/agreements/{id}/register resumes at the first step not done yet.

Each step is one form whose every button saves everything typed in it and then goes where
the button says (stay, next, back, later). Buttons that remove a row belong to small forms of
their own (the HTML form attribute), so Enter in a field never removes anything.
Coordinators and admins only, viewers get the 403 page on every step. Any of them may
continue anyone's draft; the page says who started it. Once the agreement has left the
draft, the flow only says so and links to the agreement's page.
"""

from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from pydantic import ValidationError

from samverkan import clock
from samverkan.accounts import service as accounts
from samverkan.accounts.service import CurrentUser
from samverkan.agreements import service as agreements
from samverkan.agreements.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementUpdate,
    CommitmentCreate,
    FocusAreaCreate,
    FollowUpCreate,
    GoalCreate,
    PartyCreate,
    PartyUpdate,
)
from samverkan.agreements.tables import (
    AgreementKind,
    AgreementStatus,
    Cadence,
    FollowUpKind,
    SignatureMethod,
)
from samverkan.audit import service as audit
from samverkan.db import write_transaction
from samverkan.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from samverkan.portal.pages import parse_number
from samverkan.registry import service as registry
from samverkan.registry.schemas import ContactCreate, OrganizationCreate, OrganizationSummary
from samverkan.registry.tables import OrganizationKind
from samverkan.schemas import normalise_org_number
from samverkan.situation import service as situation
from samverkan.web.forms import (
    EMAIL,
    EMAIL_MAX,
    LONG_MAX,
    NAME_MAX,
    REGISTRATION_NUMBER_MAX,
    SHORT_MAX,
    TITLE_MAX,
    check_text,
    checked_id,
    expected_version,
    parse_date,
)
from samverkan.web.i18n import choice, translate
from samverkan.workspace.pages import (
    HOME,
    NOTICES,
    PREFIX,
    SIGNED_IN,
    SignedIn,
    language,
    may_write,
    workspace_page,
)

Id = Annotated[int, PathParameter()]
StepSlug = Annotated[str, PathParameter()]

NOTICES.update({
    "rg_created": "rg_created_notice",
    "rg_saved_later": "rg_saved_later_notice",
    "rg_party_added": "rg_party_added_notice",
    "rg_party_removed": "rg_party_removed_notice",
    "rg_focus_area_removed": "rg_focus_area_removed_notice",
    "rg_goal_removed": "rg_goal_removed_notice",
    "rg_follow_up_removed": "rg_follow_up_removed_notice",
    "rg_need_parties": "rg_need_parties_notice",
})

# The schemas' limits beyond web.forms' (a goal's unit, an agreement's municipalities),
# checked here so that too much is refused next to its field; the organisations found.
UNIT_MAX = 50
MUNICIPALITIES_MAX = 50
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Step:
    slug: str
    label: str


STEPS = (
    Step("basics", "rg_step_basics"),
    Step("parties", "rg_step_parties"),
    Step("content", "rg_step_content"),
    Step("commitments", "rg_step_commitments"),
    Step("follow-up", "rg_step_follow_up"),
    Step("signatories", "rg_step_signatories"),
    Step("review", "rg_step_review"),
)
SLUGS = [step.slug for step in STEPS]
PARTIES = SLUGS.index("parties")


def step_url(agreement_id: int, slug: str) -> str:
    return f"{PREFIX}/agreements/{agreement_id}/register/{slug}"


def agreement_url(agreement_id: int) -> str:
    return f"{PREFIX}/agreements/{agreement_id}"


# --- how far a registration has come ------------------------------------------------------


def finished_steps(agreement: AgreementRead) -> set[str]:
    """The steps whose content is there. The review is never "done": with everything else
    done, a registration resumes there."""
    parties = agreement.parties
    done = {"basics"}
    if len(parties) >= agreements.MIN_PARTIES:
        done.add("parties")
    if agreement.purpose.strip() or agreement.focus_areas or agreement.goals:
        done.add("content")
    owners = {c.party_id for c in agreement.commitments}
    if parties and all(p.id in owners for p in parties):
        done.add("commitments")
    if agreement.follow_ups:
        done.add("follow-up")
    if parties and all(p.signatory_name for p in parties):
        done.add("signatories")
    return done


def first_unfinished(agreement: AgreementRead) -> str:
    done = finished_steps(agreement)
    return next(slug for slug in SLUGS if slug not in done)


def step_indicator(agreement: AgreementRead | None, current: str) -> list[dict]:
    """Every step, with a link where it may be opened: the steps done, the first one not
    done, and those before the current one; none past the parties until there are two."""
    done = finished_steps(agreement) if agreement else set()
    first = first_unfinished(agreement) if agreement else "basics"
    here = SLUGS.index(current)
    items = []
    for index, step in enumerate(STEPS):
        reachable = agreement is not None and (
            step.slug in done or step.slug == first or index <= here
        ) and (index <= PARTIES or "parties" in done or index == here)
        items.append({
            "number": index + 1, "label": step.label, "done": step.slug in done,
            "current": step.slug == current,
            "url": step_url(agreement.id, step.slug) if reachable else None,
        })
    return items


# --- reading forms -------------------------------------------------------------------------


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "")).strip()


def _long_text(form: Any, name: str) -> str:
    """A text area as typed (its line breaks as newlines), without blank lines around it."""
    return str(form.get(name, "")).replace("\r\n", "\n").strip("\n").rstrip()


def _version(form: Any, name: str) -> int | None:
    return expected_version({"version": form.get(name, "")})


def _choice_id(text: str, known: set[int]) -> int | None:
    """An id chosen in a drop-down; ValueError when it is none of the options."""
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) < 12 and int(text) in known:
        return int(text)
    raise ValueError(text)


def _enum(kind, text: str):
    return kind(text) if text in {member.value for member in kind} else None


def _too_long(errors: dict, lang: str, name: str, text: str, limit: int) -> None:
    check_text(errors, lang, name, text, limit, too_long="rg_too_long")


def _date_field(errors: dict, lang: str, name: str, text: str, *, required: bool) -> date | None:
    example = clock.today().isoformat()
    if not text:
        if required:
            errors[name] = translate(lang, "rg_date_required", example=example)
        return None
    parsed = parse_date(text)
    if parsed is None:
        errors[name] = translate(lang, "rg_date_invalid", example=example)
    return parsed


def org_number_verdict(text: str) -> tuple[str | None, str | None]:
    """(the number as NNNNNN-NNNN, None) when the registry would take it, else (None, the
    message key saying why not). The verdict is the registry's own validation."""
    from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
    from stdnum.se import orgnr

    if not text.strip():
        return None, "rg_org_number_required"
    try:
        return normalise_org_number(text.strip()), None
    except ValueError:
        pass
    try:
        orgnr.validate(text.strip())
    except InvalidChecksum:
        return None, "rg_org_number_checksum"
    except (InvalidLength, InvalidFormat):
        return None, "rg_org_number_format"
    return None, "rg_org_number_personal"


async def _organization_with_number(number: str) -> OrganizationSummary | None:
    found, _ = await registry.organizations(None, None, number, 1, 0)
    return found[0] if found else None


# --- refusals from the services -------------------------------------------------------------


@dataclass
class Refusal:
    status_code: int
    errors: dict[str, str]
    problem: str | None


def refusal(exc: Exception, lang: str, fields: dict[str, tuple[str, str | None]]) -> Refusal:
    """What a page says about a service's refusal. fields maps the service's field name to
    (the form's field, a message key or None for the service's own words)."""
    if isinstance(exc, PreconditionFailed):
        return Refusal(409, {}, translate(lang, "ws_changed_meanwhile"))
    status_code = 409 if isinstance(exc, Conflict) else 400
    field = getattr(exc, "field", None)
    if field in fields:
        name, key = fields[field]
        return Refusal(status_code, {name: translate(lang, key) if key else exc.detail}, None)
    return Refusal(status_code, {}, translate(lang, "rg_refused", reason=exc.detail))


# --- the pages -----------------------------------------------------------------------------


async def _started_by(agreement: AgreementRead, user: CurrentUser) -> str | None:
    """Who started someone else's draft (None when the user coordinates it)."""
    if user.id in agreement.coordinator_user_ids:
        return None
    events = await audit.entity_history("agreement", agreement.id)
    created = next((e for e in events if e.action == "create"), None)
    if created is None:
        return "–"
    if created.actor_id is not None:
        users = await accounts.users_by_ids([created.actor_id])
        if created.actor_id in users:
            return users[created.actor_id].name
    return created.actor


def _options(lang: str, group: str, members) -> list[tuple[str, str]]:
    return [(m.value, choice(lang, group, m)) for m in members]


async def _municipality_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The 290 municipalities grouped by county, for a list one can find a name in."""
    counties, municipalities = await registry.counties(), await registry.municipalities()
    groups: dict[str, list[tuple[str, str]]] = {c.code: [] for c in counties}
    for m in municipalities:
        groups.setdefault(m.county_code, []).append((m.code, m.name))
    names = {c.code: c.name for c in counties}
    return [(names.get(code, code), sorted(items, key=lambda i: i[1]))
            for code, items in sorted(groups.items(), key=lambda g: names.get(g[0], g[0]))
            if items]


async def _basics_context(lang: str) -> dict:
    areas = await registry.local_police_areas()
    return {
        "kinds": _options(lang, "kind", AgreementKind),
        "cadences": _options(lang, "cadence", Cadence),
        "areas": [(a.id, a.name) for a in sorted(areas, key=lambda a: a.name)],
        "municipality_groups": await _municipality_groups(),
        "today": clock.today(),
    }


async def _contacts(agreement: AgreementRead) -> dict[int, list]:
    """The contacts of each party's organisation, by organisation id, in one query."""
    return await registry.contacts_of_organizations(
        [p.organization.id for p in agreement.parties]
    )


async def _parties_context(request: Request, agreement: AgreementRead, lang: str) -> dict:
    q = request.query_params.get("q", "").strip()[:SHORT_MAX]
    police = request.query_params.get("kind") == "police"
    results: list[OrganizationSummary] = []
    total = 0
    if q or police:
        number, _ = org_number_verdict(q) if q else (None, None)
        results, total = await registry.organizations(
            None if number else (q or None), "police" if police else None, number,
            SEARCH_LIMIT, 0,
        )
    municipalities = await registry.municipalities()
    return {
        "q": q, "police": police, "results": results, "match_count": total,
        "party_organizations": {p.organization.id for p in agreement.parties},
        "contacts": await _contacts(agreement),
        "org_kinds": _options(lang, "organization_kind", OrganizationKind),
        "municipalities": [(m.code, m.name) for m in sorted(municipalities,
                                                            key=lambda m: m.name)],
        "municipality_names": {m.code: m.name for m in municipalities},
    }


async def _content_context(agreement: AgreementRead, lang: str) -> dict:
    indicators = await situation.indicators()
    return {
        "indicators": [(i.id, i.name_en if lang == "en" else i.name_sv) for i in indicators],
        "indicator_names": {i.id: (i.name_en if lang == "en" else i.name_sv)
                            for i in indicators},
        "focus_area_options": [(f.id, f.title) for f in agreement.focus_areas],
        "focus_area_titles": {f.id: f.title for f in agreement.focus_areas},
    }


async def _commitments_context(agreement: AgreementRead) -> dict:
    contacts = await _contacts(agreement)
    names = {c.id: c.name for people in contacts.values() for c in people}
    by_party: dict[int, list] = {p.id: [] for p in agreement.parties}
    for c in agreement.commitments:
        by_party.setdefault(c.party_id, []).append(c)
    return {"contacts": contacts, "contact_names": names, "commitments_of": by_party,
            "today": clock.today()}


async def _follow_up_context(lang: str) -> dict:
    return {"cadences": _options(lang, "cadence", Cadence),
            "follow_up_kinds": _options(lang, "follow_up_kind", FollowUpKind),
            "today": clock.today()}


async def _review_context(agreement: AgreementRead, lang: str) -> dict:
    context = {**await _commitments_context(agreement),
               **await _content_context(agreement, lang)}
    area = None
    if agreement.local_police_area_id is not None:
        try:
            area = (await registry.local_police_area(agreement.local_police_area_id)).name
        except NotFound:
            area = None
    municipalities = {m.code: m.name for m in await registry.municipalities()}
    done = finished_steps(agreement)
    context.update(
        area=area,
        municipality_names=[municipalities.get(c, c) for c in agreement.municipality_codes],
        unfinished=[s for s in STEPS[:-1] if s.slug not in done],
    )
    return context


def stored_values(slug: str, agreement: AgreementRead, lang: str) -> dict:
    """The fields of a step as saved: what a reload shows."""
    a = agreement
    if slug == "basics":
        return {
            "kind": a.kind.value, "title": a.title, "period_start": a.period_start.isoformat(),
            "period_end": a.period_end.isoformat() if a.period_end else "",
            "registration_number": a.registration_number or "",
            "local_police_area_id": str(a.local_police_area_id or ""),
            "municipality_codes": list(a.municipality_codes),
            "follow_up_cadence": a.follow_up_cadence.value if a.follow_up_cadence else "",
            "version": str(a.version),
        }
    if slug == "parties":
        values: dict = {}
        for p in a.parties:
            values[f"role-{p.id}"] = p.role
            values[f"contact-{p.id}"] = str(p.primary_contact.id) if p.primary_contact else ""
            values[f"version-{p.id}"] = str(p.version)
        return values
    if slug == "content":
        return {"purpose": a.purpose, "background": a.background, "governance": a.governance,
                "version": str(a.version)}
    if slug == "follow-up":
        return {"follow_up_cadence": a.follow_up_cadence.value if a.follow_up_cadence else "",
                "version": str(a.version), "fu-kind": FollowUpKind.steering_group_meeting.value}
    if slug == "signatories":
        values = {}
        for p in a.parties:
            values[f"s-name-{p.id}"] = p.signatory_name or ""
            values[f"s-title-{p.id}"] = p.signatory_title or ""
            values[f"s-email-{p.id}"] = p.signatory_email or ""
            values[f"s-method-{p.id}"] = p.signature_method.value if p.signature_method else ""
            values[f"version-{p.id}"] = str(p.version)
        return values
    return {}


def _with_current_versions(values: dict, agreement: AgreementRead) -> dict:
    """Typed values with the stored versions: after a conflict a second press saves over."""
    values = dict(values)
    if "version" in values:
        values["version"] = str(agreement.version)
    for p in agreement.parties:
        if f"version-{p.id}" in values:
            values[f"version-{p.id}"] = str(p.version)
    return values


async def step_page(request: Request, user: CurrentUser, agreement: AgreementRead, slug: str,
                    *, status_code: int = 200, errors: dict | None = None,
                    values: dict | None = None, problem: str | None = None,
                    **extra: Any) -> Template:
    lang = language(request)
    if slug == "basics":
        context = await _basics_context(lang)
    elif slug == "parties":
        context = await _parties_context(request, agreement, lang)
    elif slug == "content":
        context = await _content_context(agreement, lang)
    elif slug == "commitments":
        context = await _commitments_context(agreement)
    elif slug == "follow-up":
        context = await _follow_up_context(lang)
    elif slug == "signatories":
        context = {"methods": _options(lang, "signature_method", SignatureMethod)}
    else:
        context = await _review_context(agreement, lang)
    context.update(extra)
    index = SLUGS.index(slug)
    template = "register_basics.html" if slug == "basics" else \
        f"register_{slug.replace('-', '_')}.html"
    return workspace_page(
        request, user, template, status_code=status_code, current="register",
        agreement=agreement, step=STEPS[index], step_number=index + 1, total=len(STEPS),
        steps=step_indicator(agreement, slug),
        previous_url=step_url(agreement.id, SLUGS[index - 1]) if index else None,
        action=step_url(agreement.id, slug),
        errors=errors or {}, problem=problem,
        values=values if values is not None else stored_values(slug, agreement, lang),
        started_by=await _started_by(agreement, user),
        **context,
    )


def registered_page(request: Request, user: CurrentUser, agreement: AgreementRead, *,
                    status_code: int = 200) -> Template:
    return workspace_page(request, user, "register_registered.html", status_code=status_code,
                          current="register", agreement=agreement)


def _after(agreement_id: int, slug: str, go: str, done: str = "saved",
           anchor: str = "") -> Redirect:
    """Where a step's button goes once everything typed is saved."""
    index = SLUGS.index(slug)
    if go == "later":
        return Redirect(f"{HOME}?done=rg_saved_later", status_code=303)
    if go == "next":
        slug = SLUGS[min(index + 1, len(SLUGS) - 1)]
    elif go == "back":
        slug = SLUGS[max(index - 1, 0)]
    else:
        return Redirect(f"{step_url(agreement_id, slug)}?done={done}{anchor}", status_code=303)
    return Redirect(f"{step_url(agreement_id, slug)}?done={done}", status_code=303)


# --- step 1: basics ------------------------------------------------------------------------

BASICS_FIELDS = ("kind", "title", "period_start", "period_end", "registration_number",
                 "local_police_area_id", "follow_up_cadence", "version")
BASICS_REFUSALS = {
    "period_end": ("period_end", "rg_period_end_before_start"),
    "registration_number": ("registration_number", "rg_registration_number_taken"),
    "local_police_area_id": ("local_police_area_id", "rg_choice_invalid"),
    "municipality_codes": ("municipality_codes", "rg_choice_invalid"),
    "title": ("title", None),
    "kind": ("kind", None),
    "period_start": ("period_start", None),
}


async def read_basics(form: Any, lang: str) -> tuple[dict, dict, dict]:
    """(typed values, errors by field, the fields to save) of the basics form."""
    values: dict = {name: _text(form, name) for name in BASICS_FIELDS}
    values["municipality_codes"] = [str(c).strip() for c in form.getall("municipality_codes", [])
                                    if str(c).strip()]
    errors: dict[str, str] = {}
    kind = _enum(AgreementKind, values["kind"])
    if kind is None:
        errors["kind"] = translate(lang, "rg_kind_required")
    if not values["title"]:
        errors["title"] = translate(lang, "rg_title_required")
    _too_long(errors, lang, "title", values["title"], TITLE_MAX)
    start = _date_field(errors, lang, "period_start", values["period_start"], required=True)
    end = _date_field(errors, lang, "period_end", values["period_end"], required=False)
    if start and end and end < start:
        errors["period_end"] = translate(lang, "rg_period_end_before_start")
    _too_long(errors, lang, "registration_number", values["registration_number"],
              REGISTRATION_NUMBER_MAX)
    area = None
    try:
        area = _choice_id(values["local_police_area_id"],
                          {a.id for a in await registry.local_police_areas()})
    except ValueError:
        errors["local_police_area_id"] = translate(lang, "rg_choice_invalid")
    codes = values["municipality_codes"]
    known = {m.code for m in await registry.municipalities()}
    if any(code not in known for code in codes):
        errors["municipality_codes"] = translate(lang, "rg_choice_invalid")
    elif len(set(codes)) > MUNICIPALITIES_MAX:
        errors["municipality_codes"] = translate(lang, "rg_too_many_municipalities",
                                                 max=MUNICIPALITIES_MAX)
    cadence = _enum(Cadence, values["follow_up_cadence"])
    if values["follow_up_cadence"] and cadence is None:
        errors["follow_up_cadence"] = translate(lang, "rg_choice_invalid")
    fields = {
        "kind": kind, "title": values["title"], "period_start": start, "period_end": end,
        "registration_number": values["registration_number"] or None,
        "local_police_area_id": area, "municipality_codes": list(dict.fromkeys(codes)),
        "follow_up_cadence": cadence,
    }
    return values, errors, fields


def _changed(fields: dict, agreement: AgreementRead) -> dict:
    """The fields that differ from what is saved (the municipalities in any order)."""
    def same(key: str, value) -> bool:
        stored = getattr(agreement, key)
        if isinstance(value, list):
            return sorted(stored) == sorted(value)
        return stored == value

    return {key: value for key, value in fields.items() if not same(key, value)}


# --- step 2: parties -------------------------------------------------------------------------

NEW_ORG_FIELDS = ("org_name", "org_number", "org_kind", "org_municipality", "contact_name",
                  "contact_email")


# --- the controller --------------------------------------------------------------------------



async def _step_of(user: CurrentUser, agreement_id: int, step: str) -> AgreementRead:
    """The agreement a registration step is asked for, after the checks every step makes:
    the user may write, the step exists, the agreement exists."""
    may_write(user)
    if step not in SLUGS:
        raise NotFound("Steget finns inte (no such step)")
    return await agreements.agreement(checked_id(agreement_id))


class RegistrationPages(Controller):
    """The registration flow: /workspace/register and /workspace/agreements/{id}/register…"""

    include_in_schema = False
    dependencies = SIGNED_IN

    # --- step 1, before there is an agreement ---------------------------------------------

    @get("/register")
    async def new_agreement(self, request: Request, user: SignedIn) -> Template:
        may_write(user)
        return await self._new_page(request, user, values={
            "kind": AgreementKind.collaboration_agreement.value, "municipality_codes": []})

    async def _new_page(self, request: Request, user: CurrentUser, *, values: dict,
                        errors: dict | None = None, status_code: int = 200,
                        problem: str | None = None) -> Template:
        lang = language(request)
        drafts = [a for a in await agreements.coordinated_agreements(user.id)
                  if a.status == AgreementStatus.draft]
        drafts.sort(key=lambda a: a.updated_at, reverse=True)
        return workspace_page(
            request, user, "register_basics.html", status_code=status_code,
            current="register", agreement=None, step=STEPS[0], step_number=1,
            total=len(STEPS), steps=step_indicator(None, "basics"), previous_url=None,
            action=f"{PREFIX}/register", errors=errors or {}, values=values, problem=problem,
            started_by=None, drafts=drafts, **await _basics_context(lang),
        )

    @post("/register")
    async def create(self, request: Request, user: SignedIn) -> Response:
        may_write(user)
        lang = language(request)
        form = await request.form()
        values, errors, fields = await read_basics(form, lang)
        if errors:
            return await self._new_page(request, user, values=values, errors=errors,
                                        status_code=400)
        try:
            async with write_transaction():
                created = await agreements.create_agreement(user.actor, AgreementCreate(**fields))
        except (InvalidInput, Conflict) as exc:
            refused = refusal(exc, lang, BASICS_REFUSALS)
            return await self._new_page(request, user, values=values, errors=refused.errors,
                                        problem=refused.problem,
                                        status_code=refused.status_code)
        if _text(form, "go") == "later":
            return Redirect(f"{HOME}?done=rg_saved_later", status_code=303)
        return Redirect(f"{step_url(created.id, 'parties')}?done=rg_created", status_code=303)

    # --- the org number, checked as it is typed --------------------------------------------

    @get("/register/check-org")
    async def check_org(self, request: Request, user: SignedIn) -> Template:
        may_write(user)
        lang = language(request)
        text = request.query_params.get("org_number", "")[:40]
        agreement_id = request.query_params.get("agreement_id", "")
        state, message, known, is_party = await self._org_check(text, agreement_id, lang)
        return workspace_page(request, user, "register_org_check.html", state=state,
                              message=message, known=known, is_party=is_party,
                              can_add=bool(agreement_id))

    async def _org_check(self, text: str, agreement_id: str, lang: str):
        if not text.strip():
            return "", "", None, False
        number, problem = org_number_verdict(text)
        if problem:
            return "invalid", translate(lang, problem), None, False
        known = await _organization_with_number(number)
        if known is None:
            return "valid", translate(lang, "rg_org_valid", number=number), None, False
        is_party = False
        if agreement_id.isascii() and agreement_id.isdigit() and len(agreement_id) < 12:
            try:
                parties = await agreements.parties(checked_id(int(agreement_id)))
            except NotFound:
                parties = []
            is_party = any(p.organization.id == known.id for p in parties)
        message = translate(lang, "rg_org_known", name=known.name, number=known.org_number)
        return "known", message, known, is_party

    # --- resuming, and every later step -----------------------------------------------------

    @get("/agreements/{agreement_id:int}/register")
    async def resume(self, request: Request, user: SignedIn, agreement_id: Id) -> Response:
        may_write(user)
        agreement = await agreements.agreement(checked_id(agreement_id))
        if agreement.status != AgreementStatus.draft:
            return registered_page(request, user, agreement)
        return Redirect(step_url(agreement.id, first_unfinished(agreement)), status_code=303)

    @get("/agreements/{agreement_id:int}/register/{step:str}")
    async def show_step(self, request: Request, user: SignedIn, agreement_id: Id,
                        step: StepSlug) -> Response:
        agreement = await _step_of(user, agreement_id, step)
        if agreement.status != AgreementStatus.draft:
            return registered_page(request, user, agreement)
        if SLUGS.index(step) > PARTIES and len(agreement.parties) < agreements.MIN_PARTIES:
            return Redirect(f"{step_url(agreement.id, 'parties')}?done=rg_need_parties",
                            status_code=303)
        return await step_page(request, user, agreement, step)

    @post("/agreements/{agreement_id:int}/register/{step:str}")
    async def save_step(self, request: Request, user: SignedIn, agreement_id: Id,
                        step: StepSlug) -> Response:
        agreement = await _step_of(user, agreement_id, step)
        if agreement.status != AgreementStatus.draft:
            return registered_page(request, user, agreement, status_code=409)
        form = await request.form()
        save = {
            "basics": self._save_basics, "parties": self._save_parties,
            "content": self._save_content, "commitments": self._save_commitments,
            "follow-up": self._save_follow_up, "signatories": self._save_signatories,
        }.get(step)
        if save is None:  # the review has nothing to save
            return _after(agreement.id, step, _text(form, "go"))
        return await save(request, user, agreement, form)

    async def _refused(self, request: Request, user: CurrentUser, agreement_id: int,
                       slug: str, values: dict, refused: Refusal) -> Template:
        """The step again after a refusal, the typed text kept, with the versions now
        stored (so that pressing the button again saves over a newer version)."""
        fresh = await agreements.agreement(agreement_id)
        if fresh.status != AgreementStatus.draft:
            return registered_page(request, user, fresh, status_code=409)
        return await step_page(request, user, fresh, slug, status_code=refused.status_code,
                               errors=refused.errors, problem=refused.problem,
                               values=_with_current_versions(values, fresh))

    # --- step 1 of a draft --------------------------------------------------------------

    async def _save_basics(self, request, user, agreement, form) -> Response:
        lang = language(request)
        values, errors, fields = await read_basics(form, lang)
        if errors:
            return await step_page(request, user, agreement, "basics", status_code=400,
                                   errors=errors, values=values)
        changed = _changed(fields, agreement)
        try:
            if changed:
                async with write_transaction():
                    await agreements.update_agreement(user.actor, agreement.id,
                                                      AgreementUpdate(**changed),
                                                      expected_version(form))
        except (InvalidInput, Conflict, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement.id, "basics", values,
                                       refusal(exc, lang, BASICS_REFUSALS))
        return _after(agreement.id, "basics", _text(form, "go"))

    # --- step 2: parties ------------------------------------------------------------------

    async def _save_parties(self, request, user, agreement, form) -> Response:
        action = _text(form, "action")
        if action == "add_party":
            return await self._add_party(request, user, agreement, form)
        if action == "new_organization":
            return await self._new_organization(request, user, agreement, form)
        if action == "remove_party":
            return await self._remove_party(request, user, agreement, form)
        return await self._edit_parties(request, user, agreement, form)

    async def _add_party(self, request, user, agreement, form, organization_id=None):
        lang = language(request)
        if organization_id is None:
            text = _text(form, "organization_id")
            if not (text.isascii() and text.isdigit() and len(text) < 12):
                raise NotFound("Organisationen finns inte (organization not found)")
            organization_id = checked_id(int(text))
        organization = await registry.organization(organization_id)
        contact = organization.contacts[0].id if organization.contacts else None
        data = PartyCreate(organization_id=organization.id,
                           role=choice("sv", "organization_kind", organization.kind),
                           primary_contact_id=contact)
        try:
            async with write_transaction():
                await agreements.add_party(user.actor, agreement.id, data)
        except (InvalidInput, Conflict) as exc:
            return await self._refused(request, user, agreement.id, "parties", {},
                                       refusal(exc, lang, {}))
        return _after(agreement.id, "parties", "stay", "rg_party_added", "#parties")

    async def _remove_party(self, request, user, agreement, form) -> Response:
        return await self._remove(request, user, agreement, form, "parties", agreement.parties,
                                  "party_id", agreements.remove_party,
                                  "Parten finns inte (party not found)", "rg_party_removed",
                                  "#parties")

    async def _remove(self, request, user, agreement, form, slug: str, rows: list,
                      id_field: str, remove, missing: str, done: str, anchor: str) -> Response:
        """A step's button that removes one of its rows (the form's id_field names it, a
        missing one is the 404), then back to the step saying `done`."""
        text = _text(form, id_field)
        row = next((r for r in rows if str(r.id) == text), None)
        if row is None:
            raise NotFound(missing)
        try:
            async with write_transaction():
                await remove(user.actor, agreement.id, row.id, _version(form, "version"))
        except (InvalidInput, Conflict, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement.id, slug, {},
                                       refusal(exc, language(request), {}))
        return _after(agreement.id, slug, "stay", done, anchor)

    async def _edit_parties(self, request, user, agreement, form) -> Response:
        lang = language(request)
        go = _text(form, "go")
        contacts = await _contacts(agreement)
        values: dict = {}
        errors: dict[str, str] = {}
        changes: dict[int, dict] = {}
        for party in agreement.parties:
            if f"role-{party.id}" not in form:
                continue  # added since the page was shown
            role = _text(form, f"role-{party.id}")
            contact_text = _text(form, f"contact-{party.id}")
            values.update({f"role-{party.id}": role, f"contact-{party.id}": contact_text,
                           f"version-{party.id}": _text(form, f"version-{party.id}")})
            _too_long(errors, lang, f"role-{party.id}", role, SHORT_MAX)
            try:
                contact = _choice_id(contact_text,
                                     {c.id for c in contacts.get(party.organization.id, [])})
            except ValueError:
                errors[f"contact-{party.id}"] = translate(lang, "rg_choice_invalid")
                continue
            current_contact = party.primary_contact.id if party.primary_contact else None
            change = {}
            if role != party.role:
                change["role"] = role
            if contact != current_contact:
                change["primary_contact_id"] = contact
            if change:
                changes[party.id] = change
        if errors:
            return await step_page(request, user, agreement, "parties", status_code=400,
                                   errors=errors, values=values)
        try:
            async with write_transaction():
                for party_id, change in changes.items():
                    await agreements.update_party(user.actor, agreement.id, party_id,
                                                  PartyUpdate(**change),
                                                  _version(form, f"version-{party_id}"))
        except (InvalidInput, Conflict, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement.id, "parties", values,
                                       refusal(exc, lang, {}))
        if go == "next" and len(agreement.parties) < agreements.MIN_PARTIES:
            fresh = await agreements.agreement(agreement.id)
            return await step_page(request, user, fresh, "parties", status_code=400,
                                   errors={"parties": translate(lang,
                                                                "rg_at_least_two_parties")})
        return _after(agreement.id, "parties", go)

    async def _new_organization(self, request, user, agreement, form) -> Response:
        lang = language(request)
        existing = _text(form, "existing_organization_id")
        if existing:
            # The button beside an org number the registry knows: that organisation instead.
            if not (existing.isascii() and existing.isdigit() and len(existing) < 12):
                raise NotFound("Organisationen finns inte (organization not found)")
            return await self._add_party(request, user, agreement, form,
                                         organization_id=checked_id(int(existing)))
        values = {name: _text(form, name) for name in NEW_ORG_FIELDS}
        errors: dict[str, str] = {}
        known = None
        if not values["org_name"]:
            errors["org_name"] = translate(lang, "rg_org_name_required")
        _too_long(errors, lang, "org_name", values["org_name"], NAME_MAX)
        number, problem = org_number_verdict(values["org_number"])
        if problem:
            errors["org_number"] = translate(lang, problem)
        else:
            known = await _organization_with_number(number)
            if known is not None:
                errors["org_number"] = translate(lang, "rg_org_number_taken", name=known.name)
        kind = _enum(OrganizationKind, values["org_kind"])
        if kind is None:
            errors["org_kind"] = translate(lang, "rg_org_kind_required")
        municipality = values["org_municipality"] or None
        if municipality and municipality not in {m.code for m in await registry.municipalities()}:
            errors["org_municipality"] = translate(lang, "rg_choice_invalid")
        if not values["contact_name"]:
            errors["contact_name"] = translate(lang, "rg_contact_name_required")
        _too_long(errors, lang, "contact_name", values["contact_name"], NAME_MAX)
        if not values["contact_email"]:
            errors["contact_email"] = translate(lang, "rg_contact_email_required")
        elif len(values["contact_email"]) > EMAIL_MAX or not EMAIL.match(values["contact_email"]):
            errors["contact_email"] = translate(lang, "rg_email_invalid")
        data = None
        if not errors:
            try:
                data = OrganizationCreate(
                    name=values["org_name"], kind=kind, org_number=number,
                    municipality_code=municipality,
                    contacts=[ContactCreate(name=values["contact_name"],
                                            email=values["contact_email"])])
            except ValidationError:
                errors["contact_email"] = translate(lang, "rg_email_invalid")
        if errors:
            return await self._new_org_refused(request, user, agreement, values, errors,
                                               known, 400)
        try:
            async with write_transaction():
                created = await registry.create_organization(user.actor, data)
                await agreements.add_party(user.actor, agreement.id, PartyCreate(
                    organization_id=created.id, role=choice("sv", "organization_kind", kind),
                    primary_contact_id=created.contacts[0].id))
        except (InvalidInput, Conflict) as exc:
            refused = refusal(exc, lang, {"org_number": ("org_number", None),
                                          "municipality_code": ("org_municipality",
                                                                "rg_choice_invalid")})
            if refused.errors:
                return await self._new_org_refused(request, user, agreement, values,
                                                   refused.errors, None, refused.status_code)
            return await self._refused(request, user, agreement.id, "parties", {}, refused)
        return _after(agreement.id, "parties", "stay", "rg_party_added", "#parties")

    async def _new_org_refused(self, request, user, agreement, values, errors, known,
                               status_code) -> Template:
        """The parties step with the new organisation's form as typed, its errors beside
        its fields, and – for a known org number – the button to add that one instead."""
        all_values = {**stored_values("parties", agreement, language(request)), **values}
        is_party = known is not None and any(
            p.organization.id == known.id for p in agreement.parties)
        return await step_page(request, user, agreement, "parties", status_code=status_code,
                               errors=errors, values=all_values, known=known,
                               known_is_party=is_party)

    # --- step 3: content -------------------------------------------------------------------

    async def _save_content(self, request, user, agreement, form) -> Response:
        lang = language(request)
        action = _text(form, "action")
        if action in ("remove_focus_area", "remove_goal"):
            return await self._remove_content(request, user, agreement, form, action)
        go = _text(form, "go")
        values = {name: _long_text(form, name) for name in ("purpose", "background",
                                                             "governance", "fa-problem",
                                                             "goal-measured_how")}
        for name in ("version", "fa-title", "goal-title", "goal-focus_area",
                     "goal-indicator", "goal-baseline", "goal-target", "goal-unit"):
            values[name] = _text(form, name)
        errors: dict[str, str] = {}
        for name in ("purpose", "background", "governance", "fa-problem", "goal-measured_how"):
            _too_long(errors, lang, name, values[name], LONG_MAX)
        if values["fa-problem"] and not values["fa-title"]:
            errors["fa-title"] = translate(lang, "rg_focus_area_title_required")
        _too_long(errors, lang, "fa-title", values["fa-title"], TITLE_MAX)
        goal_typed = any(values[name] for name in (
            "goal-title", "goal-focus_area", "goal-indicator", "goal-baseline",
            "goal-target", "goal-unit", "goal-measured_how"))
        if goal_typed and not values["goal-title"]:
            errors["goal-title"] = translate(lang, "rg_goal_title_required")
        _too_long(errors, lang, "goal-title", values["goal-title"], TITLE_MAX)
        _too_long(errors, lang, "goal-unit", values["goal-unit"], UNIT_MAX)
        focus_area = indicator = None
        try:
            focus_area = _choice_id(values["goal-focus_area"],
                                    {f.id for f in agreement.focus_areas})
        except ValueError:
            errors["goal-focus_area"] = translate(lang, "rg_choice_invalid")
        if values["goal-indicator"]:
            try:
                indicator = _choice_id(values["goal-indicator"],
                                       {i.id for i in await situation.indicators()})
            except ValueError:
                errors["goal-indicator"] = translate(lang, "rg_choice_invalid")
        numbers = {}
        for name in ("goal-baseline", "goal-target"):
            try:
                numbers[name] = parse_number(values[name])
            except ValueError:
                errors[name] = translate(lang, "rg_number_invalid")
        goal = None
        if values["goal-title"] and not errors:
            try:
                goal = GoalCreate(title=values["goal-title"], focus_area_id=focus_area,
                                  indicator_id=indicator, baseline=numbers["goal-baseline"],
                                  target=numbers["goal-target"], unit=values["goal-unit"],
                                  measured_how=values["goal-measured_how"])
            except ValidationError as exc:
                for problem in exc.errors():
                    name = {"baseline": "goal-baseline", "target": "goal-target"}.get(
                        str(problem["loc"][0]), "goal-title")
                    errors[name] = translate(lang, "rg_number_invalid"
                                             if name != "goal-title" else "rg_goal_title_required")
        if errors:
            return await step_page(request, user, agreement, "content", status_code=400,
                                   errors=errors, values=values)
        texts = {name: values[name] for name in ("purpose", "background", "governance")}
        changed = _changed(texts, agreement)
        try:
            async with write_transaction():
                if changed:
                    await agreements.update_agreement(user.actor, agreement.id,
                                                      AgreementUpdate(**changed),
                                                      expected_version(form))
                if values["fa-title"]:
                    await agreements.add_focus_area(user.actor, agreement.id, FocusAreaCreate(
                        title=values["fa-title"], problem=values["fa-problem"]))
                if goal is not None:
                    await agreements.add_goal(user.actor, agreement.id, goal)
        except (InvalidInput, Conflict, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement.id, "content", values, refusal(
                exc, lang, {"focus_area_id": ("goal-focus_area", "rg_choice_invalid"),
                            "indicator_id": ("goal-indicator", "rg_choice_invalid")}))
        anchor = "#goals" if goal else ("#focus-areas" if values["fa-title"] else "")
        return _after(agreement.id, "content", go, anchor=anchor)

    async def _remove_content(self, request, user, agreement, form, action) -> Response:
        if action == "remove_goal":
            return await self._remove(request, user, agreement, form, "content",
                                      agreement.goals, "goal_id", agreements.remove_goal,
                                      "Finns inte (not found)", "rg_goal_removed", "#goals")
        return await self._remove(request, user, agreement, form, "content",
                                  agreement.focus_areas, "focus_area_id",
                                  agreements.remove_focus_area, "Finns inte (not found)",
                                  "rg_focus_area_removed", "#focus-areas")

    # --- step 4: commitments -----------------------------------------------------------------

    async def _save_commitments(self, request, user, agreement, form) -> Response:
        lang = language(request)
        go = _text(form, "go")
        contacts = await _contacts(agreement)
        values: dict = {}
        errors: dict[str, str] = {}
        new: list[CommitmentCreate] = []
        for party in agreement.parties:
            keys = {name: f"c-{name}-{party.id}" for name in
                    ("title", "description", "due", "responsible")}
            typed = {name: (_long_text(form, key) if name == "description" else
                            _text(form, key)) for name, key in keys.items()}
            values.update({keys[name]: text for name, text in typed.items()})
            if any(typed.values()) and not typed["title"]:
                errors[keys["title"]] = translate(lang, "rg_commitment_title_required")
            _too_long(errors, lang, keys["title"], typed["title"], TITLE_MAX)
            _too_long(errors, lang, keys["description"], typed["description"], LONG_MAX)
            due = _date_field(errors, lang, keys["due"], typed["due"], required=False)
            responsible = None
            try:
                responsible = _choice_id(typed["responsible"],
                                         {c.id for c in contacts.get(party.organization.id, [])})
            except ValueError:
                errors[keys["responsible"]] = translate(lang, "rg_choice_invalid")
            if typed["title"]:
                new.append(CommitmentCreate(
                    party_id=party.id, title=typed["title"][:TITLE_MAX],
                    description=typed["description"][:LONG_MAX], due_date=due,
                    responsible_contact_id=responsible))
        if errors:
            return await step_page(request, user, agreement, "commitments", status_code=400,
                                   errors=errors, values=values)
        try:
            async with write_transaction():
                for data in new:
                    await agreements.add_commitment(user.actor, agreement.id, data)
        except (InvalidInput, Conflict) as exc:
            return await self._refused(request, user, agreement.id, "commitments", values,
                                       refusal(exc, lang, {}))
        anchor = f"#party-{new[-1].party_id}" if new else ""
        return _after(agreement.id, "commitments", go, anchor=anchor)

    # --- step 5: follow-up -------------------------------------------------------------------

    async def _save_follow_up(self, request, user, agreement, form) -> Response:
        lang = language(request)
        if _text(form, "action") == "remove_follow_up":
            return await self._remove_follow_up(request, user, agreement, form)
        go = _text(form, "go")
        names = ("follow_up_cadence", "version", "fu-date", "fu-time", "fu-location",
                 "fu-kind", "fu-title")
        values = {name: _text(form, name) for name in names}
        errors: dict[str, str] = {}
        cadence = _enum(Cadence, values["follow_up_cadence"])
        if values["follow_up_cadence"] and cadence is None:
            errors["follow_up_cadence"] = translate(lang, "rg_choice_invalid")
        typed = any(values[name] for name in ("fu-date", "fu-time", "fu-location", "fu-title"))
        day = _date_field(errors, lang, "fu-date", values["fu-date"], required=typed)
        start = None
        if values["fu-time"]:
            try:
                start = time.fromisoformat(values["fu-time"])
                if start.tzinfo is not None or len(values["fu-time"]) > 8:
                    raise ValueError(values["fu-time"])
            except ValueError:
                errors["fu-time"] = translate(lang, "rg_time_invalid")
        kind = _enum(FollowUpKind, values["fu-kind"])
        if typed and kind is None:
            errors["fu-kind"] = translate(lang, "rg_follow_up_kind_required")
        _too_long(errors, lang, "fu-location", values["fu-location"], SHORT_MAX)
        _too_long(errors, lang, "fu-title", values["fu-title"], SHORT_MAX)
        if errors:
            return await step_page(request, user, agreement, "follow-up", status_code=400,
                                   errors=errors, values=values)
        try:
            async with write_transaction():
                if cadence != agreement.follow_up_cadence:
                    await agreements.update_agreement(
                        user.actor, agreement.id, AgreementUpdate(follow_up_cadence=cadence),
                        expected_version(form))
                if day is not None:
                    await agreements.add_follow_up(user.actor, agreement.id, FollowUpCreate(
                        date=day, kind=kind, title=values["fu-title"], start_time=start,
                        location=values["fu-location"]))
        except (InvalidInput, Conflict, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement.id, "follow-up", values,
                                       refusal(exc, lang, {}))
        return _after(agreement.id, "follow-up", go, anchor="#follow-ups" if day else "")

    async def _remove_follow_up(self, request, user, agreement, form) -> Response:
        return await self._remove(request, user, agreement, form, "follow-up",
                                  agreement.follow_ups, "follow_up_id",
                                  agreements.remove_follow_up,
                                  "Uppföljningen finns inte (follow-up not found)",
                                  "rg_follow_up_removed", "#follow-ups")

    # --- step 6: signatories ---------------------------------------------------------------

    async def _save_signatories(self, request, user, agreement, form) -> Response:
        lang = language(request)
        go = _text(form, "go")
        values: dict = {}
        errors: dict[str, str] = {}
        changes: dict[int, PartyUpdate] = {}
        for party in agreement.parties:
            if f"s-name-{party.id}" not in form:
                continue  # added since the page was shown
            keys = {name: f"s-{name}-{party.id}" for name in ("name", "title", "email",
                                                              "method")}
            typed = {name: _text(form, key) for name, key in keys.items()}
            values.update({keys[name]: text for name, text in typed.items()})
            values[f"version-{party.id}"] = _text(form, f"version-{party.id}")
            _too_long(errors, lang, keys["name"], typed["name"], NAME_MAX)
            _too_long(errors, lang, keys["title"], typed["title"], SHORT_MAX)
            if typed["email"] and (len(typed["email"]) > EMAIL_MAX
                                   or not EMAIL.match(typed["email"])):
                errors[keys["email"]] = translate(lang, "rg_email_invalid")
            method = _enum(SignatureMethod, typed["method"])
            if typed["method"] and method is None:
                errors[keys["method"]] = translate(lang, "rg_choice_invalid")
            wanted = {"signatory_name": typed["name"] or None,
                      "signatory_title": typed["title"] or None,
                      "signatory_email": typed["email"] or None,
                      "signature_method": method}
            change = {k: v for k, v in wanted.items() if getattr(party, k) != v}
            if change and not any(key in errors for key in keys.values()):
                try:
                    changes[party.id] = PartyUpdate(**change)
                except ValidationError:
                    errors[keys["email"]] = translate(lang, "rg_email_invalid")
        if errors:
            return await step_page(request, user, agreement, "signatories", status_code=400,
                                   errors=errors, values=values)
        try:
            async with write_transaction():
                for party_id, change in changes.items():
                    await agreements.update_party(user.actor, agreement.id, party_id, change,
                                                  _version(form, f"version-{party_id}"))
        except (InvalidInput, Conflict, PreconditionFailed) as exc:
            return await self._refused(request, user, agreement.id, "signatories", values,
                                       refusal(exc, lang, {}))
        return _after(agreement.id, "signatories", go)


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [RegistrationPages]
