"""The Jinja environment every area of pages shares (portal now, the coordinators' workspace
later), and the one way a handler answers with a page."""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from samverkan.settings import get_settings
from samverkan.web import i18n

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@pass_context
def _date(context, value) -> str:
    return i18n.long_date(context["lang"], value)


@pass_context
def _datetime(context, value) -> str:
    return i18n.date_time(context["lang"], value, get_settings().timezone)


@pass_context
def _number(context, value) -> str:
    return i18n.number(context["lang"], value)


def environment(areas: dict[str, Path]) -> Environment:
    """Templates are named by area: "web/base.html", "portal/home.html" …"""
    loaders = {"web": FileSystemLoader(TEMPLATES)}
    loaders.update({name: FileSystemLoader(directory) for name, directory in areas.items()})
    env = Environment(
        loader=PrefixLoader(loaders),
        autoescape=True,
        # A misspelt variable is an error in tests, not an empty spot on a page.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=i18n.t, label=i18n.label, LANGUAGES=i18n.LANGUAGES,
                       LANGUAGE_NAMES=i18n.LANGUAGE_NAMES)
    env.filters.update(date=_date, datetime=_datetime, number=_number)
    return env


def template_config(areas: dict[str, Path]) -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment(areas)))


def page(
    request: Request,
    template: str,
    *,
    lang: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A page in the layout. Every page has `lang`, the current path (for the language
    switch) and, when nobody is signed in, `contact` None."""
    context.setdefault("contact", None)
    context.setdefault("notice", None)
    return Template(
        template_name=template,
        context={"lang": lang, "path": _here(request), **context},
        status_code=status_code,
        headers=headers,
    )


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
