"""The quality gate's arithmetic (planner.textgen.quality), without a model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from planner.textgen import quality
from planner.textgen.quality import GateResult, Tally, measure, windows


@pytest.mark.parametrize(
    ("n", "size", "lengths"),
    [(10, 4, [4, 4, 2]), (9, 4, [4, 4]), (8, 4, [4, 4]), (1, 4, []), (512, 512, [512])],
)
def test_windows_cut_the_text_and_drop_a_last_window_with_nothing_to_score(n, size, lengths):
    cut = windows(list(range(n)), size)
    assert [len(w) for w in cut] == lengths
    assert [i for w in cut for i in w] == list(range(sum(lengths)))


def _uniform_logits(n: int, vocab: int) -> np.ndarray:
    return np.zeros((n, vocab), dtype=np.float32)


def test_a_uniform_model_has_the_vocabulary_as_perplexity():
    tally = Tally()
    logits = _uniform_logits(6, 50)
    tally.add(logits, logits, [1, 2, 3, 4, 5, 6])
    assert tally.positions == 5
    assert tally.perplexity == pytest.approx(50, rel=1e-5)
    assert tally.mean_kl == pytest.approx(0, abs=1e-6)


def test_the_likely_tokens_give_low_perplexity_and_wrong_ones_high():
    ids = [0, 1, 2, 3]
    sure = np.full((4, 5), -10.0, dtype=np.float32)
    for pos, nxt in enumerate(ids[1:]):
        sure[pos, nxt] = 10.0
    wrong = np.roll(sure, 1, axis=1)
    good, bad = Tally(), Tally()
    good.add(sure, sure, ids)
    bad.add(wrong, sure, ids)
    assert good.perplexity == pytest.approx(1, abs=1e-6)
    assert bad.perplexity > 1e6
    assert good.agreement == 1 and bad.agreement == 0
    assert bad.mean_kl > 10


def test_kl_is_that_of_two_known_distributions():
    p = np.log(np.array([[0.5, 0.5], [0.5, 0.5]], dtype=np.float32))
    q = np.log(np.array([[0.9, 0.1], [0.9, 0.1]], dtype=np.float32))
    tally = Tally()
    tally.add(q, p, [0, 1, 0])
    expected = 0.5 * np.log(0.5 / 0.9) + 0.5 * np.log(0.5 / 0.1)
    assert tally.mean_kl == pytest.approx(expected, rel=1e-5)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float32, (5, 7), elements=st.floats(-20, 20, width=32)))
def test_an_engine_equal_to_fp32_agrees_everywhere_with_no_kl(logits):
    tally = Tally()
    tally.add(logits, logits, [0, 1, 2, 3, 4])
    assert tally.agreement == 1
    assert tally.mean_kl == pytest.approx(0, abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float32, (5, 7), elements=st.floats(-20, 20, width=32)),
    arrays(np.float32, (5, 7), elements=st.floats(-20, 20, width=32)),
)
def test_kl_is_never_negative_and_agreement_is_a_share(engine, reference):
    tally = Tally()
    tally.add(engine, reference, [6, 5, 4, 3, 2])
    assert tally.mean_kl >= -1e-5
    assert 0 <= tally.agreement <= 1
    assert tally.perplexity >= 1


@pytest.mark.parametrize(
    ("perplexity", "agreement", "passes"),
    [
        (50.0, 0.95, True),
        (51.49, 0.90, True),  # just within both limits
        (51.6, 0.99, False),  # perplexity 3.2 % over fp32
        (50.0, 0.899, False),
        (65.0, 0.63, False),  # int4 as measured on the machine
    ],
)
def test_the_gate_asks_for_perplexity_within_3_percent_and_90_percent_agreement(
    perplexity, agreement, passes
):
    result = GateResult("x", perplexity, 50.0, agreement, 0.01, 100)
    assert result.passes is passes
    assert result.perplexity_rise == pytest.approx(perplexity / 50 - 1)
    assert quality.MAX_PERPLEXITY_RISE == 0.03 and quality.MIN_AGREEMENT == 0.90


def test_measure_scores_every_engine_on_the_same_windows_as_fp32():
    rng = np.random.default_rng(0)
    table = rng.normal(0, 2, (20, 20)).astype(np.float32)

    def reference(ids):  # a bigram "model": the logits after a token depend on it alone
        return table[ids]

    def noisy(ids):
        return table[ids] + np.float32(0.01)  # a constant shift changes no distribution

    ids = list(rng.integers(0, 20, 37))
    fp32, results = measure(ids, reference, {"same": noisy}, size=10)
    assert fp32.positions == results["same"].positions == 9 + 9 + 9 + 6
    assert results["same"].perplexity == pytest.approx(fp32.perplexity, rel=1e-5)
    assert results["same"].agreement == 1 and results["same"].passes
