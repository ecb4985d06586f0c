"""The trend chart of an indicator over periods: a server-rendered SVG and its text alternative."""

import hashlib
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol

WIDTH = 640
# Presentation attributes only: the pages' CSP forbids inline styles (style-src 'self').
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, DejaVu Sans, sans-serif"
TEXT = "#1b1b1f"
TEXT_SECONDARY = "#45474d"
GRID = "#e1e2e6"
AXIS = "#6b6e76"
NBSP = "\u00a0"
# Every colour has a contrast of at least 4.5:1 against white (WCAG asks 3:1 of graphics);
# dash pattern and marker shape differ too, so the chart reads in black and white.
COLOURS = ("#0b62a4", "#c25400", "#1a7f5a", "#8e3b96", "#8a6d00", "#b3245a", "#4d4d4d", "#00758f")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "14 3 2 3 2 3")  # six: see _style
MARKERS = ("circle", "square", "triangle", "diamond", "triangle_down", "ring", "hollow_square")
REFERENCE = {  # stroke, width, dash
    "baseline": ("#5f6168", "1.25", "3 3"),
    "target": (TEXT, "1.5", "9 4"),
}
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
_SYMBOLS = {
    language: (get_decimal_symbol(locale), get_group_symbol(locale).replace("\u202f", NBSP))
    for language, locale in LOCALES.items()
}
WORDS = {
    "sv": {
        "baseline": "Utgångsläge",
        "target": "Mål",
        "higher": "Högre värden är bättre.",
        "lower": "Lägre värden är bättre.",
        "no_values": "Inga värden ännu",
        "shows": "Diagrammet visar {what} per period",
        "span": " från {first} till {last}.",
        "single": " för {first}.",
        "none": "{name}: inga värden.",
        "one": "{name}: {value} ({label}).",
        "from_to": "{name}: från {first} ({first_label}) till {last} ({last_label}), {change}",
        "unchanged": "oförändrat",
        "increase": "en ökning med {amount}",
        "decrease": "en minskning med {amount}",
        "points": "procentenheter",
        "better": "en förbättring",
        "worse": "en försämring",
        "missing": "Värde saknas för {labels}.",
        "missing_many": "Värde saknas för {count} perioder.",
        "no_series": "Inga serier att visa.",
    },
    "en": {
        "baseline": "Baseline",
        "target": "Target",
        "higher": "Higher values are better.",
        "lower": "Lower values are better.",
        "no_values": "No values yet",
        "shows": "The chart shows {what} per period",
        "span": " from {first} to {last}.",
        "single": " for {first}.",
        "none": "{name}: no values.",
        "one": "{name}: {value} ({label}).",
        "from_to": "{name}: from {first} ({first_label}) to {last} ({last_label}), {change}",
        "unchanged": "unchanged",
        "increase": "an increase of {amount}",
        "decrease": "a decrease of {amount}",
        "points": "percentage points",
        "better": "an improvement",
        "worse": "a deterioration",
        "missing": "No value for {labels}.",
        "missing_many": "No value for {count} periods.",
        "no_series": "No series to show.",
    },
}
# Characters XML 1.0 does not allow; a party's name pasted from elsewhere must not break the SVG.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Point:
    label: str  # period code, e.g. "2026-Q1"
    value: float | None  # None = no value that period (a gap in the line)


@dataclass(frozen=True)
class Series:
    name: str  # e.g. a party's name
    points: list[Point]  # same labels, same order, for every series of one chart


# --- text -----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", str(text))


