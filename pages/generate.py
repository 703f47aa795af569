"""Live text generation on a local model (or an OpenAI-compatible server).

The engine lives in planner.textgen; torch and transformers load only when a model
does (planner.textgen.holder imports them in its loading thread).
"""

from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from components.state import Ctx, page_setup
from components.ui import show_chart
from planner.i18n import t
from planner.textgen.config import EMBEDDED, TextgenConfig, load_config
from planner.textgen.errors import TextgenError
from planner.textgen.holder import ModelHolder
from planner.textgen.presets import PRESETS, preset
from planner.textgen.run import Engine, GenerationRun, SlotPool
from planner.textgen.runcard import card_json, request_from_card, run_card, run_markdown
from planner.textgen.settings import RANGES, GenRequest, GenSettings, parse_stop

CURRENT = "gen_current_run"
HISTORY = "gen_history"
HISTORY_SIZE = 10
NEXT = "gen_next_result"
ARGMAX = "gen_argmax_result"
NOTICE = "gen_notice"


@st.cache_resource(show_spinner=False)
def _pool(size: int, max_queue: int) -> SlotPool:
    """One pool for every session and backend: at most `size` generations at once."""
    return SlotPool(size, max_queue)


@st.cache_resource(show_spinner=False)
def _holder(spec: str, config: TextgenConfig) -> ModelHolder:
    """The shared model for spec; it loads in the background on first use."""
    return ModelHolder(spec, config, _pool(config.max_concurrent, config.max_queue))


@st.cache_resource(show_spinner=False)
def _remote_engine(config: TextgenConfig) -> Engine:
    from planner.textgen.remote import RemoteBackend

    backend = RemoteBackend(
        config.remote_url,
        config.remote_model,
        config.remote_api_key,
        config.remote_timeout_s,
        config.remote_connect_timeout_s,
    )
    return Engine(
        backend, _pool(config.max_concurrent, config.max_queue), config.max_new_tokens_cap
    )


def _secrets() -> dict:
    try:
        return dict(st.secrets.get("textgen", {}))
    except Exception:  # no secrets.toml is the normal case
        return {}


def _message(ctx: Ctx, error: TextgenError) -> str:
    try:
        return ctx.t(error.key, **error.params)
    except (KeyError, IndexError):
        return str(error)


def _init_state(ctx: Ctx, config: TextgenConfig) -> None:
    defaults = GenSettings(
        max_new_tokens=min(config.default_max_new_tokens, config.max_new_tokens_cap)
    )
    state = st.session_state
    state.setdefault("gen_model", config.model)
    state.setdefault("gen_mode", "chat")
    state.setdefault("gen_preset", PRESETS[0])
    state.setdefault("gen_max_new_tokens", defaults.max_new_tokens)
    state.setdefault("gen_temperature", defaults.temperature)
    state.setdefault("gen_top_p", defaults.top_p)
    state.setdefault("gen_top_k", defaults.top_k)
    state.setdefault("gen_rep_penalty", defaults.repetition_penalty)
    state.setdefault("gen_seed", defaults.seed)
    state.setdefault("gen_stop_seqs", "")
    state.setdefault("gen_argmax_text", ctx.t("gen_argmax_default"))
    state.setdefault(HISTORY, [])
    if "gen_prompt" not in state:
        state["gen_system"], state["gen_prompt"] = preset(
            PRESETS[0], ctx.plan, ctx.catalog, ctx.model, ctx.lang
        )


def _apply_preset(ctx: Ctx) -> None:
    system, prompt = preset(
        st.session_state["gen_preset"], ctx.plan, ctx.catalog, ctx.model, ctx.lang
    )
    st.session_state.update(gen_system=system, gen_prompt=prompt, gen_mode="chat")


def _load_card(config: TextgenConfig) -> None:
    upload = st.session_state.get("gen_card_upload")
    if upload is None:
        return
    try:
        card = json.loads(upload.getvalue().decode("utf-8"))
        request = request_from_card(card)
        s = request.settings.validated(config.max_new_tokens_cap)
    except (ValueError, UnicodeDecodeError, TextgenError) as exc:
        st.session_state[NOTICE] = [("error", "gen_card_bad", {"detail": str(exc)[:200]})]
        return
    st.session_state.update(
        gen_prompt=request.prompt,
        gen_system=request.system,
        gen_mode=request.mode,
        gen_max_new_tokens=s.max_new_tokens,
        gen_temperature=float(s.temperature),
        gen_top_p=float(s.top_p),
        gen_top_k=int(s.top_k),
        gen_rep_penalty=float(s.repetition_penalty),
        gen_seed=int(s.seed),
        gen_stop_seqs="\n".join(x.replace("\n", "\\n") for x in s.stop),
    )
    notices = [("success", "gen_card_loaded", {})]
    spec = str(card.get("model_spec") or card.get("model") or "")
    current = st.session_state.get("gen_model", "")
    if card.get("backend") == "local" and spec and spec != current:
        notices.append(("warning", "gen_card_model_differs", {"model": spec, "current": current}))
    st.session_state[NOTICE] = notices


