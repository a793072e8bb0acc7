"""Plotly figures of the Channel consistency page. Pure functions: frames in, figures out.
Brand and channel names come from the data: formatting.label escapes them (Plotly
renders a little HTML in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import ACCENT, BAD, COLORBAR_BELOW, MUTED, base_layout
from dashboard.core.formatting import label, labels
from dashboard.views.consistency import LABELS

SCALE = [[0.0, "#dc2626"], [0.5, "#fde68a"], [1.0, "#16a34a"]]
THIN_FILL = "#e5e7eb"
THIN_INK = "#6b7280"


def _cell_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


# the count a metric's value rests on: ratings for satisfaction, conversations with a
# mood for mood, conversations for the rest
BASIS: dict[str, tuple[str, str]] = {
    "satisfaction": ("rated_n", "rated conversations"),
    "mood": ("mood_sentiment_n", "conversations with a mood"),
}


def _heatmap_cell(
    cell: dict | None, brand: str, channel: str, metric: str, min_n: int
) -> tuple[float | None, float | None, str, str]:
    """(coloured value, grey marker, text, hover) of one brand x channel cell."""
    where = f"{label(brand)} · {label(channel)}"
    if cell is None:
        return None, None, "", f"{where}<br>no conversations"
    value = cell[metric]
    column, what = BASIS.get(metric, ("conversations", "conversations"))
    basis = int(cell[column] or 0)
    n = int(cell["conversations"])
    shown = "no data" if value is None else f"{value:.1f}"
    hover = f"{where}<br>{LABELS[metric]}: {shown}<br>n={n:,} conversations"
    if column != "conversations":
        hover += f", {basis:,} {what}"
    if value is None or basis == 0:
        return None, 0.0, "–", hover
    if basis < min_n:
        return None, 0.0, f"n<{min_n}", hover + f"<br>below the minimum n of {min_n}"
    return value, None, _cell_text(value), hover


def heatmap(channels: pl.DataFrame, metric: str, min_n: int) -> go.Figure:
    """Brands (rows) x entry channels (columns), coloured by `metric` (0-100).

    A cell whose value rests on fewer than `min_n` conversations (for satisfaction:
    rated conversations; for mood: conversations with a mood) is never coloured by
    its value: it is drawn grey with "n<min_n" written in it (value and n on hover).
    A brand without conversations on a channel has no cell at all.
    """
    brands = sorted(channels["brand"].unique().to_list())
    names = sorted(channels["channel"].unique().to_list())
    cells = {(r["brand"], r["channel"]): r for r in channels.iter_rows(named=True)}
    grid = [[_heatmap_cell(cells.get((b, c)), b, c, metric, min_n) for c in names] for b in brands]
    real, thin, text, hover = ([[cell[i] for cell in row] for row in grid] for i in range(4))
    x, y = labels(names), labels(brands)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=real,
            x=x,
            y=y,
            zmin=0,
            zmax=100,
            colorscale=SCALE,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hoverongaps=False,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            colorbar=COLORBAR_BELOW,
            name=LABELS[metric],
        )
    )
    fig.add_trace(
        go.Heatmap(
            z=thin,
            x=x,
            y=y,
            zmin=0,
            zmax=1,
            showscale=False,
            colorscale=[[0.0, THIN_FILL], [1.0, THIN_FILL]],
            text=text,
            texttemplate="%{text}",
            textfont={"color": THIN_INK, "size": 10},
            customdata=hover,
            hoverongaps=False,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            name=f"n<{min_n}",
        )
    )
    # every channel keeps its label on a phone (Plotly drops every other one of a
    # crowded category axis; an array of ticks turns them instead)
    fig.update_xaxes(side="top", showgrid=False, tickmode="array", tickvals=x, ticktext=x)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig = base_layout(fig, height=max(260, 30 * len(brands) + 140))
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def channel_bars(rows: pl.DataFrame, min_n: int, alert_gap_points: float) -> go.Figure:
    """One brand's index per channel (brand_channels frame): alerted channels red,
    channels under the minimum n grey and hollow, with the alert line."""
    colours, patterns, texts, places = [], [], [], []
    for r in rows.iter_rows(named=True):
        if r["below_min_n"]:
            colours.append(MUTED)
            patterns.append("/")
            texts.append(
                f"{_cell_text(r['happiness_index'])} · n={r['conversations']:,} (<{min_n})"
            )
        else:
            colours.append(BAD if r["alert"] else ACCENT)
            patterns.append("")
            texts.append(f"{_cell_text(r['happiness_index'])} · n={r['conversations']:,}")
        # long bars carry their label inside, clear of the reference lines; hatched
        # (thin) bars keep it outside, where it stays readable
        inside = not r["below_min_n"] and (r["happiness_index"] or 0) >= 30
        places.append("inside" if inside else "outside")
    fig = go.Figure(
        go.Bar(
            x=rows["happiness_index"].to_list(),
            y=labels(rows["channel"].to_list()),
            orientation="h",
            marker={"color": colours, "pattern": {"shape": patterns, "fgcolor": "white"}},
            text=texts,
            textposition=places,
            insidetextanchor="end",
            cliponaxis=False,
            insidetextfont={"color": "white"},
            customdata=rows["conversations"].to_list(),
            hovertemplate="%{y}: index %{x:.1f} (n=%{customdata:,})<extra></extra>",
        )
    )
    best = rows.filter(~pl.col("below_min_n") & pl.col("happiness_index").is_not_null())
    if best.height >= 2:
        top = float(best["happiness_index"].max())
        line = top - alert_gap_points
        fig.add_vline(x=top, line={"color": ACCENT, "dash": "dot", "width": 1})
        fig.add_vline(
            x=line,
            line={"color": BAD, "dash": "dash", "width": 1},
            annotation_text=f"alert: {alert_gap_points:g} below best",
            annotation_position="bottom right",
            annotation_font={"color": BAD, "size": 11},
        )
    fig.update_xaxes(range=[0, 112], title_text="Happiness index (0-100)")
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig = base_layout(fig, height=max(200, 42 * rows.height + 80))
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def top_paths(paths: pl.DataFrame) -> go.Figure:
    """The most common multi-channel paths (top_paths frame), most common on top."""
    fig = go.Figure(
        go.Bar(
            x=paths["conversations"].to_list(),
            orientation="h",
            y=[label(p).replace(" -&gt; ", " → ") for p in paths["path"].to_list()],
            marker_color=ACCENT,
            cliponaxis=False,
            textposition="outside",
            text=[
                f"{n:,} ({s:.0f}% of switched)"
                for n, s in paths.select("conversations", "share_of_switched_pct").iter_rows()
            ],
            hovertemplate="%{y}: %{x:,} conversations<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="conversations", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig = base_layout(fig, height=max(200, 34 * paths.height + 80))
    fig.update_layout(
        hovermode="closest", showlegend=False, margin={"l": 10, "r": 120, "t": 30, "b": 10}
    )
    return fig
