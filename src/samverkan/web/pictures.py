"""The joint picture's indicators as the pages show them – the partner portal's and the
workspace's alike: each with its trend chart (inline SVG) and the same chart in words."""

from dataclasses import dataclass

from samverkan.situation import chart
from samverkan.situation.schemas import PictureIndicator


@dataclass(frozen=True)
class PictureBlock:
    """One indicator of the joint picture with its trend chart and the chart in words."""

    block: PictureIndicator
    svg: str
    text: str


def picture_block(block: PictureIndicator, language: str) -> PictureBlock:
    """An indicator's chart: a line per organisation (and place), its goal's baseline and
    target where the goal has them."""
    indicator = block.indicator
    name = indicator.name_en if language == "en" else indicator.name_sv
    series = [
        chart.Series(name=f"{row.organization} – {row.place}" if row.place else row.organization,
                     points=[chart.Point(label=h.period, value=h.value) for h in row.history])
        for row in block.rows
    ]
    goal = next((g for g in block.goals if g.baseline is not None or g.target is not None), None)
    baseline, target = (goal.baseline, goal.target) if goal else (None, None)
    return PictureBlock(
        block=block,
        svg=chart.trend_svg(name, indicator.unit, series, baseline=baseline, target=target,
                            higher_is_better=indicator.higher_is_better, language=language,
                            chart_id=f"chart-{indicator.id}"),
        text=chart.trend_text(name, indicator.unit, series, baseline=baseline, target=target,
                              language=language, higher_is_better=indicator.higher_is_better),
    )