def _stop_current() -> None:
    run: GenerationRun | None = st.session_state.get(CURRENT)
    if run is not None:
        run.stop()


def _request() -> GenRequest:
    s = st.session_state
    return GenRequest(
        prompt=s["gen_prompt"],
        mode=s["gen_mode"],
        system=s.get("gen_system", "") if s["gen_mode"] == "chat" else "",
        settings=GenSettings(
            max_new_tokens=int(s["gen_max_new_tokens"]),
            temperature=float(s["gen_temperature"]),
            top_p=float(s["gen_top_p"]),
            top_k=int(s["gen_top_k"]),
            repetition_penalty=float(s["gen_rep_penalty"]),
            seed=int(s["gen_seed"]),
            stop=parse_stop(s["gen_stop_seqs"]),
        ),
    )


def _show_loading(ctx: Ctx, holder: ModelHolder) -> bool:
    """Start or watch the shared load; True once the model is ready."""
    holder.start()
    if holder.ready:
        return True
    if holder.failed:
        return False
    with st.status(ctx.t("gen_loading", model=holder.spec), expanded=True) as status:
        shown = 0
        while True:
            finished = holder.wait(0.25)
            for key, params in holder.lines[shown:]:
                status.write(ctx.t(key, **params))
            shown = len(holder.lines)
            if finished:
                break
        if holder.error is not None:
            status.update(label=ctx.t("gen_load_failed", model=holder.spec), state="error")
            return False
        status.update(
            label=ctx.t(
                "gen_loaded",
                model=holder.loaded.name,
                source=ctx.t(f"gen_source_{holder.loaded.source}"),
                seconds=f"{holder.loaded.load_s:.1f}",
            ),
            state="complete",
            expanded=False,
        )
    return True


def _local_holder(ctx: Ctx, config: TextgenConfig) -> ModelHolder | None:
    """The holder of the chosen model, or of the embedded one when that fails."""
    spec = (st.session_state["gen_model"] or "").strip() or EMBEDDED
    holder = _holder(spec, config)
    # The status box of a load in this run already says "ready"; say it once.
    was_ready = holder.ready
    if _show_loading(ctx, holder):
        if was_ready:
            lm = holder.loaded
            st.caption(
                ctx.t(
                    "gen_loaded",
                    model=lm.name,
                    source=ctx.t(f"gen_source_{lm.source}"),
                    seconds=f"{lm.load_s:.1f}",
                )
            )
        return holder
    st.error(_message(ctx, holder.error))
    if spec == EMBEDDED:
        return None
    st.info(ctx.t("gen_fallback_embedded"))
    fallback = _holder(EMBEDDED, config)
    return fallback if _show_loading(ctx, fallback) else None


def _stream(run: GenerationRun, box, ctx: Ctx):
    """Text chunks for st.write_stream; the queue position goes to box meanwhile."""
    queued = False
    for kind, value in run.follow():
        if kind == "queued":
            box.info(ctx.t("gen_queued", position=value))
            queued = True
            continue
        if queued:
            box.empty()
            queued = False
        yield value
    if queued:
        box.empty()


def _remember(run: GenerationRun) -> dict:
    history: list[dict] = st.session_state[HISTORY]
    for card in history:
        if card["id"] == run.id:
            return card
    card = run_card(run)
    history.insert(0, card)
    del history[HISTORY_SIZE:]
    return card


def _show_result(ctx: Ctx, run: GenerationRun) -> None:
    for key, params in run.notices:
        st.info(ctx.t(key, **params))
    if run.error is not None:
        st.error(_message(ctx, run.error))
    m = run.metrics
    if m is None:
        return
    st.caption(ctx.t(f"gen_finish_{m.finish_reason}"))
    with st.container(key="gen_metrics"):
        st.markdown(f"**{ctx.t('gen_metrics_title')}**")
        cols = st.columns(5)
        cols[0].metric(ctx.t("gen_m_ttft"), "—" if m.ttft_s is None else f"{m.ttft_s:.2f} s")
        cols[1].metric(ctx.t("gen_m_tps"), f"{m.tokens_per_s:.1f}")
        cols[2].metric(ctx.t("gen_m_tokens"), m.tokens)
        cols[3].metric(
            ctx.t("gen_m_prompt_tokens"), "—" if m.prompt_tokens is None else m.prompt_tokens
        )
        cols[4].metric(ctx.t("gen_m_total"), f"{m.total_s:.2f} s")
        st.caption(
            ctx.t("gen_m_backend", backend=m.backend, model=m.model, queued=f"{m.queued_s:.2f}")
        )
    card = _remember(run)
    left, right = st.columns(2)
    left.download_button(
        ctx.t("gen_download_md"),
        run_markdown(card),
        file_name=f"generation-{run.id}.md",
        mime="text/markdown",
        key="gen_download_md",
    )
    right.download_button(
        ctx.t("gen_download_card"),
        card_json(card),
        file_name=f"run-card-{run.id}.json",
        mime="application/json",
        key="gen_download_card",
    )


