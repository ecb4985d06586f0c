"""The portal's pages (Jinja, server-rendered) under /portal: sign-in by e-mailed link, the
partner's agreements, its own commitments, its inputs to the lägesbild and the joint picture,
and its own details.

Every page works without JavaScript; htmx only saves a page load on the commitment forms.
Who is signed in comes from the portal's session cookie; without a session every page but
sign-in answers 303 to /portal/login. What is not the partner's answers the same 404 page
as what does not exist, for every route and every id a form carries.
"""

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from samverkan import clock
from samverkan.agreements.schemas import ProgressReportCreate
from samverkan.agreements.tables import ReportedStatus
from samverkan.db import write_transaction
from samverkan.documents import service as documents
from samverkan.errors import (
    Conflict,
    InvalidInput,
    PreconditionFailed,
)
from samverkan.portal import access, service
from samverkan.portal.access import LinkInvalid, PortalContact
from samverkan.registry.schemas import Language
from samverkan.settings import get_settings
from samverkan.situation.schemas import InputWrite, ValueInput
from samverkan.web.forms import (
    COMMENT_MAX,
    EMAIL,
    EMAIL_MAX,
    JOB_TITLE_MAX,
    LONG_MAX,
    NAME_MAX,
    PHONE,
    check_text,
    checked_id,
    expected_version,
    parse_date,
    query_id,
)
from samverkan.web.i18n import LANGUAGE_COOKIE, choose_language, translate
from samverkan.web.routes import switch_language
from samverkan.web.templating import page

TEMPLATES = Path(__file__).parent / "templates" / "pages"
# Ids are checked in the handlers: one outside what a row can have is the same 404 as a
# missing row (PathId would answer 400).
Id = Annotated[int, PathParameter()]
Token = Annotated[str, PathParameter()]
SignedIn = NamedDependency[PortalContact]
LOGIN = "/portal/login"
HOME = "/portal/"

# What a page says after a form sent the browser back to it (303 ?done=…).
_NOTICES = {
    "confirmed": "confirmed_notice",
    "declined": "declined_notice",
    "reported": "reported_notice",
    "saved": "saved_notice",
    "input_saved": "input_saved_notice",
    "input_submitted": "input_submitted_notice",
    "logged_out": "logged_out",
    "signed_out": "session_ended",
}


class NotSignedIn(Exception):
    """No live portal session: the page sends the visitor to sign in."""


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _session_cookie(request: Request) -> str:
    return request.cookies.get(get_settings().portal_cookie_name, "")


async def signed_in_contact(request: Request) -> PortalContact:
    contact = await access.contact_for_session(_session_cookie(request))
    if contact is None:
        raise NotSignedIn()
    return contact


def _to_login(request: Request, _: NotSignedIn) -> Response:
    response = Redirect(LOGIN, status_code=303)
    if _session_cookie(request):
        # An ended session's cookie opens nothing; let the browser forget it.
        response.delete_cookie(get_settings().portal_cookie_name, path="/portal")
    return response


def _session_cookie_for(value: str) -> Cookie:
    settings = get_settings()
    return Cookie(key=settings.portal_cookie_name, value=value, path="/portal", httponly=True,
                  samesite="lax", secure=settings.portal_cookies_secure)






def _notice(request: Request, lang: str) -> str | None:
    key = _NOTICES.get(request.query_params.get("done", ""))
    return translate(lang, key) if key else None




async def _page(request: Request, contact: PortalContact, template: str, *,
                status_code: int = 200, **context: Any) -> Template:
    lang = choose_language(request, contact.language)
    organization = await service.organization_name(contact)
    context.setdefault("notice", _notice(request, lang))
    return page(request, f"portal/{template}", lang=lang, status_code=status_code,
                contact=contact, organization=organization, **context)


def _public_page(request: Request, template: str, *, status_code: int = 200,
                 **context: Any) -> Template:
    lang = choose_language(request)
    context.setdefault("notice", _notice(request, lang))
    return page(request, f"portal/{template}", lang=lang, status_code=status_code, **context)


