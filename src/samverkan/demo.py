"""A realistic Swedish demo a newcomer can click through: agreements in every status.

Organisation numbers are made up (valid check digits) except Polismyndigheten's and
Stockholms stad's, which DOMAIN.md gives as examples.
"""

from datetime import date

from stdnum import luhn

from samverkan.accounts import service as accounts
from samverkan.accounts.schemas import UserCreate
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.agreements.schemas import (
    AgreementCreate,
    AgreementStatusChange,
    CommitmentCreate,
    CommitmentStatusChange,
    FocusAreaCreate,
    FollowUpCreate,
    GoalCreate,
    OutcomeInput,
    PartyCreate,
    PartyUpdate,
)
from samverkan.agreements.tables import AgreementStatus as A
from samverkan.agreements.tables import CommitmentStatus as C
from samverkan.db import write_transaction
from samverkan.registry import service as registry
from samverkan.registry.schemas import (
    ContactCreate,
    LocalPoliceAreaCreate,
    OrganizationCreate,
    PoliceAreaCreate,
)
from samverkan.situation import service as situation
from samverkan.situation.schemas import InputWrite, RoundCreate, RoundRequestInput, ValueInput

DEMO_USERS = [
    ("samordnare@example.se", "samverkan-demo", "coordinator"),
    ("admin@example.se", "samverkan-admin", "admin"),
    ("lasare@example.se", "samverkan-lasare", "viewer"),
]
# A partner contact with something to do in the portal: Luleå kommun's safety coordinator
# has a proposed commitment ("Fältassistenter ute fredagskvällar") to confirm or decline.
DEMO_PARTNER = "maria.t@example.se"
_NAMES = {
    "samordnare@example.se": "Sara Samordnare",
    "admin@example.se": "Adam Admin",
    "lasare@example.se": "Lena Läsare",
}

# The path from draft to each status, through the lifecycle's own rules.
_PATH = {
    A.draft: [],
    A.in_preparation: [A.in_preparation],
    A.awaiting_signature: [A.in_preparation, A.awaiting_signature],
    A.active: [A.in_preparation, A.awaiting_signature, A.active],
    A.under_revision: [A.in_preparation, A.awaiting_signature, A.active, A.under_revision],
    A.ended: [A.in_preparation, A.awaiting_signature, A.active, A.ended],
}


def _org_number(first_nine: str) -> str:
    number = first_nine + luhn.calc_check_digit(first_nine)
    return f"{number[:6]}-{number[6:]}"


async def load_demo() -> bool:
    """Create the demo once; False when it is already there."""
    if await accounts.user_by_email(DEMO_USERS[0][0]):
        return False
    system = Actor.system("demo")
    async with write_transaction():
        users = [
            await accounts.create_user(
                system, UserCreate(email=email, name=_NAMES[email], role=role, password=password)
            )
            for email, password, role in DEMO_USERS
        ]
        # The demo coordinator registers everything, so the agreements are hers to follow:
        # her Today page, her calendar and the history read as a coordinator's would.
        coordinator = users[0]
        await _load(Actor(id=coordinator.id, label=coordinator.email))
    return True


# The Luleå lägesbild: four quarters in, the fifth open, Luleå kommun's input still to come.
_QUARTERS = [("2025-Q4", date(2026, 1, 15)), ("2026-Q1", date(2026, 4, 15)),
             ("2026-Q2", date(2026, 7, 15)), ("2026-Q3", date(2026, 10, 15)),
             ("2026-Q4", date(2027, 1, 15))]
_VALUES = {  # party key -> indicator -> place -> value per quarter
    "polisen": {"anmald_skadegorelse": {"": [412, 388, 351, 330]}},
    "lulea": {"ntu_otrygghet_kvall": {"": [34, 33, 31, 30]}},
    "lulebo": {"est_skadegorelse": {"": [58, 51, 47, 39], "Hertsön": [21, 18, 17, 12],
                                    "Porsön": [14, 12, 9, 10]}},
}
_OBSERVATIONS = {
    "polisen": "Färre skadegörelsebrott kring resecentrum sedan kameror och belysning kom på plats.",
    "lulea": "Trygghetsvandringen i Stadsparken visade att belysningen gjort skillnad.",
    "lulebo": "Klotter i Hertsöns tvättstugor har nästan upphört efter nya lås.",
}


