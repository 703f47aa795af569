"""Text generation engine: model resolution, backends, streaming, metrics.

Light to import: torch and transformers are imported only by `planner.textgen.local`
(and `planner.textgen.loader`), onnxruntime-genai only by `planner.textgen.ortgenai`
(the default engine, which needs no torch), when a model is loaded or a generation
runs. Nothing here imports streamlit.
"""

import os

# OpenMP threads that spin while waiting collapse when the CPU is shared: on this
# 2-core machine under load, greedy decoding with 2 torch threads fell from ~10 to
# 1.5-2 tok/s; passive waiting kept 8-12. libgomp reads this once, when torch is
# first imported, which happens after this package is (torch loads lazily).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from planner.textgen.config import TextgenConfig, load_config
from planner.textgen.errors import TextgenError
from planner.textgen.run import GenerationRun, RunMetrics
from planner.textgen.settings import GenRequest, GenSettings

__all__ = [
    "GenRequest",
    "GenSettings",
    "GenerationRun",
    "RunMetrics",
    "TextgenConfig",
    "TextgenError",
    "load_config",
]
