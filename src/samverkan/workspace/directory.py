"""Organisations and their contacts: find, read, add and change them.

Everyone signed in reads; coordinators and admins change (a viewer's form is the 403 page).
The rules are the registry's (registry.service): an org number is checked (Luhn, digits 3–4
at least 20) and unique – a duplicate is explained with a link to the organisation that
has it; a change made since the form was opened is refused (409) and the typed text kept.
"""

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from pydantic import ValidationError
from stdnum.exceptions import InvalidChecksum
from stdnum.se import orgnr

from samverkan.accounts.service import CurrentUser
from samverkan.agreements import service as agreements
from samverkan.db import write_transaction
from samverkan.errors import Conflict, InvalidInput, PreconditionFailed
from samverkan.registry import service as registry
from samverkan.registry.schemas import (
    ContactCreate,
    ContactRead,
    ContactUpdate,
    OrganizationCreate,
    OrganizationRead,
    OrganizationSummary,
    OrganizationUpdate,
)
from samverkan.registry.tables import Language, OrganizationKind
from samverkan.schemas import normalise_org_number
from samverkan.web.forms import (
    EMAIL_MAX,
    JOB_TITLE_MAX,
    NAME_MAX,
    check_text,
    checked_id,
    expected_version,
)
from samverkan.web.i18n import choice, choose_language, translate
from samverkan.workspace.pages import NOTICES, SIGNED_IN, SignedIn, may_write, workspace_page

Id = Annotated[int, PathParameter()]
ORGANIZATIONS = "/workspace/organizations"
PAGE_SIZE = 25
# The agreements an organisation's page lists; the agreements list shows them all.
AGREEMENTS_SHOWN = 50
Q_MAX = 200
LANGUAGES = [language.value for language in Language]
KINDS = [kind.value for kind in OrganizationKind]

NOTICES.update({
    "dr_org_created": "dr_org_created_notice",
    "dr_org_saved": "dr_org_saved_notice",
    "dr_contact_added": "dr_contact_added_notice",
    "dr_contact_saved": "dr_contact_saved_notice",
})