# --- signing in and out ----------------------------------------------------------------------


class SignInPages(Controller):
    """Pages for visitors without a session: ask for a link, use a link."""

    include_in_schema = False

    @get("/login")
    async def login_form(self, request: Request) -> Response:
        if await access.contact_for_session(_session_cookie(request)) is not None:
            return Redirect(HOME, status_code=303)
        sent = request.query_params.get("sent") == "1"
        return _public_page(request, "login.html", sent=sent, errors={}, values={},
                            link_minutes=get_settings().portal_link_minutes)

    @post("/login")
    async def request_link(self, request: Request) -> Response:
        form = await request.form()
        email = str(form.get("email", "")).strip()
        error = None
        if not email:
            error = "email_required"
        elif len(email) > EMAIL_MAX or not EMAIL.match(email):
            error = "email_invalid"
        if error:
            lang = choose_language(request)
            return _public_page(request, "login.html", status_code=400, sent=False,
                                errors={"email": translate(lang, error)},
                                values={"email": email},
                                link_minutes=get_settings().portal_link_minutes)
        async with write_transaction():
            await access.request_link(email, _client(request))
        # The same answer whether the address is known or not.
        return Redirect(f"{LOGIN}?sent=1", status_code=303)

    @get("/link/{token:str}")
    async def link_page(self, request: Request, token: Token) -> Template:
        """Mail scanners open links: a GET shows a button and uses nothing up."""
        return _public_page(request, "link.html", action=request.url.path)

    @post("/link/{token:str}")
    async def use_link(self, request: Request, token: Token) -> Response:
        try:
            contact, cookie_value, agreement_id = await access.redeem(token, _client(request))
        except LinkInvalid:
            return _public_page(request, "link_invalid.html", status_code=400)
        previous = _session_cookie(request)
        if previous:
            async with write_transaction():
                await access.logout(previous)
        target = f"/portal/agreements/{agreement_id}" if agreement_id else HOME
        return Redirect(target, status_code=303, cookies=[_session_cookie_for(cookie_value)])

    @post("/logout")
    async def logout(self, request: Request) -> Response:
        cookie_value = _session_cookie(request)
        if cookie_value:
            async with write_transaction():
                await access.logout(cookie_value)
        response = Redirect(f"{LOGIN}?done=logged_out", status_code=303)
        response.delete_cookie(get_settings().portal_cookie_name, path="/portal")
        return response


# --- the partner's pages -----------------------------------------------------------------------


