"""Benchmark the printed agreement (issue 4): render time and peak memory against bare
WeasyPrint on the same HTML, and a cached download against a fresh render.

    .venv/bin/python bench/documents.py [--rounds 3] [--out /tmp/documents_perf_section.md]

Each measurement runs in a fresh subprocess (so ru_maxrss is that render's peak): "service"
is documents.render.render() – Jinja, WeasyPrint with PDF/A-3b, the JSON attachment and
the XMP finisher – and "bare" is weasyprint.HTML(string=same_html).write_pdf(), default
options. Agreements are synthetic (2 parties, N commitments) sized to about 10 and 50 pages.
"Cached" is what the route does on a cache hit besides reading the agreement: digest the
JSON and read the file (the agreement read itself is measured in docs/performance.md).
Rounds alternate service and bare; medians are reported.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def agreement(commitments: int) -> dict:
    def party(i: int, name: str, org: str) -> dict:
        return {"id": i, "agreement_id": 1, "organization": {"id": i, "name": name,
                "kind": "municipality" if i == 1 else "police", "org_number": org,
                "municipality_code": "2580", "version": 1},
                "role": "Part", "registration_number": f"KS 2026/{i}", "primary_contact": {
                    "id": 10 + i, "organization_id": i, "name": "Åsa Öberg", "email": "a@b.se",
                    "phone": None, "title": "Samordnare", "language": "sv", "version": 1},
                "signatory_name": "Carina Sammeli", "signatory_title": "Ordförande",
                "signatory_email": None, "signed_on": None, "signed_place": None,
                "signature_method": None, "version": 1}
    return {
        "id": 1, "title": "Samverkansöverenskommelse Luleå 2026–2029",
        "kind": "collaboration_agreement", "status": "draft", "registration_number": "KS 1",
        "purpose": "Öka tryggheten.", "background": "Sedan 2012.", "governance": "Styrgrupp.",
        "period_start": "2026-01-01", "period_end": "2029-12-31", "follow_up_cadence": "yearly",
        "local_police_area_id": None, "municipality_codes": ["2580"], "parent_id": None,
        "supersedes_id": None, "version": 3, "created_at": "2026-01-01T08:00:00Z",
        "updated_at": "2026-02-01T08:00:00Z", "coordinator_user_ids": [],
        "parties": [party(1, "Luleå kommun", "212000-2627"),
                    party(2, "Polismyndigheten", "202100-0076")],
        "focus_areas": [], "goals": [], "follow_ups": [],
        "commitments": [{
            "id": c, "agreement_id": 1, "party_id": 1 + c % 2, "focus_area_id": None,
            "title": f"Åtagande {c}", "description": "Parten genomför trygghetsvandringar. " * 4,
            "responsible_contact_id": 11, "due_date": "2026-06-30", "recurrence": None,
            "status": "confirmed", "status_changed_at": "2026-01-05T08:00:00Z",
            "confirmed_by": "a@b.se", "confirmed_at": "2026-01-05T08:00:00Z",
            "confirmation_comment": None, "version": 1, "created_at": "2026-01-01T08:00:00Z",
            "updated_at": "2026-01-01T08:00:00Z"} for c in range(commitments)],
    }


CHILD = r'''
import json, resource, sys, time
sys.path.insert(0, sys.argv[4])
from samverkan.documents import render
from weasyprint import HTML
kind, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
agreement = json.loads(data)
if kind == "bare":
    html = render.html(agreement, {}, "sv", "Europe/Stockholm")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    pdf = HTML(string=html).write_pdf()
else:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    pdf = render.render(data, {}, "sv", "a3b")
elapsed = time.perf_counter() - started
if sys.argv[3] != "-":
    open(sys.argv[3], "wb").write(pdf)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1024, "growth_mb": (peak - base) / 1024,
                  "bytes": len(pdf)}))
'''


def run(kind: str, path: Path, out: str = "-") -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), out, str(ROOT / "src")],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(l for l in info.stdout.splitlines() if l.startswith("Pages:")).split()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="/tmp/documents_perf_section.md")
    args = parser.parse_args()
    import hashlib

    work = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    rows = []
    for label, commitments in (("10 pages", 50), ("50 pages", 390)):
        source = work / f"{commitments}.json"
        source.write_bytes(json.dumps(agreement(commitments), ensure_ascii=False).encode())
        pdf_path = work / f"{commitments}.pdf"
        run("service", source, str(pdf_path))  # warm-up, and the file for pdfinfo
        service, bare = [], []
        for _ in range(args.rounds):
            service.append(run("service", source))
            bare.append(run("bare", source))
        # A cache hit: digest the JSON (the ETag) and read the stored file.
        data = source.read_bytes()
        hits = []
        for _ in range(200):
            started = time.perf_counter()
            hashlib.sha256(data).hexdigest()
            pdf_path.read_bytes()
            hits.append(time.perf_counter() - started)
        med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
        rows.append({
            "label": label, "commitments": commitments, "pages": pages(pdf_path),
            "service_s": med(service, "seconds"), "bare_s": med(bare, "seconds"),
            "service_peak": med(service, "peak_mb"), "bare_peak": med(bare, "peak_mb"),
            "service_growth": med(service, "growth_mb"), "bare_growth": med(bare, "growth_mb"),
            "cached_ms": statistics.median(hits) * 1000, "bytes": pdf_path.stat().st_size,
        })
    lines = [
        "## Printed agreements (bench/documents.py)",
        "",
        f"`.venv/bin/python bench/documents.py --rounds {args.rounds}`; each render in a fresh "
        f"process, medians of {args.rounds} alternating rounds; CPU: {os.cpu_count()} cores; "
        "WeasyPrint " + __import__("weasyprint").__version__ + ".",
        "",
        "| Document | Pages | Service render | Bare WeasyPrint | Ratio (target ≤ 1.15×) "
        "| Peak RSS service / bare | Cached hit | Fresh / cached (target ≥ 100×) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} ({r['commitments']} commitments, {r['bytes'] // 1024} KiB) "
            f"| {r['pages']} | {r['service_s']:.2f} s | {r['bare_s']:.2f} s "
            f"| {r['service_s'] / r['bare_s']:.2f}× | {r['service_peak']:.0f} / "
            f"{r['bare_peak']:.0f} MB | {r['cached_ms']:.2f} ms "
            f"| {r['service_s'] * 1000 / r['cached_ms']:.0f}× |"
        )
    lines += [
        "",
        "Service = Jinja + WeasyPrint with PDF/A-3b, the JSON attachment and the XMP finisher; "
        "bare = `HTML(string=same_html).write_pdf()` with default options. Peak RSS is the "
        "process's ru_maxrss after the render (interpreter and imports included). The cached "
        "hit excludes the agreement read the route also does (see the agreement-read figures).",
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
