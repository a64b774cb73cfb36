"""The pure modules are pure when they run, not only on paper: importing the graph maths and
the report figures (with the vocabulary they use) loads no Django, so they can be tested on
published networks and benchmarked alone. (The import contracts in pyproject.toml, checked by
lint-imports, say the same of every import statement.)"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PURE = [
    "networks.graph.compute",
    "networks.graph.layout",
    "networks.graph.leadership",
    "networks.graph.metrics",
    "networks.graph.paths",
    "networks.graph.strength",
    "networks.graph.suggestions",
    "coalitions.reports.figures",
    "weft.vocabulary",
]


def test_the_graph_maths_and_the_report_figures_load_no_django():
    script = (
        "import importlib, sys\n"
        f"for name in {PURE!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'rest_framework', 'celery', 'allies', 'demo'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
