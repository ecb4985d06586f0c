"""The areas of server-rendered pages: where each lives, its layout and its start page.

Everything under an area's prefix gets the pages' security headers, CSRF-protected forms
and errors rendered as pages.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    prefix: str
    layout: str
    home: str


AREAS = (
    Area(prefix="/portal", layout="portal/layout.html", home="/portal/"),
    Area(prefix="/workspace", layout="workspace/layout.html", home="/workspace/"),
)


def area_of(path: str) -> Area | None:
    for area in AREAS:
        if path == area.prefix or path.startswith(area.prefix + "/"):
            return area
    return None
