"""pygenerel.dask on a LocalCluster of 2 single-threaded worker processes, with the shipped model
and the real summary statistics: the same bytes and numbers as the single-machine path, a run that
survives a killed worker and resumes without redoing finished tables, a bad table among good ones.
"""

import gzip
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

pytest.importorskip("distributed", reason="the dask extra is not installed")
import dask.dataframe as dd
from conftest import SUMSTATS_FILES
from distributed import Client, LocalCluster

import pygenerel.dask
from pygenerel.annotation import annotate, annotate_file
from pygenerel.annotation.annotate import MATCH_COLUMN
from pygenerel.annotation.writer import default_output
from pygenerel.cli import main
from pygenerel.dask import DONE, EARLIER, FAILED, annotate_ddf, annotate_files
from pygenerel.runtime import load_model

TRAITS = ["inflammatory bowel disease", "type 2 diabetes"]
TOPR = [name for name in SUMSTATS_FILES if name.startswith("topr_")]  # the largest: 22k-45k rows
SLE = "locuszoomr_SLE_gwas_sub.tsv.gz"
CHUNK = 2000  # rows scored at once: small, so the tables here span many chunks and partitions


@pytest.fixture(scope="module")
def bundle(default_bundle_dir) -> str:
    return str(default_bundle_dir)


@pytest.fixture(scope="module")
def model(bundle):
    return load_model(bundle)


@pytest.fixture(scope="module")
def single(model, sumstats_dir, tmp_path_factory) -> dict[str, bytes]:
    """Each real table as `pygenerel annotate` writes it, in this process. Computed before the
    cluster starts, so the workers find the model's derived vectors in the user cache."""
    out = tmp_path_factory.mktemp("single")
    return {
        name: annotate_file(
            sumstats_dir / name, out=out / default_output(name).name, traits=TRAITS, model=model
        ).read_bytes()
        for name in SUMSTATS_FILES
    }


@pytest.fixture(scope="module")
def client(single):
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def data_rows(path) -> int:
    with gzip.open(path, "rb") as handle:
        return sum(1 for _ in handle) - 1


def test_annotate_files_writes_the_bytes_annotate_writes(
    client, single, bundle, sumstats_dir, tmp_path
):
    results = annotate_files(
        [sumstats_dir / name for name in SUMSTATS_FILES],
        tmp_path,
        TRAITS,
        client=client,
        model=bundle,
    )
    assert [r.status for r in results] == [DONE] * len(SUMSTATS_FILES)
    for name, result in zip(SUMSTATS_FILES, results):
        written = Path(result.output)
        assert written == tmp_path / default_output(name).name
        assert written.read_bytes() == single[name], f"{name}: differs from pygenerel annotate"
        table = pd.read_csv(written, sep="\t", dtype=str, keep_default_na=False)
        assert result.rows == len(table) == data_rows(sumstats_dir / name)
        assert result.matched == (table[MATCH_COLUMN] != "none").sum()
        print(f"{name}: {result.rows:,} rows, {result.matched:,} matched, byte-identical")


def test_each_worker_loads_the_model_once(client, bundle, sumstats_dir):
    df = pd.read_csv(sumstats_dir / TOPR[0], sep="\t", dtype=str, keep_default_na=False)
    ddf = dd.from_pandas(df, npartitions=12)
    annotate_ddf(ddf, TRAITS, model=bundle).compute()
    loaded = client.run(lambda: {path: id(m) for path, m in pygenerel.dask._models.items()})
    assert len(loaded) == 2 and all(list(ids) == [bundle] for ids in loaded.values())
    annotate_ddf(ddf, TRAITS[:1], model=bundle).compute()
    reloaded = client.run(lambda: {path: id(m) for path, m in pygenerel.dask._models.items()})
    assert reloaded == loaded, "a worker loaded the model again"


def test_workers_never_import_torch(client, bundle, sumstats_dir, tmp_path):
    annotate_files([sumstats_dir / SLE], tmp_path, TRAITS, client=client, model=bundle)
    heavy = client.run(
        lambda: sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers"))
    )
    assert heavy and not any(heavy.values()), heavy


@pytest.mark.filterwarnings("ignore:Sending large graph")  # from_pandas puts the data in it
@pytest.mark.parametrize("name", SUMSTATS_FILES)
def test_annotate_ddf_equals_annotate_row_for_row(client, model, bundle, sumstats_dir, name):
    """Partitions of whole chunks: every value, score and dtype as annotate gives them for the
    same DataFrame, and every value as it gives them for the file."""
    path = sumstats_dir / name
    df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    ddf = dd.from_pandas(df, chunksize=2 * CHUNK)
    lazy = annotate_ddf(ddf, TRAITS, model=bundle, chunk_rows=CHUNK)
    got = lazy.compute()
    expected = annotate(ddf.compute(), TRAITS, model=model, chunk_rows=CHUNK)  # dask's dtypes
    assert list(lazy.columns) == list(expected.columns)  # known before computing
    expected.attrs = {}
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    from_file = annotate(path, TRAITS, model=model, chunk_rows=CHUNK)
    pd.testing.assert_frame_equal(got, from_file, check_exact=True, check_dtype=False)
    print(f"{name}: {ddf.npartitions} partitions, {len(got):,} rows equal")


