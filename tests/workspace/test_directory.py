"""The organisation register in the workspace: finding organisations, adding and changing
them and their contacts with the registry's rules explained in Swedish and the typed text
kept, the agreements an organisation is party to, and viewers who may only read."""

import html
import re

import pytest

from tests.factories import org_number, unique, with_wrong_check_digit

pytestmark = pytest.mark.usefixtures("database")

VERSION = re.compile(r'name="version" value="(\d*)"')


def version_in(page) -> str:
    return VERSION.search(page.text).group(1)


def org_form(name: str, number: str, kind: str = "municipality", **extra) -> dict:
    return {"name": name, "org_number": number, "kind": kind, "municipality_code": "", **extra}


async def test_organisations_are_found_by_name_number_and_kind(as_coordinator, coordinator):
    prefix = unique("Sökbar ")
    town = await coordinator.organization(name=f"{prefix} kommun", kind="municipality")
    shop = await coordinator.organization(name=f"{prefix} AB", kind="business")

    page = await as_coordinator.get("/workspace/organizations", params={"q": prefix})
    assert page.status_code == 200
    assert f"{prefix} kommun" in page.text and f"{prefix} AB" in page.text
    assert f'href="/workspace/organizations/{town["id"]}"' in page.text
    assert "Sökresultat: 2 organisationer" in page.text

    only_business = await as_coordinator.get("/workspace/organizations",
                                             params={"q": prefix, "kind": "business"})
    assert f"{prefix} AB" in only_business.text
    assert f"{prefix} kommun" not in only_business.text

    # The number typed without its hyphen finds the organisation too.
    by_number = await as_coordinator.get("/workspace/organizations",
                                         params={"q": shop["org_number"].replace("-", "")})
    assert f"{prefix} AB" in by_number.text and "Sökresultat: 1 organisationer" in by_number.text

    nothing = await as_coordinator.get("/workspace/organizations", params={"q": unique("Ingen ")})
    assert "Ingen organisation matchar sökningen." in nothing.text


async def test_a_long_list_is_shown_a_page_at_a_time(as_coordinator, coordinator):
    prefix = unique("Sida ")
    for i in range(27):
        await coordinator.organization(name=f"{prefix} {i:02d}", contacts=0)

    first = await as_coordinator.get("/workspace/organizations", params={"q": prefix})
    assert "Sida 1 av 2" in first.text
    assert f"{prefix} 00" in first.text and f"{prefix} 26" not in first.text
    following = html.unescape(re.search(r'href="([^"]+)" rel="next"', first.text).group(1))

    second = await as_coordinator.get(following)
    assert "Sida 2 av 2" in second.text
    assert f"{prefix} 26" in second.text and f"{prefix} 00" not in second.text
    assert 'rel="prev"' in second.text


async def test_a_coordinator_adds_an_organisation(as_coordinator):
    name = unique("Ny kommun ")
    number = org_number("2")
    form = await as_coordinator.get("/workspace/organizations/new")
    assert form.status_code == 200 and "Lägg till en organisation" in form.text

    created = await as_coordinator.post("/workspace/organizations/new",
                                        org_form(name, number.replace("-", ""),
                                                 municipality_code="2580"))

    assert created.status_code == 303, created.text
    assert re.fullmatch(r"/workspace/organizations/\d+\?done=dr_org_created",
                        created.headers["location"])
    page = await as_coordinator.get(created.headers["location"])
    assert "Organisationen är tillagd." in page.text
    assert f"<h1>{name}</h1>" in page.text
    assert number in page.text  # stored as NNNNNN-NNNN
    assert "Luleå" in page.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (lambda: with_wrong_check_digit(org_number("2")), "kontrollsiffran (den sista) är fel"),
        (lambda: "12345", "Organisationsnumret ska ha tio siffror"),
        (lambda: "850101-1236", "ser ut som ett personnummer"),  # a valid personnummer
        (lambda: "", "Skriv organisationsnumret."),
    ],
    ids=["check_digit", "too_short", "personal_number", "empty"],
)
async def test_an_invalid_org_number_is_explained_and_the_text_kept(as_coordinator, typed,
                                                                    message):
    name = unique("Felnummer ")
    number = typed()

    refused = await as_coordinator.post("/workspace/organizations/new", org_form(name, number))

    assert refused.status_code == 400
    assert message in refused.text
    assert f'value="{name}"' in refused.text
    assert f'id="org-number" name="org_number" type="text" value="{number}"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'href="#org-number"' in refused.text  # the error summary leads to the field