async def _situation(actor, agreement_id, parties, indicators, polisen, lulea, lulebo):
    party_of = {"polisen": parties[polisen.id].id, "lulea": parties[lulea.id].id,
                "lulebo": parties[lulebo.id].id}
    wanted = {key: [indicators[code].id for code in codes] for key, codes in
              {k: list(v) for k, v in _VALUES.items()}.items()}
    requests = [RoundRequestInput(party_id=party_of[key], indicator_ids=ids)
                for key, ids in wanted.items()]
    for index, (period, deadline) in enumerate(_QUARTERS):
        created = await situation.create_round(
            actor, agreement_id, RoundCreate(period=period, deadline=deadline, requests=requests)
        )
        if index == len(_QUARTERS) - 1:
            break  # the open round: the parties' inputs are still to come
        for key, by_indicator in _VALUES.items():
            values = [ValueInput(indicator_id=indicators[code].id, place=place, value=series[index])
                      for code, places in by_indicator.items() for place, series in places.items()]
            observations = _OBSERVATIONS[key] if index == len(_QUARTERS) - 2 else ""
            await situation.save_input(actor, created.id, party_of[key],
                                       InputWrite(values=values, observations=observations))
            await situation.submit_input(actor, created.id, party_of[key])
            await situation.accept_input(actor, created.id, party_of[key])
        await situation.close_round(actor, created.id, None)


async def _organization(actor, name, kind, number, municipality=None, contacts=()):
    return await registry.create_organization(
        actor,
        OrganizationCreate(
            name=name,
            kind=kind,
            org_number=number,
            municipality_code=municipality,
            contacts=[ContactCreate(**c) for c in contacts],
        ),
    )