class PartnerPages(Controller):
    """Pages for a signed-in contact: only its organisation's agreements and commitments."""

    include_in_schema = False
    dependencies = {"contact": Provide(signed_in_contact)}

    @get("/")
    async def home(self, request: Request, contact: SignedIn) -> Template:
        overviews = await service.my_agreements(contact)
        return await _page(request, contact, "home.html", overviews=overviews,
                           today=clock.today(), current="home")

    @get("/agreements/{agreement_id:int}")
    async def agreement(self, request: Request, contact: SignedIn,
                        agreement_id: Id) -> Template:
        view = await service.partner_agreement(contact, checked_id(agreement_id))
        return await _page(request, contact, "agreement.html", view=view,
                           agreement=view.agreement, today=clock.today(), current="home")

    @get("/agreements/{agreement_id:int}/document.pdf", media_type="application/pdf")
    async def agreement_document(self, request: Request, contact: SignedIn,
                                 agreement_id: Id) -> Response[bytes]:
        """The printed agreement, after the same check as the agreement page."""
        await service.visible_agreement(contact, checked_id(agreement_id))
        variant = "ua" if request.query_params.get("variant") == "ua" else "a3b"
        lang = choose_language(request, contact.language)
        document = await documents.describe(agreement_id, lang, variant)
        body = await documents.pdf(document)
        return Response(body, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
        })

    @get("/commitments/{commitment_id:int}")
    async def commitment(self, request: Request, contact: SignedIn,
                         commitment_id: Id) -> Template:
        view = await service.partner_commitment(contact, checked_id(commitment_id))
        return await self._commitment_page(request, contact, view)

    async def _commitment_page(self, request: Request, contact: PortalContact, view,
                               *, status_code: int = 200, errors: dict | None = None,
                               values: dict | None = None, problem: str | None = None,
                               form: str | None = None) -> Template:
        today = clock.today()
        return await _page(
            request, contact, "commitment.html", status_code=status_code, view=view,
            commitment=view.commitment, agreement=view.agreement, errors=errors or {},
            values=values or {}, problem=problem, form=form, today=today,
            reported_statuses=[s.value for s in ReportedStatus], current="home",
        )

    async def _refused(self, request: Request, contact: PortalContact, commitment_id: int,
                       exc: Exception, form_name: str, values: dict,
                       field_messages: dict[str, str]) -> Template:
        """The commitment page again, with the typed text kept and the refusal explained."""
        lang = choose_language(request, contact.language)
        view = await service.partner_commitment(contact, commitment_id)
        if isinstance(exc, InvalidInput) and exc.field in field_messages:
            return await self._commitment_page(
                request, contact, view, status_code=400, form=form_name, values=values,
                errors={exc.field: translate(lang, field_messages[exc.field])},
            )
        if isinstance(exc, PreconditionFailed):
            problem = "commitment_changed"
        elif view.closed:
            problem = "agreement_closed"
        else:
            problem = "not_answerable"
        return await self._commitment_page(request, contact, view, status_code=409,
                                           form=form_name, values=values,
                                           problem=translate(lang, problem))

    async def _respond(self, request: Request, contact: PortalContact, commitment_id: int,
                       *, confirm: bool) -> Response:
        commitment_id = checked_id(commitment_id)
        form = await request.form()
        comment = str(form.get("comment", "")).strip()
        form_name = "confirm" if confirm else "decline"
        values = {"comment": comment}
        error = None
        if not confirm and not comment:
            error = "comment_required"
        elif len(comment) > COMMENT_MAX:
            error = "comment_too_long"
        if error:
            # Checked against the partner's own commitments first: a foreign id is a 404.
            view = await service.partner_commitment(contact, commitment_id)
            lang = choose_language(request, contact.language)
            return await self._commitment_page(
                request, contact, view, status_code=400, form=form_name, values=values,
                errors={"comment": translate(lang, error, max=COMMENT_MAX)},
            )
        try:
            async with write_transaction():
                if confirm:
                    await service.confirm(contact, commitment_id, comment, expected_version(form))
                else:
                    await service.decline(contact, commitment_id, comment, expected_version(form))
        except (Conflict, InvalidInput, PreconditionFailed) as exc:
            return await self._refused(request, contact, commitment_id, exc, form_name, values,
                                       {"comment": "comment_required"})
        done = "confirmed" if confirm else "declined"
        return Redirect(f"/portal/commitments/{commitment_id}?done={done}", status_code=303)

    @post("/commitments/{commitment_id:int}/confirm")
    async def confirm(self, request: Request, contact: SignedIn,
                      commitment_id: Id) -> Response:
        return await self._respond(request, contact, commitment_id, confirm=True)

    @post("/commitments/{commitment_id:int}/decline")
    async def decline(self, request: Request, contact: SignedIn,
                      commitment_id: Id) -> Response:
        return await self._respond(request, contact, commitment_id, confirm=False)

    @post("/commitments/{commitment_id:int}/reports")
    async def report(self, request: Request, contact: SignedIn,
                     commitment_id: Id) -> Response:
        commitment_id = checked_id(commitment_id)
        lang = choose_language(request, contact.language)
        form = await request.form()
        values = {name: str(form.get(name, "")).strip() for name in ("status", "note", "as_of")}
        values["note"] = str(form.get("note", ""))
        errors = {}
        today = clock.today()
        if values["status"] not in {s.value for s in ReportedStatus}:
            errors["status"] = translate(lang, "status_required")
        check_text(errors, lang, "note", values["note"], LONG_MAX, too_long="note_too_long")
        as_of = parse_date(values["as_of"])
        if as_of is None:
            errors["as_of"] = translate(lang, "date_invalid", example=today.isoformat())
        elif as_of > today:
            errors["as_of"] = translate(lang, "date_in_future")
        if errors:
            view = await service.partner_commitment(contact, commitment_id)
            return await self._commitment_page(request, contact, view, status_code=400,
                                               form="report", values=values, errors=errors)
        data = ProgressReportCreate(status=values["status"], note=values["note"].strip(),
                                    as_of=as_of)
        try:
            async with write_transaction():
                await service.report(contact, commitment_id, data)
        except (Conflict, InvalidInput, PreconditionFailed) as exc:
            return await self._refused(request, contact, commitment_id, exc, "report", values,
                                       {"as_of": "date_in_future", "status": "status_required",
                                        "note": "note_too_long"})
        return Redirect(f"/portal/commitments/{commitment_id}?done=reported", status_code=303)

    # --- the lägesbild ---------------------------------------------------------------------

    @get("/rounds/{round_id:int}")
    async def round_input(self, request: Request, contact: SignedIn, round_id: Id) -> Template:
        """The party's input to a round: a form while it may change, else what was sent."""
        view = await service.partner_round(contact, checked_id(round_id))
        lang = choose_language(request, contact.language)
        return await self._round_page(request, contact, view, stored_form(view, lang))

    async def _round_page(self, request: Request, contact: PortalContact,
                          view: service.PartnerRound, form: "InputForm", *,
                          status_code: int = 200, problem: str | None = None) -> Template:
        return await _page(
            request, contact, "round.html", status_code=status_code, view=view,
            round=view.round, agreement=view.agreement, values=form.values,
            internal=form.internal, rows=form.rows, errors=form.errors, problem=problem,
            today=clock.today(), current="home",
        )

    @post("/rounds/{round_id:int}")
    async def save_round_input(self, request: Request, contact: SignedIn,
                               round_id: Id) -> Response:
        """Save the input as a draft ("Spara utkast"), or save and submit it ("Skicka in")."""
        round_id = checked_id(round_id)
        # Checked against the partner's own rounds before the form is read: a foreign id
        # is a 404 whatever the form holds.
        view = await service.partner_round(contact, round_id)
        lang = choose_language(request, contact.language)
        form = await request.form()
        submit = str(form.get("action", "")) == "submit"
        typed = read_input_form(view, form, lang)
        if not view.editable:
            problem = "round_closed_notice" if view.closed else "input_not_editable"
            return await self._round_page(request, contact, view, stored_form(view, lang),
                                          status_code=409, problem=translate(lang, problem))
        if typed.errors:
            return await self._round_page(request, contact, view, typed, status_code=400)
        try:
            async with write_transaction():
                await service.save_input(contact, round_id, typed.data, expected_version(form),
                                         submit=submit)
        except (Conflict, InvalidInput, PreconditionFailed) as exc:
            view = await service.partner_round(contact, round_id)
            if isinstance(exc, InvalidInput):
                status_code, problem = 400, "input_refused"
            elif isinstance(exc, PreconditionFailed):
                status_code, problem = 409, "input_changed"
                # Pressing the button again saves what is typed over the newer version.
                typed.values["version"] = str(view.input.version) if view.input else ""
            else:
                status_code = 409
                problem = "round_closed_notice" if view.closed else "input_not_editable"
            form_state = typed if view.editable else stored_form(view, lang)
            return await self._round_page(request, contact, view, form_state,
                                          status_code=status_code,
                                          problem=translate(lang, problem))
        done = "input_submitted" if submit else "input_saved"
        return Redirect(f"/portal/rounds/{round_id}?done={done}", status_code=303)

    @get("/agreements/{agreement_id:int}/situation")
    async def joint_picture(self, request: Request, contact: SignedIn,
                            agreement_id: Id) -> Template:
        """The joint picture of a round (?round=ID; the latest by default) as the partner's
        organisation sees it: what is shared, and its own internal inputs."""
        agreement_id = checked_id(agreement_id)
        round_id = query_id(request, "round")
        lang = choose_language(request, contact.language)
        view = await service.partner_picture(contact, agreement_id, round_id, lang)
        return await _page(request, contact, "situation.html", view=view,
                           agreement=view.agreement, picture=view.picture, current="home")

    @get("/profile")
    async def profile(self, request: Request, contact: SignedIn) -> Template:
        details = await service.profile(contact)
        values = {"name": details.name, "title": details.title or "",
                  "phone": details.phone or "", "language": details.language.value,
                  "version": details.version}
        return await _page(request, contact, "profile.html", details=details,
                           values=values, errors={}, problem=None, current="profile")

    @post("/profile")
    async def save_profile(self, request: Request, contact: SignedIn) -> Response:
        lang = choose_language(request, contact.language)
        form = await request.form()
        values = {name: str(form.get(name, "")).strip()
                  for name in ("name", "title", "phone", "language", "version")}
        errors = {}
        check_text(errors, lang, "name", values["name"], NAME_MAX, required="name_required",
                   too_long="name_too_long")
        check_text(errors, lang, "title", values["title"], JOB_TITLE_MAX,
                   too_long="title_too_long")
        if values["phone"] and not PHONE.match(values["phone"]):
            errors["phone"] = translate(lang, "phone_invalid")
        if values["language"] not in {language.value for language in Language}:
            errors["language"] = translate(lang, "language_required")
        problem = None
        if not errors:
            try:
                async with write_transaction():
                    await service.update_profile(
                        contact, name=values["name"], title=values["title"] or None,
                        phone=values["phone"] or None, language=values["language"],
                        expected=expected_version(form),
                    )
            except PreconditionFailed:
                problem = translate(lang, "changed_meanwhile")
            else:
                response = Redirect("/portal/profile?done=saved", status_code=303)
                # A language chosen here is as explicit as the header's switch: the switch's
                # cookie must not go on overruling it.
                response.delete_cookie(LANGUAGE_COOKIE, path="/")
                return response
        details = await service.profile(contact)
        if problem:
            values["version"] = details.version
        return await _page(request, contact, "profile.html", status_code=409 if problem else 400,
                           details=details, values=values, errors=errors, problem=problem,
                           current="profile")