async def test_a_duplicate_org_number_links_to_the_organisation_that_has_it(as_coordinator,
                                                                           coordinator):
    existing = await coordinator.organization()
    name = unique("Dubblett ")

    refused = await as_coordinator.post("/workspace/organizations/new",
                                        org_form(name, existing["org_number"]))

    assert refused.status_code == 409
    assert f"Organisationsnumret {existing['org_number']} finns redan i registret." in refused.text
    assert (f'<a href="/workspace/organizations/{existing["id"]}">Öppna {existing["name"]}</a>'
            in refused.text)
    assert f'value="{name}"' in refused.text
    found = await coordinator.get("/api/organizations", params={"q": name})
    assert found.json()["total"] == 0


async def test_an_edit_made_meanwhile_is_not_overwritten_and_the_text_is_kept(as_coordinator,
                                                                             coordinator):
    organization = await coordinator.organization()
    url = f"/workspace/organizations/{organization['id']}/edit"
    form = await as_coordinator.get(url)
    seen = version_in(form)
    assert seen == str(organization["version"])
    # Someone else renames it meanwhile.
    other = await coordinator.patch(f"/api/organizations/{organization['id']}",
                                    json={"name": unique("Ändrad av annan ")},
                                    headers={"If-Match": f'"{seen}"'})
    assert other.status_code == 200
    mine = unique("Mitt namn ")

    refused = await as_coordinator.post(url, org_form(mine, organization["org_number"],
                                                      version=seen))

    assert refused.status_code == 409
    assert "Någon annan har ändrat detta medan du skrev." in refused.text
    assert f'value="{mine}"' in refused.text
    assert version_in(refused) == str(other.json()["version"])

    saved = await as_coordinator.post(url, org_form(mine, organization["org_number"],
                                                    version=version_in(refused)))
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/workspace/organizations/{organization['id']}?done=dr_org_saved"
    stored = (await coordinator.get(f"/api/organizations/{organization['id']}")).json()
    assert stored["name"] == mine


async def test_changing_to_another_organisations_number_is_refused(as_coordinator, coordinator):
    first = await coordinator.organization()
    second = await coordinator.organization()

    refused = await as_coordinator.post(
        f"/workspace/organizations/{second['id']}/edit",
        org_form(second["name"], first["org_number"], version=str(second["version"])))

    assert refused.status_code == 409
    assert f'href="/workspace/organizations/{first["id"]}"' in refused.text


async def test_contacts_are_added_and_changed(as_coordinator, coordinator):
    organization = await coordinator.organization(contacts=0)
    base = f"/workspace/organizations/{organization['id']}"
    assert "Organisationen har inga kontaktpersoner." in (await as_coordinator.get(base)).text
    email = f"{unique('kontakt-')}@example.se"
    contact = {"name": "Karin Kontakt", "title": "Trygghetssamordnare", "email": email,
               "phone": "010-123 45 67", "language": "sv", "version": ""}

    bad = await as_coordinator.post(f"{base}/contacts/new",
                                    {**contact, "email": "inte en adress", "phone": "ring mig"})
    assert bad.status_code == 400
    assert "Skriv en giltig e-postadress" in bad.text
    assert "Skriv telefonnumret med siffror" in bad.text
    assert 'value="Karin Kontakt"' in bad.text and 'value="inte en adress"' in bad.text

    added = await as_coordinator.post(f"{base}/contacts/new", contact)
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"{base}?done=dr_contact_added#contacts"
    page = await as_coordinator.get(f"{base}?done=dr_contact_added")
    assert "Kontaktpersonen är tillagd." in page.text
    assert "Karin Kontakt" in page.text and email in page.text
    [stored] = (await coordinator.get(f"/api/organizations/{organization['id']}/contacts")).json()
    edit = f"/workspace/contacts/{stored['id']}/edit"
    assert f'href="{edit}"' in page.text

    form = await as_coordinator.get(edit)
    assert form.status_code == 200 and 'value="Trygghetssamordnare"' in form.text
    other = await coordinator.patch(f"/api/contacts/{stored['id']}", json={"title": "Chef"},
                                    headers={"If-Match": f'"{stored["version"]}"'})
    assert other.status_code == 200
    changed = {**contact, "name": "Karin Kontaktsson", "version": version_in(form)}

    refused = await as_coordinator.post(edit, changed)
    assert refused.status_code == 409
    assert "Någon annan har ändrat detta medan du skrev." in refused.text
    assert 'value="Karin Kontaktsson"' in refused.text

    saved = await as_coordinator.post(edit, {**changed, "version": version_in(refused)})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{base}?done=dr_contact_saved#contacts"
    after = (await coordinator.get(f"/api/contacts/{stored['id']}")).json()
    assert (after["name"], after["title"]) == ("Karin Kontaktsson", "Trygghetssamordnare")


