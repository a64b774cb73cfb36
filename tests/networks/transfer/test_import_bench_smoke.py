"""The import benchmark's GEXF at a smoke size: the file it generates imports whole, its floor
(parse + COPY, on PostgreSQL) writes the same rows, and the figures it reports are there (its
timings are the benchmark's business, not a test's)."""

import pytest
from django.db import connection

from allies.models import Actor
from bench.import_bench import bare_gexf_parse, gexf_file, measure
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
    on_postgresql = connection.vendor == "postgresql"
    figures, coalitions = measure(
        personas["steward"], content, "bench.gexf", bare_gexf_parse, repeat=1, floor=on_postgresql
    )
    assert {"bare_parse_s", "preview_s", "apply_s", "import_over_parse"} <= set(figures)
    assert {"parse_and_copy_s", "import_over_parse_and_copy"} <= set(figures)
    imported, *floor = coalitions
    assert Actor.objects.filter(coalition=imported).count() == 60
    weights = Tie.objects.filter(coalition=imported).values_list("declared_weight", flat=True)
    assert len(weights) == 150 and all(0.1 <= w <= 50 for w in weights)
    if on_postgresql:  # the floor wrote the same rows, its ties between its own actors
        (copied,) = floor
        ties = Tie.objects.filter(coalition=copied)
        assert Actor.objects.filter(coalition=copied).count() == 60
        assert ties.count() == 150
        assert not ties.exclude(source__coalition=copied).exists()
        assert sorted(ties.values_list("declared_weight", flat=True)) == sorted(weights)
