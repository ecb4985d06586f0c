"""Importing indicator values from files: every row resolved, all rows or none."""

import io
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from tests.factories import unique

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))


async def _setup(api) -> tuple[dict, dict, dict]:
    agreement = await api.agreement(parties=2, registration_number=unique("KS 2026/"))
    assert (await api.move(agreement, "in_preparation")).status_code == 200
    agreement = await api.fresh(agreement)
    indicators = {i["code"]: i for i in (await api.get("/api/indicators")).json()}
    party = agreement["parties"][0]
    for period, deadline in (("2026-Q1", "2026-04-15"), ("2026-Q2", "2026-07-15")):
        response = await api.post(f"/api/agreements/{agreement['id']}/rounds", json={
            "period": period, "deadline": deadline,
            "requests": [{"party_id": party["id"],
                          "indicator_ids": [indicators["anmalda_brott"]["id"]]}],
        })
        assert response.status_code == 201, response.text
    return agreement, party, indicators


def _csv(lines: list[str]) -> bytes:
    return ("överenskommelse;part;indikator;period;plats;värde\n" + "\n".join(lines) + "\n").encode()


async def _inputs(api, agreement) -> dict[str, list]:
    rounds = (await api.get(f"/api/agreements/{agreement['id']}/rounds")).json()
    found = {}
    for round_ in rounds:
        inputs = (await api.get(f"/api/rounds/{round_['id']}/inputs")).json()
        found[round_["period"]] = sorted((v["place"], v["value"]) for i in inputs for v in i["values"])
    return found


async def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(coordinator):
    agreement, party, _ = await _setup(coordinator)
    org = party["organization"]["org_number"]
    number = agreement["registration_number"]
    body = _csv([
        f"{agreement['id']};{org};anmalda_brott;2026-Q1;;120",
        f"{number};{org};anmalda_brott;2026-Q2;Centrum;41,5",
        f"{agreement['id']};{org};finns_inte;2026-Q2;;7",
        f"{agreement['id']};{org};anmalda_brott;2027-Q1;;7",
    ])
    response = await coordinator.post("/api/situation/imports",
                                      files={"data": ("varden.csv", body, "text/csv")})
    assert response.status_code == 400, response.text
    problems = [(p["line"], p["key"]) for p in response.json()["extra"]]
    assert problems == [(4, "indicator"), (5, "period")]
    assert "finns_inte" in response.json()["extra"][0]["message"]
    assert await _inputs(coordinator, agreement) == {"2026-Q1": [], "2026-Q2": []}

    shape = await coordinator.post("/api/situation/imports", files={"data": (
        "varden.csv", _csv([f"{agreement['id']};{org};anmalda_brott;2026-Q1;;tolv"]), "text/csv")})
    assert shape.status_code == 400
    assert [(p["line"], p["key"]) for p in shape.json()["extra"]] == [(2, "value")]

    good = await coordinator.post("/api/situation/imports",
                                  files={"data": ("varden.csv", body.rsplit(b"\n", 3)[0] + b"\n",
                                                  "text/csv")})
    assert good.status_code == 200, good.text
    assert good.json() == {"rows": 2, "inputs_created": 2, "inputs_updated": 0, "rounds": 2}
    assert await _inputs(coordinator, agreement) == {
        "2026-Q1": [("", 120.0)], "2026-Q2": [("Centrum", 41.5)]
    }
    history = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    assert sum(e["action"] == "import" for e in history) == 2


async def test_an_accepted_input_is_not_overwritten_by_an_import(coordinator):
    agreement, party, indicators = await _setup(coordinator)
    rounds = (await coordinator.get(f"/api/agreements/{agreement['id']}/rounds")).json()
    url = f"/api/rounds/{rounds[0]['id']}/inputs/{party['id']}"
    await coordinator.put(url, json={"values": [
        {"indicator_id": indicators["anmalda_brott"]["id"], "value": 99}]})
    await coordinator.post(f"{url}/submit")
    assert (await coordinator.post(f"{url}/accept")).status_code == 200

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["agreement", "party", "indicator", "period", "value"])
    sheet.append([agreement["id"], party["organization"]["org_number"], "anmalda_brott",
                  "2026-Q1", 150])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = await coordinator.post("/api/situation/imports", files={"data": (
        "varden.xlsx", buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 400
    assert response.json()["extra"][0]["line"] == 2
    assert (await _inputs(coordinator, agreement))["2026-Q1"] == [("", 99.0)]


async def test_the_command_imports_a_file_and_refuses_a_broken_one(coordinator, tmp_path, database):
    agreement, party, _ = await _setup(coordinator)
    org = party["organization"]["org_number"]
    good = tmp_path / "varden.csv"
    good.write_bytes(_csv([f"{agreement['id']};{org};anmalda_brott;2026-Q{q};;{q * 10}"
                           for q in (1, 2)]))
    dry = subprocess.run([SAMVERKAN, "situation", "import", "--dry-run", str(good)],
                         capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "Provkörning: 2 rader utan fel" in dry.stdout
    assert await _inputs(coordinator, agreement) == {"2026-Q1": [], "2026-Q2": []}

    done = subprocess.run([SAMVERKAN, "situation", "import", str(good)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Importerade 2 värden" in done.stdout
    assert await _inputs(coordinator, agreement) == {"2026-Q1": [("", 10.0)], "2026-Q2": [("", 20.0)]}

    bad = tmp_path / "fel.csv"
    bad.write_bytes(_csv([f"{agreement['id']};{org};anmalda_brott;2026-Q1;;11",
                          f"{agreement['id']};556000-0000;anmalda_brott;2026-Q1;;12"]))
    refused = subprocess.run([SAMVERKAN, "situation", "import", str(bad)],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "rad 3, kolumn party" in refused.stderr and "ingenting importerades" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (await _inputs(coordinator, agreement))["2026-Q1"] == [("", 10.0)]