async def _load(actor: Actor) -> None:
    regions = {r.name: r.id for r in await registry.police_regions()}
    norrbotten = await registry.create_police_area(
        actor, PoliceAreaCreate(name="Polisområde Norrbotten", police_region_id=regions["Nord"])
    )
    skaraborg = await registry.create_police_area(
        actor, PoliceAreaCreate(name="Polisområde Skaraborg", police_region_id=regions["Väst"])
    )
    storgbg = await registry.create_police_area(
        actor, PoliceAreaCreate(name="Polisområde Storgöteborg", police_region_id=regions["Väst"])
    )
    city = await registry.create_police_area(
        actor, PoliceAreaCreate(name="Polisområde Stockholm city", police_region_id=regions["Stockholm"])
    )
    lpo_lulea = await registry.create_local_police_area(
        actor, LocalPoliceAreaCreate(name="LPO Luleå", police_area_id=norrbotten.id,
                                     municipality_codes=["2580"])
    )
    lpo_lidkoping = await registry.create_local_police_area(
        actor, LocalPoliceAreaCreate(name="LPO Lidköping", police_area_id=skaraborg.id,
                                     municipality_codes=["1494", "1444", "1445", "1470"])
    )
    lpo_lerum = await registry.create_local_police_area(
        actor, LocalPoliceAreaCreate(name="LPO Lerum", police_area_id=storgbg.id,
                                     municipality_codes=["1441"])
    )
    lpo_city = await registry.create_local_police_area(
        actor, LocalPoliceAreaCreate(name="LPO Norrmalm", police_area_id=city.id,
                                     municipality_codes=["0180"])
    )

    polisen = await _organization(
        actor, "Polismyndigheten", "police", "202100-0076",
        contacts=[
            {"name": "Karin Kommunpolis", "email": "karin.kommunpolis@example.se",
             "title": "Kommunpolis, LPO Luleå"},
            {"name": "Lars Lokalpolis", "email": "lars.lokalpolis@example.se",
             "title": "Lokalpolisområdeschef"},
            {"name": "Erik Ekström", "email": "erik.ekstrom@example.se",
             "title": "Kommunpolis, LPO Lidköping"},
        ],
    )
    lulea = await _organization(
        actor, "Luleå kommun", "municipality", _org_number("212000265"), "2580",
        contacts=[
            {"name": "Maria Trygghetssamordnare", "email": "maria.t@example.se",
             "title": "Trygghetssamordnare", "phone": "0920-45 30 00"},
            {"name": "Olof Ordförande", "email": "olof.o@example.se",
             "title": "Kommunstyrelsens ordförande"},
        ],
    )
    lulebo = await _organization(
        actor, "Lulebo AB", "business", _org_number("556000101"), "2580",
        contacts=[{"name": "Bo Bostad", "email": "bo.bostad@example.se", "title": "Förvaltare",
                   "language": "sv"}],
    )
    grastorp = await _organization(
        actor, "Grästorps kommun", "municipality", _org_number("212000149"), "1444",
        contacts=[{"name": "Greta Grön", "email": "greta.gron@example.se",
                   "title": "Kommundirektör"}],
    )
    essunga = await _organization(
        actor, "Essunga kommun", "municipality", _org_number("212000156"), "1445",
        contacts=[{"name": "Emil Essén", "email": "emil.essen@example.se",
                   "title": "Säkerhetssamordnare"}],
    )
    lerum = await _organization(
        actor, "Lerums kommun", "municipality", _org_number("212000157"), "1441",
        contacts=[{"name": "Li Lind", "email": "li.lind@example.se", "title": "Folkhälsostrateg"}],
    )
    stockholm = await _organization(
        actor, "Stockholms stad", "municipality", "212000-0142", "0180",
        contacts=[{"name": "Sam Stad", "email": "sam.stad@example.se", "title": "Trygghetsstrateg",
                   "language": "en"}],
    )
    raddning = await _organization(
        actor, "Räddningstjänsten Västra Skaraborg", "agency", _org_number("222000185"), "1494",
        contacts=[{"name": "Rut Räddning", "email": "rut.raddning@example.se",
                   "title": "Insatsledare"}],
    )
    nattvandrarna = await _organization(
        actor, "Föreningen Nattvandrarna i Luleå", "ngo", _org_number("802400102"), "2580",
        contacts=[{"name": "Nils Natt", "email": "nils.natt@example.se", "title": "Ordförande"}],
    )
    handel = await _organization(
        actor, "Citysamverkan Norrmalm AB", "business", _org_number("556000202"), "0180",
        contacts=[{"name": "Cecilia City", "email": "cecilia.city@example.se",
                   "title": "Centrumledare"}],
    )

    def contact(org, index=0):
        return org.contacts[index].id

    # 1. Luleå 2020–2023, replaced by 2024–2027 (superseded).
    old_lulea = await _agreement(
        actor,
        AgreementCreate(
            title="Samverkansöverenskommelse Luleå 2020–2023",
            kind="collaboration_agreement",
            registration_number="KS 2019/812",
            purpose="Gemensamt arbete för minskad brottslighet och ökad trygghet i Luleå.",
            period_start=date(2020, 1, 1),
            period_end=date(2023, 12, 31),
            follow_up_cadence="half_yearly",
            local_police_area_id=lpo_lulea.id,
            municipality_codes=["2580"],
        ),
        [(polisen, "Polisen", contact(polisen, 1)), (lulea, "Kommun", contact(lulea, 1))],
        A.active,
        signed=date(2019, 12, 10),
    )
    # 2. Luleå 2024–2027: active, three parties, commitments in every status.
    lulea_now = await _agreement(
        actor,
        AgreementCreate(
            title="Samverkansöverenskommelse Luleå 2024–2027",
            kind="collaboration_agreement",
            registration_number="KS 2023/1044",
            purpose=(
                "Polisen, Luleå kommun och Lulebo AB ska utifrån en samlad lägesbild arbeta "
                "för ökad trygghet och minskad brottslighet, där varje part tar ansvar för "
                "sina egna åtaganden."
            ),
            background=(
                "Trygghetsmätningen 2023 visar att otryggheten i centrum kvällstid har ökat. "
                "Polisens lägesbild visar en ökning av skadegörelse och ungdomsbrott."
            ),
            governance=(
                "Styrgruppen (lokalpolisområdeschef, kommundirektör, VD Lulebo) möts två "
                "gånger per år. Arbetsgrupper för varje fokusområde."
            ),
            period_start=date(2024, 1, 1),
            period_end=date(2027, 12, 31),
            follow_up_cadence="half_yearly",
            local_police_area_id=lpo_lulea.id,
            municipality_codes=["2580"],
            supersedes_id=old_lulea.id,
        ),
        [
            (polisen, "Polisen", contact(polisen, 1)),
            (lulea, "Kommun", contact(lulea, 1)),
            (lulebo, "Bostadsbolag", contact(lulebo)),
        ],
        None,
    )
    centre = await agreements.add_focus_area(
        actor, lulea_now.id,
        FocusAreaCreate(
            title="Trygghet i centrum kvällstid",
            problem="Otrygghet och ordningsstörningar kring Stadsparken och resecentrum.",
            cause_analysis="Brist på belysning, samlingsplatser för berusade, få vuxna ute.",
            priority=1,
        ),
    )
    youth = await agreements.add_focus_area(
        actor, lulea_now.id,
        FocusAreaCreate(
            title="Unga i riskzon",
            problem="Fler unga misstänkta för skadegörelse och narkotikabrott.",
            cause_analysis="Tidiga riskfaktorer i skola och fritid; rekrytering via sociala medier.",
            priority=2,
        ),
    )
    indicators = await situation.indicators_by_codes(
        ["ntu_otrygghet_kvall", "anmald_skadegorelse", "est_skadegorelse"]
    )
    await agreements.add_goal(
        actor, lulea_now.id,
        GoalCreate(title="Färre som känner sig otrygga i centrum", focus_area_id=centre.id,
                   indicator="Andel otrygga kvällstid (trygghetsmätningen)", unit="%",
                   baseline=34, target=25, measured_how="Kommunens trygghetsmätning, årligen",
                   indicator_id=indicators["ntu_otrygghet_kvall"].id),
    )
    await agreements.add_goal(
        actor, lulea_now.id,
        GoalCreate(title="Minskad skadegörelse", focus_area_id=youth.id,
                   indicator="Anmälda skadegörelsebrott", unit="st/år", baseline=1450, target=1200,
                   measured_how="Polisens statistik över anmälda brott"),
    )
    parties = {p.organization.id: p for p in lulea_now.parties}
    plan = [
        (polisen, centre, "Öka synlig närvaro i centrum fredag–lördag kväll", date(2026, 12, 4),
         None, [C.confirmed, C.in_progress]),
        (polisen, youth, "Genomföra föräldramöten om droger i årskurs 8", date(2026, 12, 15),
         None, [C.confirmed]),
        (lulea, centre, "Förbättra belysningen i Stadsparken", date(2026, 11, 30), None,
         [C.confirmed, C.done]),
        (lulea, youth, "Fältassistenter ute fredagskvällar", None, "monthly", []),
        (lulea, centre, "Trygghetsvandring med boende varje vår", date(2027, 4, 30), None,
         [C.declined]),
        (lulebo, centre, "Kameraövervakning i Lulebos entréer", date(2026, 10, 31), None,
         [C.confirmed, C.in_progress, C.not_done]),
        (lulebo, youth, "Sommarjobb för 20 ungdomar i bostadsområdena", date(2027, 6, 1), None,
         [C.cancelled]),
    ]
    for org, area, title, due, recurrence, moves in plan:
        created = await agreements.add_commitment(
            actor, lulea_now.id,
            CommitmentCreate(party_id=parties[org.id].id, focus_area_id=area.id, title=title,
                             due_date=due, recurrence=recurrence,
                             responsible_contact_id=contact(org)),
        )
        for move in moves:
            comment = "Resurser saknas 2027; vi återkommer." if move == C.declined else None
            await agreements.change_commitment_status(
                actor, created.id, CommitmentStatusChange(status=move, comment=comment), None
            )
    commitment_ids = [c.id for c in (await agreements.agreement(lulea_now.id)).commitments]
    await agreements.add_follow_up(
        actor, lulea_now.id,
        FollowUpCreate(date=date(2026, 6, 10), kind="steering_group_meeting",
                       title="Styrgruppsmöte våren 2026",
                       notes="Belysningen klar; kameror försenade.",
                       outcomes=[OutcomeInput(commitment_id=commitment_ids[2], outcome="achieved"),
                                 OutcomeInput(commitment_id=commitment_ids[5], outcome="delayed",
                                              note="Upphandlingen överklagad.")]),
    )
    await agreements.add_follow_up(
        actor, lulea_now.id,
        FollowUpCreate(date=date(2026, 12, 9), kind="steering_group_meeting",
                       title="Styrgruppsmöte hösten 2026"),
    )
    await _sign_and_move(actor, lulea_now.id, A.active, date(2023, 12, 12))
    await _situation(actor, lulea_now.id, parties, indicators, polisen, lulea, lulebo)

    # 3. A yearly citizen promise under a four-year agreement, awaiting signature.
    grastorp_main = await _agreement(
        actor,
        AgreementCreate(
            title="Samverkansöverenskommelse Grästorp 2023–2027", kind="collaboration_agreement",
            registration_number="KS 2023/15", period_start=date(2023, 3, 1),
            period_end=date(2027, 2, 28), follow_up_cadence="tertial",
            local_police_area_id=lpo_lidkoping.id, municipality_codes=["1444"],
            purpose="Långsiktig samverkan för ett tryggt Grästorp.",
        ),
        [(polisen, "Polisen", contact(polisen, 2)), (grastorp, "Kommun", contact(grastorp)),
         (raddning, "Räddningstjänst", contact(raddning))],
        A.active,
        signed=date(2023, 2, 20),
    )
    await _agreement(
        actor,
        AgreementCreate(
            title="Medborgarlöfte Grästorp 2027", kind="citizen_promise",
            registration_number="KS 2026/301", period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31), follow_up_cadence="yearly",
            local_police_area_id=lpo_lidkoping.id, municipality_codes=["1444"],
            parent_id=grastorp_main.id,
            purpose="Polisen lovar, kommunen lovar, tillsammans lovar vi: minst 30 trafikkontroller.",
        ),
        [(polisen, "Polisen", contact(polisen, 2)), (grastorp, "Kommun", contact(grastorp))],
        A.awaiting_signature,
    )
    # 4. Essunga citizen promise ending soon, no successor yet.
    await _agreement(
        actor,
        AgreementCreate(
            title="Medborgarlöfte Essunga 2026", kind="citizen_promise",
            registration_number="KS 2025/88", period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31), follow_up_cadence="yearly",
            local_police_area_id=lpo_lidkoping.id, municipality_codes=["1445"],
            purpose="Tryggare trafikmiljö kring skolorna.",
        ),
        [(polisen, "Polisen", contact(polisen, 2)), (essunga, "Kommun", contact(essunga))],
        A.active,
        signed=date(2025, 12, 1),
    )
    # 5. Lerum 2023–2026 under revision.
    await _agreement(
        actor,
        AgreementCreate(
            title="Samverkansöverenskommelse Lerum 2023–2026", kind="collaboration_agreement",
            registration_number="KS 2022/410", period_start=date(2023, 1, 1),
            period_end=date(2026, 12, 31), follow_up_cadence="quarterly",
            local_police_area_id=lpo_lerum.id, municipality_codes=["1441"],
            purpose="Gemensamma insatser mot narkotika och för trygga centrummiljöer.",
        ),
        [(polisen, "Polisen", contact(polisen, 1)), (lerum, "Kommun", contact(lerum))],
        A.under_revision,
        signed=date(2022, 12, 15),
    )
    # 6. A Luleå action plan being prepared, with an NGO.
    await _agreement(
        actor,
        AgreementCreate(
            title="Handlingsplan Luleå 2027", kind="action_plan", period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31), local_police_area_id=lpo_lulea.id,
            municipality_codes=["2580"], parent_id=lulea_now.id,
        ),
        [(polisen, "Polisen", contact(polisen)), (lulea, "Kommun", contact(lulea)),
         (nattvandrarna, "Ideell förening", contact(nattvandrarna))],
        A.in_preparation,
    )
    # 7. A declaration of intent in Stockholm, still a draft.
    await _agreement(
        actor,
        AgreementCreate(
            title="Avsiktsförklaring trygg citykärna Norrmalm", kind="declaration_of_intent",
            period_start=date(2027, 3, 1), local_police_area_id=lpo_city.id,
            municipality_codes=["0180"],
            purpose="Parterna avser att ta fram en samverkansöverenskommelse för city.",
        ),
        [(polisen, "Polisen", None), (stockholm, "Kommun", contact(stockholm)),
         (handel, "Näringsliv", contact(handel))],
        A.draft,
    )
    # 8. An older Essunga promise that has ended.
    await _agreement(
        actor,
        AgreementCreate(
            title="Medborgarlöfte Essunga 2020", kind="citizen_promise",
            registration_number="KS 2019/301", period_start=date(2020, 1, 1),
            period_end=date(2020, 12, 31), follow_up_cadence="yearly",
            local_police_area_id=lpo_lidkoping.id, municipality_codes=["1445"],
            purpose="Minst 30 trafikkontroller vid skolorna.",
        ),
        [(polisen, "Polisen", contact(polisen, 2)), (essunga, "Kommun", contact(essunga))],
        A.ended,
        signed=date(2019, 12, 1),
    )


async def _agreement(actor, data: AgreementCreate, parties, status, signed: date | None = None):
    created = await agreements.create_agreement(
        actor,
        data.model_copy(
            update={
                "parties": [
                    PartyCreate(organization_id=org.id, role=role, primary_contact_id=contact_id)
                    for org, role, contact_id in parties
                ]
            }
        ),
    )
    if status is not None:
        await _sign_and_move(actor, created.id, status, signed or data.period_start)
    return created


async def _sign_and_move(actor, agreement_id: int, status, signed_on: date) -> None:
    current = await agreements.agreement(agreement_id)
    for party in current.parties:
        organization = await registry.organization(party.organization.id)
        signatory = organization.contacts[-1] if organization.contacts else None
        values = {
            "signatory_name": signatory.name if signatory else "Behörig företrädare",
            "signatory_title": signatory.title if signatory else None,
        }
        if status in (A.active, A.under_revision, A.ended):
            values.update(signed_on=signed_on, signed_place=organization.name.split()[0],
                          signature_method="paper")
        await agreements.update_party(actor, agreement_id, party.id, PartyUpdate(**values), None)
    for move in _PATH[status]:
        await agreements.change_agreement_status(
            actor, agreement_id, AgreementStatusChange(status=move), None
        )