def _output(ctx: Ctx) -> None:
    run: GenerationRun | None = st.session_state.get(CURRENT)
    st.subheader(ctx.t("gen_output_title"))
    output = st.container(key="gen_output", border=True)
    # One slot for the whole result, placed before streaming starts: it replaces the
    # previous run's metrics at once instead of leaving them faded on screen.
    result = st.empty()
    with output:
        if run is None:
            st.caption(ctx.t("gen_output_empty"))
            return
        if run.done:
            # Markdown, never HTML: st.markdown escapes raw HTML by default.
            st.markdown(run.text or ctx.t("gen_output_empty"))
        else:
            st.write_stream(_stream(run, st.empty(), ctx))
            run.wait(10)
    if run.done:
        with result.container():
            _show_result(ctx, run)


def _settings_form(ctx: Ctx, config: TextgenConfig) -> None:
    with st.expander(ctx.t("gen_settings")):
        a, b, c = st.columns(3)
        a.number_input(
            ctx.t("gen_max_new_tokens"), 1, config.max_new_tokens_cap, key="gen_max_new_tokens"
        )
        b.slider(
            ctx.t("gen_temperature"), *RANGES["temperature"], step=0.05,
            key="gen_temperature", help=ctx.t("gen_temperature_help"),
        )  # fmt: skip
        c.slider(ctx.t("gen_top_p"), *RANGES["top_p"], step=0.01, key="gen_top_p")
        a.number_input(ctx.t("gen_top_k"), 0, int(RANGES["top_k"][1]), key="gen_top_k")
        b.slider(
            ctx.t("gen_rep_penalty"), *RANGES["repetition_penalty"], step=0.05,
            key="gen_rep_penalty",
        )  # fmt: skip
        c.number_input(ctx.t("gen_seed"), 0, int(RANGES["seed"][1]), key="gen_seed")
        st.text_area(ctx.t("gen_stop_label"), key="gen_stop_seqs", height=68)


def _history(ctx: Ctx) -> None:
    history: list[dict] = st.session_state[HISTORY]
    with st.expander(ctx.t("gen_history_title")):
        if not history:
            st.caption(ctx.t("gen_history_empty"))
            return
        rows = []
        for card in history:
            s = card["settings"]
            rows.append(
                {
                    ctx.t("gen_h_time"): datetime.fromisoformat(card["created"]).strftime(
                        "%H:%M:%S"
                    ),
                    ctx.t("gen_h_model"): card["model"],
                    ctx.t("gen_h_settings"): (
                        f"{card['mode']} · T={s['temperature']} p={s['top_p']} k={s['top_k']} "
                        f"rep={s['repetition_penalty']} seed={s['seed']} max={s['max_new_tokens']}"
                    ),
                    ctx.t("gen_h_speed"): (card.get("speed") or {}).get("tokens_per_s"),
                    ctx.t("gen_h_prompt"): card["prompt"][:80],
                    ctx.t("gen_h_output"): card["output"][:120],
                }
            )
        st.container(key="gen_history_table").dataframe(rows, hide_index=True)