# --- the form of a party's input -----------------------------------------------------------

PLACE_MAX = 200
OBSERVATIONS_MAX = 20_000
# Empty place rows a form offers beyond those filled in; saving the draft offers more.
EXTRA_PLACE_ROWS = 2
# Place rows read per indicator: a form can carry no more (the schema's limit is far above).
MAX_PLACE_ROWS = 100
# ASCII digits only: int() and float() would read other scripts' digits too.
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$", re.ASCII)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$", re.ASCII)
_ROW_FIELD = re.compile(r"^(?:place|amount)-(\d{1,10})-(\d{1,3})$", re.ASCII)


def parse_number(text: str) -> float | None:
    """A number as people type it: "12,5" or "12.5", "-3", "1 200"; None when empty.
    ValueError for anything else (also "1.200,5", exponents, infinities)."""
    cleaned = text.strip().replace("\u2212", "-")
    for space in ("\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, " ")
    if not cleaned:
        return None
    if len(cleaned) > 40 or not (_NUMBER.match(cleaned) or _GROUPED.match(cleaned)):
        raise ValueError(text)
    value = float(cleaned.replace(" ", "").replace(",", "."))
    if not math.isfinite(value) or abs(value) >= 1e300:
        raise ValueError(text)
    return value


def typed_number(value: float | None, lang: str) -> str:
    """A stored value as it goes back into a field: no exponent, no grouping, the page's
    decimal mark (so that saving again reads the same number)."""
    if value is None:
        return ""
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "sv" else text


@dataclass
class InputForm:
    """The input form as shown: the text of each field, the box, how many place rows each
    indicator gets, the errors by field name – and, when it was read without errors, the
    input to save."""

    values: dict[str, str]
    internal: bool
    rows: dict[int, int]
    errors: dict[str, str] = field(default_factory=dict)
    data: InputWrite | None = None


def _indicator_name(indicator, lang: str) -> str:
    return indicator.name_en if lang == "en" else indicator.name_sv


def stored_form(view: service.PartnerRound, lang: str) -> InputForm:
    """The form filled in with the input as stored (empty when there is none)."""
    current = view.input
    values = {"observations": current.observations if current else "",
              "version": str(current.version) if current else ""}
    rows = {}
    for indicator in view.indicators:
        whole, places = view.values_of(indicator.id)
        values[f"value-{indicator.id}"] = typed_number(whole, lang)
        for k, (place, value) in enumerate(places):
            values[f"place-{indicator.id}-{k}"] = place
            values[f"amount-{indicator.id}-{k}"] = typed_number(value, lang)
        rows[indicator.id] = len(places) + EXTRA_PLACE_ROWS
    return InputForm(values=values, internal=bool(current and current.internal), rows=rows)


def read_input_form(view: service.PartnerRound, form: Any, lang: str) -> InputForm:
    """The posted form, checked field by field. Only the indicators the page shows are read:
    any other field, such as an edited-in party or indicator, is ignored."""
    observations = str(form.get("observations", "")).replace("\r\n", "\n")
    values = {"observations": observations, "version": str(form.get("version", "")).strip()}
    errors: dict[str, str] = {}
    written: list[ValueInput] = []
    posted: dict[int, int] = {}
    for key in form.keys():
        match = _ROW_FIELD.match(key)
        if match and int(match.group(2)) < MAX_PLACE_ROWS:
            indicator_id, row = int(match.group(1)), int(match.group(2))
            posted[indicator_id] = max(posted.get(indicator_id, 0), row + 1)
    rows = {}
    for indicator in view.indicators:
        i, name = indicator.id, _indicator_name(indicator, lang)
        key = f"value-{i}"
        values[key] = str(form.get(key, ""))
        try:
            whole = parse_number(values[key])
        except ValueError:
            errors[key] = translate(lang, "value_invalid", indicator=name)
        else:
            if whole is not None:
                written.append(ValueInput(indicator_id=i, value=whole))
        seen: set[str] = set()
        filled = 0
        for k in range(posted.get(i, 0)):
            place_key, amount_key = f"place-{i}-{k}", f"amount-{i}-{k}"
            values[place_key] = str(form.get(place_key, ""))
            values[amount_key] = str(form.get(amount_key, ""))
            place = " ".join(values[place_key].split())
            if not place and not values[amount_key].strip():
                continue
            filled += 1
            shown = place or translate(lang, "place_n", n=k + 1)
            try:
                amount = parse_number(values[amount_key])
            except ValueError:
                amount = None
                errors[amount_key] = translate(lang, "place_value_invalid", place=shown,
                                               indicator=name)
            if not place:
                errors[place_key] = translate(lang, "place_required", row=k + 1, indicator=name)
            elif len(place) > PLACE_MAX:
                errors[place_key] = translate(lang, "place_too_long", max=PLACE_MAX, row=k + 1,
                                              indicator=name)
            elif place.casefold() in seen:
                errors[place_key] = translate(lang, "place_twice", place=place, indicator=name)
            elif amount is None and amount_key not in errors:
                errors[amount_key] = translate(lang, "place_value_required", place=place,
                                               indicator=name)
            seen.add(place.casefold())
            if place_key not in errors and amount_key not in errors:
                written.append(ValueInput(indicator_id=i, place=place, value=amount))
        rows[i] = max(posted.get(i, 0), filled + EXTRA_PLACE_ROWS)
    if len(observations) > OBSERVATIONS_MAX:
        errors["observations"] = translate(lang, "observations_too_long", max=OBSERVATIONS_MAX)
    internal = str(form.get("internal", "")) in ("1", "on", "true")
    typed = InputForm(values=values, internal=internal, rows=rows, errors=errors)
    if not errors:
        typed.data = InputWrite(internal=internal, observations=observations.strip(),
                                values=written)
    return typed


portal_router = Router(
    path="/portal",
    route_handlers=[SignInPages, PartnerPages, switch_language],
    exception_handlers={NotSignedIn: _to_login},
    include_in_schema=False,
)
