"""Refresh the README's screenshots from the browser journeys.

The browser tests save every key state of a journey under ``test-artifacts/``;
this script runs the journeys that picture the app (unless ``--no-run``) and
copies the chosen screenshots into ``docs/img/``, so the README always shows the
app as the tests last saw it.

    .venv/bin/python scripts/readme_images.py            # run the journeys, then copy
    .venv/bin/python scripts/readme_images.py --no-run   # copy what the last run left
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DOCS_IMG = ROOT / "docs" / "img"

# docs/img/<name> <- test-artifacts/<journey>/<shot>
CHOSEN = {
    "overview.png": "newcomer/03-overview-sample.png",
    "team.png": "newcomer/02-team-sample.png",
    "coverage-en.png": "newcomer/coverage-en.png",
    "coverage-zh.png": "newcomer/coverage-zh.png",
    "pipeline.png": "newcomer/pipeline-en.png",
    "pipeline-zh.png": "newcomer/pipeline-zh.png",
}
# The journeys that make those pictures.
JOURNEYS = ["tests/browser/test_browser_newcomer.py::test_newcomer"]


def run_journeys() -> None:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *JOURNEYS]
    done = subprocess.run(cmd, cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.exit(f"the journeys failed (exit {done.returncode}); docs/img left as it was")


def copy_chosen() -> list[Path]:
    missing = [src for src in CHOSEN.values() if not (ARTIFACTS / src).is_file()]
    if missing:
        sys.exit("missing screenshots (run without --no-run): " + ", ".join(missing))
    from PIL import Image  # Streamlit depends on Pillow

    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    written = []
    for name, src in CHOSEN.items():
        target = DOCS_IMG / name
        with Image.open(ARTIFACTS / src) as image:
            # Re-encoded with zlib's best effort: the same pixels, smaller files in git.
            image.save(target, format="PNG", optimize=True)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true", help="copy the last run's screenshots")
    args = parser.parse_args(argv)
    if not args.no_run:
        run_journeys()
    for path in copy_chosen():
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