def page_number(request: Request) -> int:
    """?page=N, 1 for anything that is not a page number."""
    text = request.query_params.get("page", "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 and \
        int(text) > 0 else 1


def page_links(base: str, params: dict[str, str], page: int, pages: int) -> dict[str, Any]:
    """The previous and next page's URLs (None at either end) with the same filters."""
    kept = {name: value for name, value in params.items() if value}

    def url(number: int) -> str:
        query = urlencode({**kept, "page": number} if number > 1 else kept)
        return f"{base}?{query}" if query else base

    return {"page": page, "pages": pages,
            "previous": url(page - 1) if page > 1 else None,
            "next": url(page + 1) if page < pages else None}


def org_number_problem(text: str) -> str:
    """The message key saying what is wrong with a number normalise_org_number refused."""
    try:
        orgnr.validate(text)
    except InvalidChecksum:
        return "dr_org_number_checksum"
    except Exception:  # InvalidLength, InvalidFormat: not ten digits
        return "dr_org_number_format"
    return "dr_org_number_personal"


def _kind_choices(lang: str) -> list[tuple[str, str]]:
    return [(kind, choice(lang, "organization_kind", kind)) for kind in KINDS]


async def _municipality_choices() -> list[tuple[str, str]]:
    return [(m.code, m.name) for m in sorted(await registry.municipalities(),
                                            key=lambda m: m.name)]


async def _municipality_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return {m.code: m.name for m in await registry.municipalities() if m.code in codes}


# --- organisations -----------------------------------------------------------------------


def _organization_values(organization: OrganizationRead | None) -> dict[str, str]:
    if organization is None:
        return {"name": "", "kind": "", "org_number": "", "municipality_code": "",
                "version": ""}
    return {"name": organization.name, "kind": organization.kind.value,
            "org_number": organization.org_number,
            "municipality_code": organization.municipality_code or "",
            "version": str(organization.version)}


def _read_organization(form: Any, lang: str) -> tuple[dict[str, str], dict[str, str], dict]:
    """The typed values, the errors by field, and (without errors) the fields to save."""
    values = {name: str(form.get(name, "")).strip()
              for name in ("name", "kind", "org_number", "municipality_code", "version")}
    errors: dict[str, str] = {}
    check_text(errors, lang, "name", values["name"], NAME_MAX, required="dr_org_name_required",
               too_long="dr_name_too_long")
    number = None
    if not values["org_number"]:
        errors["org_number"] = translate(lang, "dr_org_number_required")
    elif len(values["org_number"]) > 20:
        errors["org_number"] = translate(lang, "dr_org_number_format")
    else:
        try:
            number = normalise_org_number(values["org_number"])
        except ValueError:
            errors["org_number"] = translate(lang, org_number_problem(values["org_number"]))
    if values["kind"] not in KINDS:
        errors["kind"] = translate(lang, "dr_org_kind_required")
    code = values["municipality_code"]
    if code and not (len(code) == 4 and code.isascii() and code.isdigit()):
        errors["municipality_code"] = translate(lang, "dr_municipality_unknown")
    data = {"name": values["name"], "kind": values["kind"], "org_number": number,
            "municipality_code": code or None}
    return values, errors, data


async def _holder_of(number: str, except_id: int | None) -> OrganizationSummary | None:
    found, _ = await registry.organizations(None, None, number, 1, 0)
    return next((o for o in found if o.id != except_id), None)


class OrganizationPages(Controller):
    """The organisation register: a searchable list, each organisation's page, its forms."""

    path = "/organizations"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get("/")
    async def organizations(self, request: Request, user: SignedIn) -> Template:
        lang = choose_language(request)
        q = request.query_params.get("q", "").strip()[:Q_MAX]
        kind = request.query_params.get("kind", "")
        kind = kind if kind in KINDS else ""
        page = page_number(request)
        text, number = q or None, None
        if q:
            try:
                # A number typed with or without its hyphen finds its organisation.
                number, text = normalise_org_number(q), None
            except ValueError:
                pass
        found, total = await registry.organizations(text, kind or None, number, PAGE_SIZE,
                                                    (page - 1) * PAGE_SIZE)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        names = await _municipality_names({o.municipality_code for o in found
                                           if o.municipality_code})
        return workspace_page(
            request, user, "organizations.html", current="organizations", q=q, kind=kind,
            kinds=_kind_choices(lang), organizations=found, total=total,
            municipality_names=names,
            pager=page_links(ORGANIZATIONS, {"q": q, "kind": kind}, page, pages),
            searched=bool(q or kind),
        )

    @get("/{organization_id:int}")
    async def organization(self, request: Request, user: SignedIn,
                           organization_id: Id) -> Template:
        organization = await registry.organization(checked_id(organization_id))
        found, total = await agreements.agreements(
            statuses=[], kind=None, municipality_code=None, organization_id=organization.id,
            ending_before=None, text=None, sort="-period_start", limit=AGREEMENTS_SHOWN,
            offset=0,
        )
        names = await _municipality_names(
            {organization.municipality_code} if organization.municipality_code else set()
        )
        return workspace_page(
            request, user, "organization.html", current="organizations",
            organization=organization, agreements=found, agreements_total=total,
            municipality=names.get(organization.municipality_code or ""),
        )

    async def _form(self, request: Request, user: CurrentUser, *,
                    organization: OrganizationRead | None, values: dict[str, str],
                    errors: dict[str, str] | None = None, status_code: int = 200,
                    problem: str | None = None,
                    duplicate: OrganizationSummary | None = None) -> Template:
        lang = choose_language(request)
        return workspace_page(
            request, user, "organization_form.html", status_code=status_code,
            current="organizations", organization=organization, values=values,
            errors=errors or {}, problem=problem, duplicate=duplicate,
            kinds=_kind_choices(lang), municipalities=await _municipality_choices(),
        )

    @get("/new")
    async def new_organization(self, request: Request, user: SignedIn) -> Template:
        may_write(user)
        return await self._form(request, user, organization=None,
                                values=_organization_values(None))

    @post("/new")
    async def create_organization(self, request: Request, user: SignedIn) -> Response:
        may_write(user)
        lang = choose_language(request)
        values, errors, data = _read_organization(await request.form(), lang)
        if errors:
            return await self._form(request, user, organization=None, values=values,
                                    errors=errors, status_code=400)
        try:
            async with write_transaction():
                created = await registry.create_organization(
                    user.actor, OrganizationCreate(**data))
        except (Conflict, InvalidInput) as exc:
            return await self._refused(request, user, None, values, exc, data["org_number"])
        return Redirect(f"{ORGANIZATIONS}/{created.id}?done=dr_org_created", status_code=303)

    async def _refused(self, request: Request, user: CurrentUser,
                       organization: OrganizationRead | None, values: dict[str, str],
                       exc: Exception, number: str) -> Template:
        """The form again with what the registry refused next to its field."""
        lang = choose_language(request)
        if isinstance(exc, Conflict):
            holder = await _holder_of(number, organization.id if organization else None)
            message = translate(lang, "dr_org_number_taken", number=number)
            return await self._form(request, user, organization=organization, values=values,
                                    errors={"org_number": message}, status_code=409,
                                    duplicate=holder)
        field = getattr(exc, "field", None) or "name"
        key = "dr_municipality_unknown" if field == "municipality_code" else "dr_refused"
        return await self._form(request, user, organization=organization, values=values,
                                errors={field if field in values else "name":
                                        translate(lang, key)},
                                status_code=400)

    @get("/{organization_id:int}/edit")
    async def edit_organization(self, request: Request, user: SignedIn,
                                organization_id: Id) -> Template:
        may_write(user)
        organization = await registry.organization(checked_id(organization_id))
        return await self._form(request, user, organization=organization,
                                values=_organization_values(organization))

    @post("/{organization_id:int}/edit")
    async def save_organization(self, request: Request, user: SignedIn,
                                organization_id: Id) -> Response:
        may_write(user)
        organization = await registry.organization(checked_id(organization_id))
        lang = choose_language(request)
        form = await request.form()
        values, errors, data = _read_organization(form, lang)
        if errors:
            return await self._form(request, user, organization=organization, values=values,
                                    errors=errors, status_code=400)
        try:
            async with write_transaction():
                await registry.update_organization(
                    user.actor, organization.id, OrganizationUpdate(**data),
                    expected_version(form))
        except PreconditionFailed:
            current = await registry.organization(organization.id)
            # Pressing the button again saves what is typed over the newer version.
            values["version"] = str(current.version)
            return await self._form(request, user, organization=current, values=values,
                                    status_code=409,
                                    problem=translate(lang, "ws_changed_meanwhile"))
        except (Conflict, InvalidInput) as exc:
            return await self._refused(request, user, organization, values, exc,
                                       data["org_number"])
        return Redirect(f"{ORGANIZATIONS}/{organization.id}?done=dr_org_saved", status_code=303)

    # --- contacts of an organisation --------------------------------------------------

    @get("/{organization_id:int}/contacts/new")
    async def new_contact(self, request: Request, user: SignedIn,
                          organization_id: Id) -> Template:
        may_write(user)
        organization = await registry.organization(checked_id(organization_id))
        return await contact_form(request, user, organization, None, _contact_values(None))

    @post("/{organization_id:int}/contacts/new")
    async def create_contact(self, request: Request, user: SignedIn,
                             organization_id: Id) -> Response:
        may_write(user)
        organization = await registry.organization(checked_id(organization_id))
        lang = choose_language(request)
        values, errors, data = _read_contact(await request.form(), lang, ContactCreate)
        if errors:
            return await contact_form(request, user, organization, None, values, errors,
                                      status_code=400)
        try:
            async with write_transaction():
                await registry.create_contact(user.actor, organization.id, data)
        except InvalidInput as exc:
            return await contact_form(request, user, organization, None, values,
                                      _refusal(exc, values, lang), status_code=400)
        return Redirect(f"{ORGANIZATIONS}/{organization.id}?done=dr_contact_added#contacts",
                        status_code=303)


# --- contacts ----------------------------------------------------------------------------


def _contact_values(contact: ContactRead | None) -> dict[str, str]:
    if contact is None:
        return {"name": "", "title": "", "email": "", "phone": "", "language": "sv",
                "version": ""}
    return {"name": contact.name, "title": contact.title or "", "email": contact.email,
            "phone": contact.phone or "", "language": contact.language.value,
            "version": str(contact.version)}


# The message of each field the contact schema may refuse.
_CONTACT_MESSAGES = {"name": "dr_contact_name_required", "email": "dr_email_invalid",
                     "phone": "dr_phone_invalid", "title": "dr_title_too_long",
                     "language": "dr_language_required"}


def _read_contact(form: Any, lang: str, schema) -> tuple[dict[str, str], dict[str, str], Any]:
    """The typed values, the errors by field, and (without errors) the schema to save;
    the schema's own rules decide what an address or a phone number may look like."""
    values = {name: str(form.get(name, "")).strip()
              for name in ("name", "title", "email", "phone", "language", "version")}
    errors: dict[str, str] = {}
    check_text(errors, lang, "name", values["name"], NAME_MAX,
               required="dr_contact_name_required", too_long="dr_name_too_long")
    check_text(errors, lang, "title", values["title"], JOB_TITLE_MAX,
               too_long="dr_title_too_long")
    check_text(errors, lang, "email", values["email"], EMAIL_MAX, required="dr_email_required",
               too_long="dr_email_invalid")
    if values["language"] not in LANGUAGES:
        errors["language"] = translate(lang, "dr_language_required")
    data = None
    if not errors:
        try:
            data = schema(name=values["name"], title=values["title"] or None,
                          email=values["email"], phone=values["phone"] or None,
                          language=values["language"])
        except ValidationError as exc:
            for problem in exc.errors():
                field = str(problem["loc"][0]) if problem["loc"] else "name"
                field = field if field in _CONTACT_MESSAGES else "name"
                errors.setdefault(field, translate(lang, _CONTACT_MESSAGES[field],
                                                   max=JOB_TITLE_MAX))
    return values, errors, data


def _refusal(exc: InvalidInput, values: dict[str, str], lang: str) -> dict[str, str]:
    field = exc.field if exc.field in values else "name"
    return {field: translate(lang, "dr_refused")}


async def contact_form(request: Request, user: CurrentUser, organization: OrganizationRead,
                       contact: ContactRead | None, values: dict[str, str],
                       errors: dict[str, str] | None = None, *, status_code: int = 200,
                       problem: str | None = None) -> Template:
    return workspace_page(
        request, user, "contact_form.html", status_code=status_code, current="organizations",
        organization=organization, contact=contact, values=values, errors=errors or {},
        problem=problem,
    )


class ContactPages(Controller):
    """Changing a contact person (adding one is on its organisation's path)."""

    path = "/contacts"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get("/{contact_id:int}/edit")
    async def edit_contact(self, request: Request, user: SignedIn, contact_id: Id) -> Template:
        may_write(user)
        contact = await registry.contact(checked_id(contact_id))
        organization = await registry.organization(contact.organization_id)
        return await contact_form(request, user, organization, contact, _contact_values(contact))

    @post("/{contact_id:int}/edit")
    async def save_contact(self, request: Request, user: SignedIn, contact_id: Id) -> Response:
        may_write(user)
        contact = await registry.contact(checked_id(contact_id))
        organization = await registry.organization(contact.organization_id)
        lang = choose_language(request)
        form = await request.form()
        values, errors, data = _read_contact(form, lang, ContactUpdate)
        if errors:
            return await contact_form(request, user, organization, contact, values, errors,
                                      status_code=400)
        try:
            async with write_transaction():
                await registry.update_contact(user.actor, contact.id, data,
                                              expected_version(form))
        except PreconditionFailed:
            current = await registry.contact(contact.id)
            values["version"] = str(current.version)
            return await contact_form(request, user, organization, current, values,
                                      status_code=409,
                                      problem=translate(lang, "ws_changed_meanwhile"))
        except InvalidInput as exc:
            return await contact_form(request, user, organization, contact, values,
                                      _refusal(exc, values, lang), status_code=400)
        return Redirect(f"{ORGANIZATIONS}/{organization.id}?done=dr_contact_saved#contacts",
                        status_code=303)


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [OrganizationPages, ContactPages]
