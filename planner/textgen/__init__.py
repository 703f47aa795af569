"""Text generation engine: model resolution, backends, streaming, metrics.

Light to import: torch and transformers are imported only by `planner.textgen.local`
(and `planner.textgen.loader`), which callers import when a model is loaded or a
generation runs. Nothing here imports streamlit.
"""

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
