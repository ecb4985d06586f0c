"""The joint picture (lägesbild) in print: what the template's situation section needs,
computed from the picture's JSON as it is attached to the document (docs/documents.md).

The picture is the situation service's `joint_picture(..., audience=EXPORT)`: inputs marked
internal are not in it, so nothing here has to leave them out again.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from samverkan.documents.labels import CHOICES, LABELS
from samverkan.situation import chart
from samverkan.situation.periods import parse_period

NBSP = "\u00a0"
EN_DASH = "\u2013"
MINUS = "\u2212"
# The chart asks for a list of screen fonts; print names the one font the document uses.
PRINT_FONT = 'font-family="DejaVu Sans"'


def number(value: float | None, locale: str) -> str:
    """A value as read: decimal comma in Swedish, non-breaking thousands separator, more
    decimals for small values (rates)."""
    if value is None:
        return EN_DASH
    decimals = 2 if abs(value) >= 0.1 or value == 0 else 4
    value = round(value, decimals) + 0.0  # no "-0"
    text = format_decimal(abs(value), locale=locale, format="#,##0." + "#" * decimals)
    text = text.replace("\u202f", NBSP).replace(" ", NBSP)
    return f"{MINUS}{text}" if value < 0 else text


def signed(value: float | None, locale: str) -> str:
    """A change or a distance: always with its sign (a true minus sign), ±0 when none."""
    if value is None:
        return EN_DASH
    text = number(value, locale)
    if text == "0":
        return "\u00b10"
    return text if text.startswith(MINUS) else f"+{text}"


def share(value: float | None, locale: str) -> str:
    if value is None:
        return EN_DASH
    pattern = "#,##0\u00a0%" if locale.startswith("sv") else "#,##0%"
    return format_percent(value, format=pattern, locale=locale).replace("\u202f", NBSP)


def period_label(code: str, lang: str) -> str:
    """`2026-Q2 (april–juni 2026)`, `mars 2026`, `2026`."""
    period = parse_period(code)
    locale = LABELS[lang]["locale"]
    if period.start.month == 1 and period.end.month == 12:
        return code
    first = format_date(period.start, "LLLL", locale=locale)
    if period.start.month == period.end.month:
        return f"{first} {period.start.year}"
    last = format_date(period.end, "LLLL", locale=locale)
    return f"{code} ({first}{EN_DASH}{last}{NBSP}{period.start.year})"


def _date(value: str | None, locale: str, timezone: str | None = None) -> str:
    """A date, or the local date (in `timezone`) of a moment."""
    if not value:
        return EN_DASH
    if timezone is None or len(value) == 10:
        day = dt.date.fromisoformat(value[:10])
    else:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        day = moment.astimezone(ZoneInfo(timezone)).date()
    return format_date(day, format="long", locale=locale).replace(" ", NBSP)


def _svg(svg: str) -> Markup:
    # trend_svg escapes every text it draws (titles, names, labels): its output is markup.
    return Markup(svg.replace(f'font-family="{chart.FONT}"', PRINT_FONT, 1))


def _indicator(block: dict, lang: str) -> dict:
    labels = LABELS[lang]
    locale = labels["locale"]
    indicator = block["indicator"]
    name = indicator["name_sv"] if lang == "sv" else indicator["name_en"]
    unit = indicator["unit"]
    goals = block["goals"]
    several = len(goals) > 1
    rows = []
    series = []
    for row in block["rows"]:
        rows.append({
            "organization": row["organization"],
            "place": row["place"],
            "value": number(row["value"], locale),
            "previous": number(row["previous"], locale),
            "change": signed(row["change"], locale),
            "distances": [
                {
                    "mark": f"{index + 1}:{NBSP}" if several else "",
                    "from_baseline": signed(d["from_baseline"], locale),
                    "to_target": signed(d["to_target"], locale),
                    "progress": share(d["progress"], locale),
                }
                for index, d in enumerate(row["distances"])
            ],
        })
        series_name = row["organization"] + (f" {EN_DASH} {row['place']}" if row["place"] else "")
        series.append(chart.Series(series_name, [
            chart.Point(h["period"], h["value"]) for h in row["history"]
        ]))
    first_goal = goals[0] if goals else {"baseline": None, "target": None}
    chart_words = {"baseline": first_goal["baseline"], "target": first_goal["target"],
                   "higher_is_better": indicator["higher_is_better"], "language": lang}
    svg = chart.trend_svg(name, unit, series, chart_id=f"trend-{indicator['id']}", **chart_words)
    text = chart.trend_text(name, unit, series, **chart_words)
    return {
        "id": indicator["id"],
        "name": name,
        "code": indicator["code"],
        "unit": unit,
        "source": CHOICES[lang]["source_kind"].get(indicator["source_kind"], ""),
        "direction": labels["higher_is_better" if indicator["higher_is_better"]
                            else "lower_is_better"],
        "goals": [
            {
                "mark": f"{index + 1}:{NBSP}" if several else "",
                "title": g["title"],
                "baseline": number(g["baseline"], locale),
                "target": number(g["target"], locale),
            }
            for index, g in enumerate(goals)
        ],
        "rows": rows,
        "has_places": any(r["place"] for r in rows),
        "svg": _svg(svg),
        "text": text,
    }


def context(document: dict | None, lang: str, timezone: str = "Europe/Stockholm") -> dict | None:
    """The situation section's context from lagesbild.json ({"picture", "inputs"}, see
    documents/service.py); None when the agreement has no round yet."""
    if document is None:
        return None
    picture = document["picture"]
    labels = LABELS[lang]
    locale = labels["locale"]
    round_ = picture["round"]
    period = round_["period"]
    previous = parse_period(period).previous().code
    names = {
        block["indicator"]["id"]: block["indicator"]["name_sv" if lang == "sv" else "name_en"]
        for block in picture["indicators"]
    }
    status = CHOICES[lang]["input_status"]
    return {
        "period": period,
        "period_label": period_label(period, lang),
        "previous_period": previous,
        "periods": picture["periods"],
        "deadline": _date(round_["deadline"], locale),
        "round_open": round_["status"] == "open",
        "round_status": CHOICES[lang]["round_status"][round_["status"]],
        "indicators": [_indicator(block, lang) for block in picture["indicators"]],
        "inputs": [
            {
                "organization": i["organization"],
                "status": status[i["status"]],
                "submitted": _date(i["submitted_at"], locale, timezone),
                "reviewed": _date(i["reviewed_at"], locale, timezone)
                if i["status"] == "accepted" else EN_DASH,
            }
            for i in document["inputs"]
        ],
        "observations": [
            {"organization": o["organization"], "status": status[o["status"]], "text": o["text"]}
            for o in picture["observations"]
        ],
        "missing": [
            {
                "organization": m["organization"],
                "submitted": m["submitted"],
                "indicators": [names.get(i, str(i)) for i in m["indicator_ids"]],
            }
            for m in picture["missing"]
        ],
    }
