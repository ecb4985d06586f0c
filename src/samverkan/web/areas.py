"""The areas of server-rendered pages: where each lives, its layout and its start page.

Everything under an area's prefix gets the pages' security headers, CSRF-protected forms
and errors rendered as pages. The coordinators' workspace (issue 7) adds itself here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    prefix: str
    layout: str
    home: str


AREAS = (Area(prefix="/portal", layout="portal/layout.html", home="/portal/"),)


def area_of(path: str) -> Area | None:
    for area in AREAS:
        if path == area.prefix or path.startswith(area.prefix + "/"):
            return area
    return None
