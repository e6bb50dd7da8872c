"""A progress line for long tables (issue 11): rows/s and time left from the share of the file
read, on a terminal or with --progress, never otherwise."""

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from pygenerel.annotation.progress import Progress
from pygenerel.annotation.reader import open_table
from pygenerel.cli import main

UC = "topr_UC_UKBB_p1e-3_hg38.tsv.gz"


@pytest.mark.parametrize("kind", ["gzip", "plain", "csv", "parquet"])
def test_chunks_say_how_much_of_the_file_is_read(sumstats_dir, tmp_path, kind):
    path = sumstats_dir / UC
    if kind != "gzip":
        frame = pd.read_csv(path, sep="\t", dtype=str)
        path = tmp_path / {"plain": "uc.tsv", "csv": "uc.csv", "parquet": "uc.parquet"}[kind]
        if kind == "parquet":
            frame.to_parquet(path)
        else:
            frame.to_csv(path, sep="\t" if kind == "plain" else ",", index=False)
    done = [chunk.done for chunk in open_table(path).chunks(5_000)]
    assert len(done) >= 9 and all(0 < d <= 1 for d in done)
    assert done == sorted(done) and done[-1] == pytest.approx(1.0)


def test_the_line_shows_rate_and_time_left_and_ends_with_a_newline():
    out = io.StringIO()
    progress = Progress(out, every=0)
    progress.update(1_000, 0.25)
    progress.update(4_000, None)
    progress.close(5_000)
    text = out.getvalue()
    assert "\r  1,000 rows" in text and "rows/s, 25% read, about" in text and "s left" in text
    assert "\r  4,000 rows" in text and "\r  5,000 rows" in text and text.endswith("\n")


def test_the_cli_draws_progress_only_when_asked_off_a_terminal(
    sumstats_dir, tiny_bundle_dir, tmp_path
):
    args = ["annotate", str(sumstats_dir / UC), "-o", str(tmp_path / "o.tsv"), "--trait", "asthma"]
    args += ["--model", str(tiny_bundle_dir), "--build", "GRCh38"]
    quiet = CliRunner().invoke(main, args)
    assert quiet.exit_code == 0 and "rows/s" not in quiet.stderr
    shown = CliRunner().invoke(main, [*args, "--progress"])
    assert shown.exit_code == 0 and "45,012 rows, " in shown.stderr and "rows/s" in shown.stderr
