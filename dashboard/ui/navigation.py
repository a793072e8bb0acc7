"""Which pages exist, in menu order, and who may open them. A page appears only when
its file exists; private pages never appear in public mode; with sign-in on, a page
appears only to a role that may see it (PageSpec.role, dashboard/core/access.py) and
refuses everyone else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.core.access import UPLOAD, Role, allows

_PACKAGE = Path(__file__).resolve().parent.parent
_PACKAGED = _PACKAGE / "pages"  # the wheel ships pages/ inside the package
PAGES_DIR = _PACKAGED if _PACKAGED.is_dir() else _PACKAGE.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    public: bool  # shown in `chi serve --public`
    private: bool = True  # shown in the normal (private) app
    # the least role that may open it once sign-in is on; None: anyone, signed in or
    # not (the public pages). Without sign-in every private page is open, as always.
    role: Role | None = Role.VIEWER
    # it draws Plotly charts: a new visit's first run shows them as images first,
    # until Plotly's script has loaded (dashboard/ui/first_paint.py)
    charts: bool = True


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "Executive overview", ":material/dashboard:", "overview", False),
    PageSpec(
        "happiness.py", "Happiness index", ":material/sentiment_satisfied:", "happiness", False
    ),
    PageSpec("engagement.py", "Engagement & fairness", ":material/group:", "engagement", False),
    PageSpec(
        "consistency.py", "Channel consistency", ":material/compare_arrows:", "consistency", False
    ),
    PageSpec("people.py", "People", ":material/support_agent:", "people", False, role=Role.ANALYST),
    PageSpec("topics.py", "Topics", ":material/forum:", "topics", False, role=Role.ANALYST),
    PageSpec(
        "board.py",
        "Public board",
        ":material/leaderboard:",
        "board",
        True,
        role=None,
        charts=False,  # drawn in HTML
    ),
    PageSpec("brand_card.py", "Brand card", ":material/badge:", "brand", True, role=None),
    PageSpec(
        "methodology.py",
        "Methodology",
        ":material/functions:",
        "methodology",
        True,
        role=None,
        charts=False,
    ),
    PageSpec(
        "upload.py", "Upload data", ":material/upload:", "upload", False, role=UPLOAD, charts=False
    ),
)


def _existing(public: bool) -> list[tuple[PageSpec, Path]]:
    chosen = []
    for spec in PAGES:
        path = PAGES_DIR / spec.file
        if path.is_file() and (spec.public if public else spec.private):
            chosen.append((spec, path))
    return chosen


def visible_pages(public: bool, role: Role | None = Role.ADMIN) -> list[tuple[PageSpec, Path]]:
    """The pages of the menu: in public mode the public ones; else those `role` may
    open (the default, admin, is every private page: the app without sign-in)."""
    return [(s, p) for s, p in _existing(public) if public or allows(s.role, role)]


def refused_pages(public: bool, role: Role | None) -> list[tuple[PageSpec, Path]]:
    """The private pages `role` may not open (None: signed out or no role). The router
    keeps their URLs, hidden from the menu, to say why instead of running them."""
    return [] if public else [(s, p) for s, p in _existing(False) if not allows(s.role, role)]


def private_pages_in_public_mode(public: bool) -> list[PageSpec]:
    """The private pages whose URLs, in public mode, say they are not on the public
    board (instead of silently showing the board)."""
    return [
        spec for spec in PAGES if public and not spec.public and (PAGES_DIR / spec.file).is_file()
    ]


def draws_charts(url_path: str) -> bool:
    """Whether the page at `url_path` draws Plotly charts (PageSpec.charts)."""
    return any(spec.charts and spec.url_path == url_path for spec in PAGES)
