"""Annotate every summary-statistics table of a PheWAS on a SLURM cluster: Dask workers run as
SLURM jobs (dask-jobqueue), each table is one task, outputs go to OUT_DIR as with annotate-many.

Run it where jobs can be submitted and the workers can reach this process (a login node, or a small
long job: the Dask scheduler lives here), from a virtual environment on a shared filesystem:

    pip install 'pygenerel[dask]' dask-jobqueue
    export PYGENEREL_CACHE_DIR=/shared/$USER/generel-cache       # one cache for every worker
    pygenerel annotate small.tsv.gz --trait "type 2 diabetes" -o /dev/null -q  # fill it once
    python slurm_annotate_many.py '/data/phewas/*.tsv.gz' /scratch/$USER/phewas-generel \\
        --trait "type 2 diabetes" --jobs 25 --partition normal --account mylab

--dry-run prints the sbatch script of one worker job and submits nothing. After a crash or a
timeout, run the same command again: tables already done (their .done markers) are kept.
"""

import argparse
import glob
import os
import sys
import time

from dask_jobqueue import SLURMCluster
from distributed import Client

from pygenerel.dask import FAILED, annotate_files
from pygenerel.dask_cli import Progress, summary_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pattern", help="the input tables, a quoted glob")
    parser.add_argument("out_dir")
    parser.add_argument("--trait", action="append", default=[], help="repeatable")
    parser.add_argument("--model", help="bundle directory [default: the installed model]")
    parser.add_argument("--jobs", type=int, default=10, help="SLURM jobs of workers")
    parser.add_argument("--workers-per-job", type=int, default=8, help="one core each")
    parser.add_argument("--gb-per-worker", type=float, default=2.0, help="~0.8 GB is used")
    parser.add_argument("--walltime", default="04:00:00", help="HH:MM:SS per job")
    parser.add_argument("--partition")
    parser.add_argument("--account")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    hours, minutes, _ = map(int, args.walltime.split(":"))
    lifetime = max(hours * 60 + minutes - 20, 5)  # minutes a worker lives
    prologue = ["export OMP_NUM_THREADS=1"]  # processes, not threads, scale the scoring
    if os.environ.get("PYGENEREL_CACHE_DIR"):
        prologue.append(f"export PYGENEREL_CACHE_DIR={os.environ['PYGENEREL_CACHE_DIR']}")
    cluster = SLURMCluster(
        queue=args.partition,
        account=args.account,
        cores=args.workers_per_job,
        processes=args.workers_per_job,  # single-threaded worker processes, one model each
        memory=f"{args.workers_per_job * args.gb_per_worker:g}GB",
        walltime=args.walltime,
        python=sys.executable,  # this virtual environment, on the shared filesystem
        job_script_prologue=prologue,
        # workers retire before the walltime kills them: Dask moves their work elsewhere rather
        # than counting a dead worker against the task (distributed.scheduler.allowed-failures)
        worker_extra_args=["--lifetime", f"{lifetime}m", "--lifetime-stagger", "5m"],
        log_directory="dask-logs",
    )
    if args.dry_run:
        print(cluster.job_script())
        cluster.close()
        return
    paths = sorted(glob.glob(args.pattern))
    start = time.monotonic()
    cluster.scale(jobs=args.jobs)
    with cluster, Client(cluster) as client:
        results = annotate_files(
            paths,
            args.out_dir,
            args.trait,
            client=client,
            model=args.model,
            on_result=Progress(len(paths)),
        )
    print(summary_table(results, time.monotonic() - start))
    sys.exit(2 if any(r.status == FAILED for r in results) else 0)


if __name__ == "__main__":
    main()
