"""The archive site's pages: view models in, HTML text out (Jinja2 templates under templates/site/).

The pages are static and need no JavaScript: every link is relative (`root`
is the way back to the site's top from a page), so the site works from the
file system as well as from any static host. The services gather the data;
this module only lays it out. Chapter HTML and redline fragments are trusted
(made by this tool from escaped text) and marked safe here, nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from gap_analysis.model.build import RenderedChapter, TocEntry
from gap_analysis.model.comment import COMMENT_TYPE_NAMES, Comment
from gap_analysis.model.diff import DiffResult
from gap_analysis.model.gap import Gap
from gap_analysis.render.redline_html import demote_headings, redline_css
from gap_analysis.render.resources import jinja_environment

CSS_NAME = "site.css"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
)
"""On every page: no script of any kind, the site's own stylesheet and images only.

The pages need nothing else (no inline style, no data: URI), so an image or
text that slipped through could still not run or fetch anything."""


@dataclass(frozen=True)
class SiteInfo:
    title: str
    group: str
    language: str = "en"
    updated: str = ""
    """Date of the newest version (never the wall clock, so a rebuild is identical)."""


@dataclass(frozen=True)
class VersionEntry:
    """One version as the index and every page about it names it."""

    name: str
    state: str
    """Stage id, e.g. `sg17`."""
    state_name: str
    """Display form, e.g. `SG17` or `Returned by SG17`."""
    date: str
    meeting: str = ""
    document: str = ""
    purpose: str = ""
    previous: str = ""
    pdf: str = ""
    """File name of the PDF inside the version's folder ("" when not built)."""
    has_changes: bool = False
    comments: int = 0
    open_comments: int = 0


@dataclass(frozen=True)
class SiteEventRow:
    date: str
    action: str
    change: str
    """e.g. `CG-COP -> SG17`."""
    actor: str
    meeting: str = ""
    document: str = ""
    note: str = ""


@dataclass(frozen=True)
class VersionPage:
    entry: VersionEntry
    review_svg: str
    chapters: Sequence[RenderedChapter]
    gaps: Sequence[Gap]
    history: Sequence[SiteEventRow]
    commit: str = ""
    editors: Sequence[str] = ()


@dataclass(frozen=True)
class SiteChapterRow:
    label: str
    status: str
    words_in: int
    words_out: int
    sections: Sequence[str] = ()


@dataclass(frozen=True)
class ChangesPage:
    entry: VersionEntry
    against: str
    result: DiffResult
    chart_svg: str
    chapters: Sequence[SiteChapterRow] = field(default_factory=tuple)
    redline: Sequence[tuple[str, str]] = ()
    """(chapter id, redline HTML) of each changed chapter, made by the build's renderer."""
    legend: str = ""


@cache
def _environment() -> jinja2.Environment:
    env = jinja_environment("templates/site")
    env.filters["comment_type"] = lambda t: COMMENT_TYPE_NAMES.get(t, t)
    return env


def site_css() -> bytes:
    """The site's stylesheet, with the redline marks' styles (no page may carry inline styles)."""
    own = (resources.files("gap_analysis.render") / "templates" / "site" / CSS_NAME).read_bytes()
    return own + b"\n" + redline_css().encode("utf-8")


def _toc(chapters: Sequence[RenderedChapter]) -> list[TocEntry]:
    return [entry for chapter in chapters for entry in chapter.toc if entry.level <= 2]


def _render(
    template: str, site: SiteInfo, root: str, title: str, current: str, **values: object
) -> str:
    return (
        _environment()
        .get_template(template)
        .render(
            site=site,
            root=root,
            page_title=title,
            current=current,
            css=f"{root}{CSS_NAME}",
            csp=CONTENT_SECURITY_POLICY,
            **values,
        )
    )


def index_page(site: SiteInfo, versions: Sequence[VersionEntry]) -> str:
    return _render("index.html.j2", site, "", "Versions", "index", versions=versions)


def version_page(site: SiteInfo, page: VersionPage) -> str:
    return _render(
        "version.html.j2",
        site,
        "../../",
        f"{page.entry.name}",
        "version",
        page=page,
        entry=page.entry,
        toc=_toc(page.chapters),
        chapter_html=[(c, Markup(demote_headings(c.html))) for c in page.chapters],  # noqa: S704 - tool-made HTML
        review_svg=Markup(page.review_svg),
    )  # noqa: S704 - tool-made SVG, text escaped


def _to_version_page(html: str) -> str:
    """Links inside the redline lead to the version's reading page, which holds every id."""
    return html.replace(' href="#', ' href="index.html#')


def changes_page(site: SiteInfo, page: ChangesPage) -> str:
    redline = [
        (chapter_id, Markup(_to_version_page(demote_headings(html, 2))))  # noqa: S704 - rendered with raw HTML off
        for chapter_id, html in page.redline
    ]
    return _render(
        "changes.html.j2",
        site,
        "../../",
        f"{page.entry.name}: changes since {page.against}",
        "version",
        page=page,
        entry=page.entry,
        heading=page.result.heading,
        summary=page.result.headline,
        redline=redline,
        legend=Markup(page.legend),  # noqa: S704 - tool-made HTML
        chart_svg=Markup(page.chart_svg),
    )  # noqa: S704 - tool-made SVG, text escaped


def gaps_page(site: SiteInfo, version: VersionEntry | None, gaps: Sequence[Gap]) -> str:
    return _render("gaps.html.j2", site, "", "Gap register", "gaps", version=version, gaps=gaps)


def comments_page(site: SiteInfo, groups: Sequence[tuple[VersionEntry, Sequence[Comment]]]) -> str:
    return _render(
        "comments.html.j2", site, "", "Comments and their disposition", "comments", groups=groups
    )