def _escape(text: str) -> str:
    """Text safe as element content and inside a double- or single-quoted attribute."""
    return (
        _clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(_clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_width(text: str, size: float) -> float:
    """A generous estimate: the chart must lay out without measuring fonts."""
    return len(text) * size * 0.6


def _value(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _number(x: float, language: str, decimals: int | None = None) -> str:
    """A value as a person reads it: Swedish decimal comma, non-breaking thousands separator.

    The same text as babel's format_decimal (its symbols, half-even rounding of the decimal
    value), built with str.format: a page of forty charts formats thousands of numbers.
    """
    if decimals is None:  # as many decimals as a value needs, more for small values (rates)
        places = 2 if abs(x) >= 0.1 or x == 0 else 4
        text = f"{abs(Decimal(repr(x))):,.{places}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        text = f"{abs(Decimal(repr(x))):,.{decimals}f}"
    if x < 0 and text.strip("0.,"):  # no "-0"
        text = "-" + text
    decimal_symbol, group_symbol = _SYMBOLS[language]
    return text.translate({ord(","): group_symbol, ord("."): decimal_symbol})


def _with_unit(x: float, unit: str, language: str) -> str:
    text = _number(x, language)
    return f"{text}{NBSP}%" if unit.strip() == "%" else text


def trend_text(
    title: str,
    unit: str,
    series: list[Series],
    *,
    baseline: float | None = None,
    target: float | None = None,
    language: str = "sv",
    higher_is_better: bool | None = None,
) -> str:
    """The chart's text alternative: a sentence or two per series, in Swedish or English.

    Also shown under the chart on the pages and in the PDF. With `higher_is_better` given, a
    change is called an improvement or a deterioration.
    """
    words = WORDS[language]
    locale = LOCALES[language]
    title = " ".join(_clean(title).split())
    unit = " ".join(_clean(unit).split())
    what = f"{title} ({unit})" if unit else title
    labels = [" ".join(_clean(p.label).split()) for p in series[0].points] if series else []
    sentences = [words["shows"].format(what=what)]
    if len(labels) > 1:
        sentences[0] += words["span"].format(first=labels[0], last=labels[-1])
    elif labels:
        sentences[0] += words["single"].format(first=labels[0])
    else:
        sentences[0] += "."
    if higher_is_better is not None:
        sentences.append(words["higher" if higher_is_better else "lower"])
    if not series:
        sentences.append(words["no_series"])
    for one in series:
        name = " ".join(_clean(one.name).split())
        periods = [" ".join(_clean(p.label).split()) for p in one.points]
        known = [(i, v) for i, p in enumerate(one.points) if (v := _value(p.value)) is not None]
        if not known:
            sentences.append(words["none"].format(name=name))
            continue
        if len(known) == 1:
            i, v = known[0]
            sentence = words["one"].format(
                name=name, value=_with_unit(v, unit, language), label=periods[i]
            )
        else:
            (i, first), (j, last) = known[0], known[-1]
            difference = last - first
            if _number(abs(difference), language) == "0":
                change = words["unchanged"]
            else:
                if unit == "%":
                    amount = f"{_number(abs(difference), language)}{NBSP}{words['points']}"
                else:
                    amount = _number(abs(difference), language)
                    if first != 0:
                        relative = format_percent(
                            abs(difference / first),
                            format="#,##0\u00a0%" if language == "sv" else "#,##0%",
                            locale=locale,
                        )
                        amount += f" ({relative})"
                change = words["increase" if difference > 0 else "decrease"].format(amount=amount)
                if higher_is_better is not None:
                    better = (difference > 0) == higher_is_better
                    change += " – " + words["better" if better else "worse"]
            sentence = words["from_to"].format(
                name=name,
                first=_with_unit(first, unit, language),
                first_label=periods[i],
                last=_with_unit(last, unit, language),
                last_label=periods[j],
                change=change,
            ) + "."
        missing = [periods[i] for i, p in enumerate(one.points) if _value(p.value) is None]
        if missing and len(missing) <= 5:
            sentence += " " + words["missing"].format(labels=", ".join(missing))
        elif missing:
            sentence += " " + words["missing_many"].format(count=len(missing))
        sentences.append(sentence)
    references = [
        f"{words[kind]}: {_with_unit(v, unit, language)}."
        for kind, v in (("baseline", _value(baseline)), ("target", _value(target)))
        if v is not None
    ]
    return " ".join(sentences + references)


# --- scale ----------------------------------------------------------------------------------


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10**exponent
        if step >= raw * (1 - 1e-9):
            return step
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def _decimals(step: float) -> int:
    for decimals in range(0, 12):
        if abs(round(step, decimals) - step) <= abs(step) * 1e-9:
            return decimals
    return 12


def _scale(values: list[float]) -> tuple[float, float, list[float], int]:
    """Round ticks around the values: (low, high, ticks, decimals of the tick labels)."""
    if not values:
        return 0.0, 1.0, [0.0, 0.25, 0.5, 0.75, 1.0], 2
    low, high = min(values), max(values)
    if low == high:  # one value, or all alike: from zero, with room above (or below)
        if low > 0:
            low, high = 0.0, high * 1.2
        elif high < 0:
            low, high = low * 1.2, 0.0
        else:
            high = 1.0
    # Zero belongs on the axis unless it would squeeze the values into a thin band.
    elif low > 0 and low <= high * 0.6:
        low = 0.0
    elif high < 0 and high >= low * 0.6:
        high = 0.0
    step = _nice_step((high - low) / 5)
    decimals = _decimals(step)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = [round(k * step, decimals + 2) + 0.0 for k in range(first, last + 1)]
    return ticks[0], ticks[-1], ticks, decimals


def _x_label_every(labels: list[str], spacing: float) -> int:
    """Label every n-th period so that neighbours never touch (counted from the latest)."""
    widest = max((_text_width(label, 12) for label in labels), default=0) + 10
    return max(1, math.ceil(widest / spacing)) if spacing > 0 else 1


# --- drawing --------------------------------------------------------------------------------


def _f(x: float) -> str:
    text = f"{x:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


def _marker(shape: str, x: float, y: float, r: float) -> str:
    if shape in ("circle", "ring"):
        return (
            f"M{_f(x - r)} {_f(y)}a{_f(r)} {_f(r)} 0 1 0 {_f(2 * r)} 0"
            f"a{_f(r)} {_f(r)} 0 1 0 {_f(-2 * r)} 0Z"
        )
    if shape in ("square", "hollow_square"):
        s = r * 0.9
        return f"M{_f(x - s)} {_f(y - s)}h{_f(2 * s)}v{_f(2 * s)}h{_f(-2 * s)}Z"
    if shape == "triangle":
        return (
            f"M{_f(x)} {_f(y - r * 1.25)}L{_f(x + r * 1.15)} {_f(y + r * 0.85)}"
            f"L{_f(x - r * 1.15)} {_f(y + r * 0.85)}Z"
        )
    if shape == "triangle_down":
        return (
            f"M{_f(x)} {_f(y + r * 1.25)}L{_f(x + r * 1.15)} {_f(y - r * 0.85)}"
            f"L{_f(x - r * 1.15)} {_f(y - r * 0.85)}Z"
        )
    # diamond
    d = r * 1.3
    return f"M{_f(x)} {_f(y - d)}L{_f(x + d)} {_f(y)}L{_f(x)} {_f(y + d)}L{_f(x - d)} {_f(y)}Z"


def _style(index: int) -> tuple[str, str, str]:
    # Cycles of 8 colours, 6 dashes and 7 markers: no two of the first 42 series look alike.
    return COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]


def _marker_paint(colour: str, shape: str) -> str:
    if shape in ("ring", "hollow_square"):
        return f'fill="#ffffff" stroke="{colour}" stroke-width="1.75"'
    return f'fill="{colour}" stroke="#ffffff" stroke-width="1"'


def trend_svg(
    title: str,
    unit: str,
    series: list[Series],
    *,
    baseline: float | None = None,
    target: float | None = None,
    higher_is_better: bool = True,
    language: str = "sv",
    chart_id: str | None = None,
) -> str:
    """A self-contained, accessible SVG line chart of an indicator over periods.

    One line per series with gaps where a period has no value; the baseline and the target as
    labelled dashed lines. Inline it in HTML (it has no XML declaration) or use it as an image;
    the same input gives the same bytes. `chart_id` prefixes the ids of <title> and <desc>; by
    default it is derived from the input, so two different charts on one page never clash.
    """
    if language not in WORDS:
        raise ValueError(f"unknown language {language!r}")
    labels = [p.label for p in series[0].points] if series else []
    for one in series:
        if [p.label for p in one.points] != labels:
            raise ValueError("every series of a chart must have the same period labels")
    words = WORDS[language]
    baseline, target = _value(baseline), _value(target)
    text = trend_text(
        title, unit, series, baseline=baseline, target=target, language=language,
        higher_is_better=higher_is_better,
    )
    if chart_id is None:
        key = repr((title, unit, series, baseline, target, higher_is_better, language))
        chart_id = "trend-" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:12]
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "trend"

    values = [v for one in series for p in one.points if (v := _value(p.value)) is not None]
    low, high, ticks, decimals = _scale(
        values + [v for v in (baseline, target) if v is not None]
    )
    tick_texts = [_number(t, language, decimals) for t in ticks]

    # Layout, top to bottom: title, subtitle (unit, which way is better), plot, periods, legend.
    left = 16 + max(_text_width(t, 12) for t in tick_texts) + 8
    references = [(k, v) for k, v in (("baseline", baseline), ("target", target)) if v is not None]
    margin = 20
    for kind, v in references:
        widest = max(_text_width(words[kind], 11), _text_width(_with_unit(v, unit, language), 11))
        margin = max(margin, min(widest + 14, 140))
    right = WIDTH - margin
    top, plot_height = 64, 220
    bottom = top + plot_height
    legend = []  # (x, row, index, name)
    x, row = left, 0
    for index, one in enumerate(series):
        name = _shorten(one.name, 40)
        width = 34 + 6 + _text_width(name, 12) + 18
        if x + width > WIDTH - 12 and x > left:
            x, row = left, row + 1
        legend.append((x, row, index, name))
        x += width
    legend_top = bottom + 40
    height = legend_top + (row + 1) * 22 + 6 if series else bottom + 40

    def y_of(v: float) -> float:
        return bottom - (v - low) / (high - low) * plot_height

    n = len(labels)
    inset = 14
    spacing = (right - left - 2 * inset) / (n - 1) if n > 1 else 0.0

    def x_of(i: int) -> float:
        return (left + right) / 2 if n == 1 else left + inset + i * spacing

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="{WIDTH}" '
        f'height="{_f(height)}" viewBox="0 0 {WIDTH} {_f(height)}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" lang="{language}" '
        f'font-family="{FONT}" font-size="12" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{_escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{_escape(text)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{_f(height)}" fill="#ffffff"/>',
        f'<text class="chart-title" x="16" y="24" font-size="15" font-weight="bold">'
        f"{_escape(_shorten(title, 66))}</text>",
    ]
    subtitle = [_shorten(unit, 40)] if unit.strip() else []
    subtitle.append(words["higher" if higher_is_better else "lower"].rstrip("."))
    out.append(
        f'<text class="chart-subtitle" x="16" y="44" fill="{TEXT_SECONDARY}">'
        f'{_escape(" · ".join(subtitle))}</text>'
    )

    # Grid and y axis.
    out.append('<g class="y-axis">')
    for tick, label in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        colour = AXIS if tick == 0 or tick == low else GRID
        out.append(
            f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(right)}" y2="{_f(y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{_f(left - 8)}" y="{_f(y + 4)}" text-anchor="end" '
            f'fill="{TEXT_SECONDARY}">{_escape(label)}</text>'
        )
    out.append("</g>")

    # Periods along the x axis; when there are many, every n-th label counted back from the
    # latest period, the one people look for.
    out.append('<g class="x-axis">')
    every = _x_label_every(labels, spacing) if n > 1 else 1
    for i, label in enumerate(labels):
        x = x_of(i)
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(bottom)}" x2="{_f(x)}" y2="{_f(bottom + 4)}" '
            f'stroke="{AXIS}" stroke-width="1"/>'
        )
        if (n - 1 - i) % every == 0:
            out.append(
                f'<text x="{_f(x)}" y="{_f(bottom + 20)}" text-anchor="middle" '
                f'fill="{TEXT_SECONDARY}">{_escape(_shorten(label, 12))}</text>'
            )
    out.append("</g>")

    # Baseline and target: dashed lines across the plot, labelled in the right margin (name
    # above value) where no line of data can run through the label; close labels move apart.
    placed = []
    for kind, v in references:
        stroke, stroke_width, dash = REFERENCE[kind]
        y = y_of(v)
        out.append(
            f'<line class="reference {kind}" x1="{_f(left)}" y1="{_f(y)}" x2="{_f(right)}" '
            f'y2="{_f(y)}" stroke="{stroke}" stroke-width="{stroke_width}" '
            f'stroke-dasharray="{dash}"/>'
        )
        placed.append([y, kind, v])
    # Two-line labels stay beside the plot, clear of the period labels below it.
    highest, lowest = top + 8, bottom - 14
    placed.sort(key=lambda item: item[0])
    for item in placed:
        item[0] = min(max(item[0], highest), lowest)
    if len(placed) == 2 and placed[1][0] - placed[0][0] < 28:
        middle = min(max((placed[0][0] + placed[1][0]) / 2, highest + 14), lowest - 14)
        placed[0][0], placed[1][0] = middle - 14, middle + 14
    for y, kind, v in placed:
        out.append(
            f'<text class="reference-label {kind}" x="{_f(right + 8)}" y="{_f(y - 2)}" '
            f'font-size="11" fill="{TEXT}">{_escape(words[kind])}'
            f'<tspan x="{_f(right + 8)}" y="{_f(y + 11)}" font-weight="bold">'
            f"{_escape(_with_unit(v, unit, language))}</tspan></text>"
        )

    if not values:
        out.append(
            f'<text class="no-values" x="{_f((left + right) / 2)}" y="{_f(top + plot_height / 2)}" '
            f'text-anchor="middle" fill="{TEXT_SECONDARY}">{_escape(words["no_values"])}</text>'
        )

    # The lines: one path per series, a new subpath after each gap; a point alone between
    # gaps is shown by its marker only.
    radius = 4.0 if n <= 24 else 3.0
    for index, one in enumerate(series):
        colour, dash, shape = _style(index)
        runs: list[list[tuple[float, float]]] = [[]]
        for i, p in enumerate(one.points):
            v = _value(p.value)
            if v is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append((x_of(i), y_of(v)))
        d = "".join(
            "M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in run) for run in runs if len(run) > 1
        )
        out.append(f'<g class="series series-{index + 1}">')
        if d:
            dasharray = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<path class="line" d="{d}" fill="none" stroke="{colour}" stroke-width="2.25" '
                f'stroke-linejoin="round"{dasharray}/>'
            )
        out.append(f'<g class="markers" {_marker_paint(colour, shape)}>')
        name = " ".join(_clean(one.name).split())
        for i, p in enumerate(one.points):
            v = _value(p.value)
            if v is None:
                continue
            tip = f"{name}, {p.label}: {_with_unit(v, unit, language)}"
            out.append(
                f'<path d="{_marker(shape, x_of(i), y_of(v), radius)}"><title>{_escape(tip)}'
                "</title></path>"
            )
        out.append("</g></g>")

    # Legend: a sample of each line (its dash and marker) and the series' name.
    if series:
        out.append('<g class="legend">')
        for x, row, index, name in legend:
            colour, dash, shape = _style(index)
            y = legend_top + row * 22
            dasharray = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<g class="legend-item"><line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x + 34)}" '
                f'y2="{_f(y)}" stroke="{colour}" stroke-width="2.25"{dasharray}/>'
                f'<path d="{_marker(shape, x + 17, y, 4.0)}" {_marker_paint(colour, shape)}/>'
                f'<text x="{_f(x + 40)}" y="{_f(y + 4)}">{_escape(name)}</text></g>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