async def test_an_organisations_agreements_are_listed_in_every_status(as_coordinator,
                                                                     coordinator):
    agreement = await coordinator.agreement()
    organization_id = agreement["parties"][0]["organization"]["id"]
    other_name = agreement["parties"][1]["organization"]["name"]

    page = await as_coordinator.get(f"/workspace/organizations/{organization_id}")

    assert page.status_code == 200
    assert (f'<a href="/workspace/agreements/{agreement["id"]}">{agreement["title"]}</a>'
            in page.text)
    assert "Utkast" in page.text  # a draft is listed for coordinators
    assert other_name in page.text
    assert "är part i 1 överenskommelser" in page.text


async def test_an_unknown_organisation_is_the_404_page(as_coordinator):
    assert (await as_coordinator.get("/workspace/organizations/2000000000")).status_code == 404
    assert (await as_coordinator.get("/workspace/organizations/9999999999")).status_code == 404
    assert (await as_coordinator.get("/workspace/contacts/2000000000/edit")).status_code == 404


async def test_viewers_read_but_may_not_change(as_viewer, coordinator):
    organization = await coordinator.organization()
    page = await as_viewer.get(f"/workspace/organizations/{organization['id']}")
    assert page.status_code == 200
    assert "/edit" not in page.text and "contacts/new" not in page.text
    listing = await as_viewer.get("/workspace/organizations")
    assert "/workspace/organizations/new" not in listing.text

    name = unique("Läsare ")
    refused = await as_viewer.post("/workspace/organizations/new",
                                   org_form(name, org_number("2")))
    assert refused.status_code == 403
    assert (await as_viewer.post(
        f"/workspace/organizations/{organization['id']}/edit",
        org_form(name, organization["org_number"], version="1"))).status_code == 403
    contact_id = organization["contacts"][0]["id"]
    assert (await as_viewer.post(f"/workspace/contacts/{contact_id}/edit",
                                 {"name": name})).status_code == 403
    assert (await as_viewer.get("/workspace/organizations/new")).status_code == 403
    found = await coordinator.get("/api/organizations", params={"q": name})
    assert found.json()["total"] == 0


async def test_the_directory_pages_speak_english(as_admin, coordinator):
    organization = await coordinator.organization()
    as_admin.client.cookies.set("samverkan_lang", "en")
    pages = {
        "/workspace/organizations": "All organisations",
        f"/workspace/organizations/{organization['id']}": "Contact persons",
        "/workspace/organizations/new": "Add an organisation",
        f"/workspace/organizations/{organization['id']}/edit": "Kind of organisation",
        f"/workspace/organizations/{organization['id']}/contacts/new": "New contact person",
        f"/workspace/contacts/{organization['contacts'][0]['id']}/edit": "Edit contact person",
        "/workspace/users": "Create an account",
        "/workspace/outbox": "E-mail from the service",
        "/workspace/calendar": "How to add the calendar",
    }
    for url, words in pages.items():
        page = await as_admin.get(url)
        assert page.status_code == 200, url
        assert '<html lang="en">' in page.text and words in page.text, url
    as_admin.client.cookies.delete("samverkan_lang")
