"""Which pages exist, in menu order. A page appears only when its file exists,
and private pages never appear in public mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "Executive overview", ":material/dashboard:", "overview", False),
    PageSpec(
        "happiness.py", "Happiness index", ":material/sentiment_satisfied:", "happiness", False
    ),
    PageSpec("engagement.py", "Engagement & fairness", ":material/group:", "engagement", False),
    PageSpec(
        "consistency.py", "Channel consistency", ":material/compare_arrows:", "consistency", False
    ),
    PageSpec("people.py", "People", ":material/support_agent:", "people", False),
    PageSpec("board.py", "Public board", ":material/leaderboard:", "board", True),
    PageSpec("brand_card.py", "Brand card", ":material/badge:", "brand", True),
    PageSpec("methodology.py", "Methodology", ":material/functions:", "methodology", True),
    PageSpec("upload.py", "Upload data", ":material/upload:", "upload", False),
)


def visible_pages(public: bool) -> list[tuple[PageSpec, Path]]:
    chosen = []
    for spec in PAGES:
        path = PAGES_DIR / spec.file
        if path.is_file() and (spec.public if public else spec.private):
            chosen.append((spec, path))
    return chosen
