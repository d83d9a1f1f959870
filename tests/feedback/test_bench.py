"""manage.py bench feed_ingest: one JSON line with the two ingests beside the COPY limit; leaves nothing behind."""

import io

import pytest
from django.core.management import CommandError, call_command

from feedback.models import Batch
from students.models import Aanmelding, Pupil


@pytest.mark.django_db
def test_the_feed_benchmark_prints_both_runs_beside_the_limit_and_leaves_nothing_behind():
    from voroc.bench.feed_ingest import feed_ingest

    result = feed_ingest(rows=3000, pupils=1500)
    assert result["rows"] == 3000 and result["limit"] and result["bad_rows"] >= 1
    assert result["first"]["new"] > 1000 and result["first"]["rejected"] >= result["bad_rows"]
    # The repeat changes nothing: what was new or updated the first time is unchanged now.
    assert result["repeat"]["new"] == result["repeat"]["updated"] == 0
    assert result["repeat"]["unchanged"] == result["first"]["new"] + result["first"]["updated"]
    assert result["meldingen"] == result["history_lines"]  # every line here moved a status or added an aanmelding
    for run in ("first", "repeat"):
        # The ratio is limit speed / ingest speed (both printed rounded, so compare with the rounding's margin).
        expected = result["copy_rows_per_second"] / result[f"{run}_rows_per_second"]
        assert result[f"{run}_ratio"] == pytest.approx(expected, rel=0.02)
    assert not Pupil.objects.exists() and not Aanmelding.objects.exists() and not Batch.objects.exists()


def test_bench_command_knows_feed_ingest():
    from voroc.management.commands.bench import BENCHMARKS

    assert BENCHMARKS["feed_ingest"] == "voroc.bench.feed_ingest.feed_ingest"
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("bench", "onbekend", stderr=io.StringIO())