def _next_token_view(ctx: Ctx, holder: ModelHolder | None) -> None:
    st.subheader(ctx.t("gen_section_next"))
    st.caption(ctx.t("gen_next_intro"))
    if holder is None or not holder.ready:
        st.info(ctx.t("gen_next_needs_local"))
        return
    from planner.textgen.figures import next_token_figure, visible_token
    from planner.textgen.local import argmax_per_position, next_token_candidates, prepare

    lm = holder.loaded
    if st.button(ctx.t("gen_next_button"), key="gen_next_run"):
        try:
            request = _request()
            if not request.prompt.strip():
                raise TextgenError("gen_err_empty_prompt")
            prepared = prepare(lm, GenRequest(request.prompt, request.mode, request.system))
            st.session_state[NEXT] = next_token_candidates(lm, prepared.ids, k=10)
        except TextgenError as exc:
            st.session_state.pop(NEXT, None)
            st.error(_message(ctx, exc))
    if candidates := st.session_state.get(NEXT):
        vocab = len(lm.tokenizer)
        fig = next_token_figure(
            candidates,
            ctx.t("gen_next_chart_title", vocab=f"{vocab:,}"),
            ctx.t("gen_next_axis_prob"),
            ctx.t("gen_next_axis_token"),
        )
        show_chart(fig, "gen_next_chart", ctx)
        share = sum(c["prob"] for c in candidates)
        st.caption(ctx.t("gen_next_covered", share=f"{share:.1%}"))

    st.markdown(f"**{ctx.t('gen_argmax_title')}**")
    st.caption(ctx.t("gen_argmax_intro"))
    st.text_input(ctx.t("gen_argmax_text"), key="gen_argmax_text", max_chars=300)
    if st.button(ctx.t("gen_argmax_button"), key="gen_argmax_run"):
        try:
            st.session_state[ARGMAX] = argmax_per_position(lm, st.session_state["gen_argmax_text"])
        except TextgenError as exc:
            st.session_state.pop(ARGMAX, None)
            st.error(_message(ctx, exc))
    if rows := st.session_state.get(ARGMAX):
        hits = sum(r["match"] for r in rows)
        st.caption(ctx.t("gen_argmax_summary", hits=hits, total=len(rows)))
        st.container(key="gen_argmax").dataframe(
            [
                {
                    ctx.t("gen_col_position"): r["position"],
                    ctx.t("gen_col_token"): visible_token(r["token"]),
                    ctx.t("gen_col_predicted"): visible_token(r["predicted"]),
                    ctx.t("gen_col_predicted_prob"): f"{r['predicted_prob']:.1%}",
                    ctx.t("gen_col_actual"): visible_token(r["actual"]),
                    ctx.t("gen_col_actual_prob"): f"{r['actual_prob']:.1%}",
                    ctx.t("gen_col_match"): "✓" if r["match"] else "✗",
                }
                for r in rows
            ],
            hide_index=True,
        )


def main() -> None:
    ctx = page_setup()
    st.title(ctx.t("gen_title"))
    st.caption(ctx.t("gen_intro"))
    try:
        config = load_config(secrets=_secrets())
    except ValueError as exc:
        st.error(t("gen_err_config", ctx.lang, detail=str(exc)[:300]))
        st.stop()
    _init_state(ctx, config)
    for kind, key, params in st.session_state.pop(NOTICE, []):
        getattr(st, kind)(ctx.t(key, **params))

    st.subheader(ctx.t("gen_section_model"))
    backend = "local"
    if config.remote_configured:
        backend = (
            st.segmented_control(
                ctx.t("gen_backend_label"),
                ["local", "remote"],
                default="local",
                key="gen_backend",
                format_func=lambda b: (
                    ctx.t("gen_backend_local")
                    if b == "local"
                    else ctx.t("gen_backend_remote", url=config.remote_url)
                ),
            )
            or "local"
        )
    holder = None
    if backend == "local":
        st.text_input(ctx.t("gen_model_label"), key="gen_model", help=ctx.t("gen_model_help"))
        holder = _local_holder(ctx, config)
        engine = holder.engine if holder else None
    else:
        try:
            engine = _remote_engine(config)
        except TextgenError as exc:
            st.error(_message(ctx, exc))
            engine = None

    st.subheader(ctx.t("gen_section_prompt"))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox(
        ctx.t("gen_preset_label"),
        PRESETS,
        key="gen_preset",
        format_func=lambda kind: ctx.t(f"gen_preset_{kind}"),
    )
    right.button(
        ctx.t("gen_preset_apply"), key="gen_preset_apply", on_click=_apply_preset, args=(ctx,)
    )
    st.radio(
        ctx.t("gen_mode_label"),
        ["chat", "completion"],
        key="gen_mode",
        horizontal=True,
        format_func=lambda mode: ctx.t(f"gen_mode_{mode}"),
    )
    if st.session_state["gen_mode"] == "chat":
        st.text_input(ctx.t("gen_system_label"), key="gen_system")
    st.text_area(
        ctx.t("gen_prompt_label"),
        key="gen_prompt",
        height=140,
        placeholder=ctx.t("gen_prompt_placeholder"),
    )
    _settings_form(ctx, config)

    run_col, stop_col, _ = st.columns([1, 1, 4])
    clicked = run_col.button(
        ctx.t("gen_run_label"), key="gen_run", type="primary", disabled=engine is None
    )
    stop_col.button(ctx.t("gen_stop_button"), key="gen_stop", on_click=_stop_current)
    if clicked and engine is not None:
        _stop_current()  # a new run replaces the one still going
        try:
            st.session_state[CURRENT] = engine.submit(
                _request(),
                orphan_timeout_s=config.orphan_timeout_s,
                max_run_s=config.max_run_s,
            )
        except TextgenError as exc:
            st.error(_message(ctx, exc))
    _output(ctx)
    _history(ctx)
    st.file_uploader(
        ctx.t("gen_card_upload"),
        type=["json"],
        key="gen_card_upload",
        on_change=_load_card,
        args=(config,),
    )
    _next_token_view(ctx, holder)


main()
