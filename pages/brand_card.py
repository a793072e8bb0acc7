"""Brand card: one public brand's index, change, components, n, period and history."""

import streamlit as st

from dashboard.charts import public as charts_public
from dashboard.ui import public as ui_public

board = ui_public.board()
if not board.brands:
    st.info(ui_public.empty_note(board) or "No brands are published on this board yet.")
    st.stop()

requested = st.query_params.get("brand")
score = board.find(requested) if requested else None
if requested and score is None:
    st.info("The brand in the link is not on the public board. Choose one below.")


def _choose() -> None:
    chosen = board.find(st.session_state["brand_choice"] or "")
    if chosen is not None:
        st.query_params["brand"] = chosen.slug


if score is None or not ui_public.embedded():
    names = [s.brand for s in board.brands]
    st.selectbox(
        "Brand",
        names,
        index=names.index(score.brand) if score else None,
        key="brand_choice",
        on_change=_choose,
        placeholder="Choose a brand",
        width=360,
    )
if score is None:
    st.stop()

ui_public.show_html(charts_public.card_html(score, board, inline_svg=False))
if ui_public.embedded():
    st.stop()

history = ui_public.history(score.brand)
st.subheader("Weekly history")
ui_public.history_chart(history, score.brand, score.slug, board)
st.caption(
    f"Weeks with fewer than {board.min_n} conversations are gaps, not zeros. "
    "See the methodology page for the formula."
)
site = ui_public.origin()
with st.expander("Embed this brand"):
    st.markdown("Badge (Markdown):")
    st.code(f"![Customer happiness]({site}/api/badge/{score.slug}.svg)", language="markdown")
    st.markdown("Card (HTML):")
    st.code(
        f'<iframe src="{site}/brand?brand={score.slug}&embed=true" width="100%" '
        'height="480" style="border:0"></iframe>',
        language="html",
    )
    st.markdown(f"History as JSON: `{site}/api/brands/{score.slug}.json`")
ui_public.private_mode_caption()
