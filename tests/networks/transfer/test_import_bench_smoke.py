"""The import benchmark's GEXF at a smoke size: the file it generates imports whole, and the
figures it reports are there (its timings are the benchmark's business, not a test's)."""

import pytest

from allies.models import Actor
from bench.import_bench import bare_gexf_parse, gexf_file, measure_gexf
from networks.models import Tie
from networks.transfer.readers import read_map

pytestmark = pytest.mark.django_db


def test_the_benchmarks_gexf_imports_whole_with_its_attributes(personas):
    content = gexf_file(60, 150)
    parsed = read_map("bench.gexf", content)
    assert (len(parsed.actors), len(parsed.ties), parsed.problems) == (60, 150, [])
    assert set(parsed.actors[0].custom_fields) == {"Modularity Class", "Budget", "Sector"} | {
        "color",
        "size",
    }
    assert bare_gexf_parse(content) > 60 + 150
    figures, coalitions = measure_gexf(personas["steward"], content, repeat=1)
    assert set(figures) == {"file_mib", "bare_parse_s", "preview_s", "apply_s"} | {
        "import_over_parse"
    }
    (coalition,) = coalitions
    assert Actor.objects.filter(coalition=coalition).count() == 60
    weights = Tie.objects.filter(coalition=coalition).values_list("declared_weight", flat=True)
    assert len(weights) == 150 and all(0.1 <= w <= 50 for w in weights)
