"""Public board: every public brand ranked by index, its change, n, period and trend."""

import streamlit as st

from dashboard.charts import public as charts_public
from dashboard.ui import movers as ui_movers
from dashboard.ui import public as ui_public

board = ui_public.board()
note = ui_public.empty_note(board)
if note and not board.brands:
    st.title("Customer Happiness Index")
    st.info(note)
    st.stop()
ui_public.show_html(
    charts_public.board_html(
        board,
        href=ui_public.card_href,
        methodology_href="methodology",
        empty_note=note,
        inline_svg=False,
    )
)
if board.period is not None:
    ui_movers.movers_block(ui_public.movers(), public=True)
ui_public.private_mode_caption()
if not ui_public.embedded():
    ui_public.board_downloads(board)
    st.caption(
        f'Embed this board: `<iframe src="{ui_public.origin()}/board?embed=true" '
        'width="100%" height="760" style="border:0"></iframe>` (a resize script in the '
        "README fits it at any width) · JSON: "
        f"`{ui_public.origin()}/api/index.json` · CSV: `{ui_public.origin()}/api/index.csv` · "
        f"movers: `{ui_public.origin()}/api/movers.json`"
    )
