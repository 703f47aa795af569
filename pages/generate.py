"""Live text generation on a local model (or an OpenAI-compatible server).

The sections live in components.generation; the shared model, pool and remote
engine in components.resources. Nothing here waits for the model: it loads in the
background (started by app.py), and the default ONNX engine never imports torch.
"""

import streamlit as st

from components.generation.backend import backend_section, intro_key, textgen_config
from components.generation.next_token import next_token_section
from components.generation.output import history_section, output_section
from components.generation.prompt import prompt_section, run_controls
from components.generation.session import init_state, load_card, show_notices
from components.state import page_setup

ctx = page_setup()
st.title(ctx.t("gen_title"))
try:
    config = textgen_config()
except ValueError as exc:
    st.caption(ctx.t("gen_intro"))
    st.error(ctx.t("gen_err_config", detail=str(exc)[:300]))
    st.stop()
st.caption(ctx.t(intro_key(config)))
init_state(ctx, config)
show_notices(ctx)

engine, holder = backend_section(ctx, config)
prompt_section(ctx, config)
run_controls(ctx, config, engine)
output_section(ctx)
history_section(ctx)
st.file_uploader(
    ctx.t("gen_card_upload"),
    type=["json"],
    key="gen_card_upload",
    on_change=load_card,
    args=(config,),
)
next_token_section(ctx, holder)