def test_unaligned_partitions_differ_at_most_in_the_last_float_bits(
    client, model, bundle, sumstats_dir
):
    name = "echodata_BST1_Nalls2019_PD_locus.tsv.gz"  # GRCh37: the build is inferred once
    df = pd.read_csv(sumstats_dir / name, sep="\t", dtype=str, keep_default_na=False)
    ddf = dd.from_pandas(df, npartitions=7)
    expected = annotate(ddf.compute(), TRAITS, model=model)
    got = annotate_ddf(ddf, TRAITS, model=bundle).compute()
    exact = [*df.columns, MATCH_COLUMN]
    pd.testing.assert_frame_equal(got[exact], expected[exact], check_exact=True)
    for column in expected.columns[len(exact) :]:
        tolerance = 1.01e-4 if column.endswith("_pct") else 1e-6  # a percentile: one 1e-4 step
        pd.testing.assert_series_equal(got[column], expected[column], atol=tolerance, rtol=0)


def _pid_writing(partial: Path, pids) -> int | None:
    """The worker process that holds `partial` open (Linux /proc), if any."""
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(partial) for fd in fds):
                return pid
        except OSError:
            continue
    return None


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the writer through /proc")
def test_a_killed_worker_and_a_restart_redo_only_unfinished_tables(
    client, single, bundle, sumstats_dir, tmp_path
):
    paths = [sumstats_dir / name for name in TOPR]
    pids = set(client.run(os.getpid).values())
    killed = {}

    def kill_a_writer():
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            for partial in tmp_path.glob(".*.partial"):
                pid = _pid_writing(partial, pids)
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)
                    killed.update(pid=pid, partial=partial)
                    return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_a_writer)
    killer.start()
    results = annotate_files(paths, tmp_path, TRAITS, client=client, model=bundle)
    killer.join()
    assert killed, "no worker was caught writing"
    assert killed["pid"] not in client.run(os.getpid).values()  # the nanny started a new one
    assert [r.status for r in results] == [DONE] * len(paths)
    assert not list(tmp_path.glob(".*.partial")), "the killed worker's partial file was left"
    for name, result in zip(TOPR, results):
        assert Path(result.output).read_bytes() == single[name]

    outputs = [Path(r.output) for r in results]
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in outputs]
    again = annotate_files(paths, tmp_path, TRAITS, client=client, model=bundle)
    assert [r.status for r in again] == [EARLIER] * len(paths)
    assert [(r.rows, r.matched) for r in again] == [(r.rows, r.matched) for r in results]
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in outputs] == before

    # a truncated output (its marker left) and an output without its marker are not done
    with open(outputs[0], "r+b") as handle:
        handle.truncate(1000)
    Path(f"{outputs[1]}.done").unlink()
    third = annotate_files(paths, tmp_path, TRAITS, client=client, model=bundle)
    assert [r.status for r in third] == [DONE, DONE, EARLIER]
    assert [p.read_bytes() for p in outputs] == [single[name] for name in TOPR]


def test_a_changed_input_or_option_is_annotated_again(client, bundle, sumstats_dir, tmp_path):
    table = tmp_path / SLE
    shutil.copyfile(sumstats_dir / SLE, table)
    out = tmp_path / "out"

    def status(traits=TRAITS):
        return annotate_files([table], out, traits, client=client, model=bundle)[0].status

    assert [status(), status()] == [DONE, EARLIER]
    assert status(TRAITS[:1]) == DONE
    os.utime(table, ns=(0, 0))
    assert [status(TRAITS[:1]), status(TRAITS[:1])] == [DONE, EARLIER]


def test_a_bad_table_among_good_ones_is_reported_and_the_rest_finish(
    client, single, bundle, sumstats_dir, tmp_path
):
    good = [sumstats_dir / SLE, sumstats_dir / "echodata_BST1_Nalls2019_PD_locus.tsv.gz"]
    with gzip.open(good[0], "rt") as handle:
        lines = handle.readlines()
    lines[499] = "\t".join(lines[499].split("\t")[:3]) + "\n"  # line 500: 3 of its fields
    bad = tmp_path / "short_row.tsv"
    bad.write_text("".join(lines))
    out = tmp_path / "out"
    files = [good[0], bad, tmp_path / "absent.tsv", good[1]]
    args = ["annotate-many", *map(str, files), "--out-dir", str(out), "--model", bundle]
    args += ["--scheduler", client.scheduler.address, "--trait", TRAITS[0], "--trait", TRAITS[1]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    table = result.stdout.splitlines()
    assert table[0].split() == ["table", "status", "rows", "matched", "error"]
    rows = {line.split()[0]: line for line in table[1:-1]}
    assert rows["short_row.tsv"].split()[1] == FAILED
    assert rows["short_row.tsv"].endswith(f"{bad} line 500: expected 12 fields, found 3")
    assert rows["absent.tsv"].endswith(
        f"{tmp_path / 'absent.tsv'}: cannot read (No such file or directory)"
    )
    assert table[-1].startswith("4 tables: 2 annotated, 0 done earlier, 2 failed")
    assert "2 of 4 tables failed" in result.stderr
    for path in good:
        assert rows[path.name].split()[1:3] == [DONE, f"{data_rows(path):,}"]
        assert (out / default_output(path).name).read_bytes() == single[path.name]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{default_output(p).name}{end}" for p in good for end in ("", ".done")
    )


def test_annotate_many_starts_its_own_workers(single, bundle, sumstats_dir, tmp_path):
    args = ["annotate-many", str(sumstats_dir / SLE), "--out-dir", str(tmp_path), "--model", bundle]
    result = CliRunner().invoke(main, [*args, "--workers", "1", "-q", *_traits()])
    assert result.exit_code == 0, result.output
    assert (tmp_path / default_output(SLE).name).read_bytes() == single[SLE]
    assert result.stdout.splitlines()[-1].startswith("1 tables: 1 annotated")
    both = CliRunner().invoke(main, [*args, "--workers", "1", "--scheduler", "tcp://x:1"])
    assert both.exit_code == 2 and "give --scheduler or --workers, not both" in both.output


def _traits() -> list[str]:
    return [arg for trait in TRAITS for arg in ("--trait", trait)]
