"""The `pygenerel` command: a click group whose subcommands load on demand.

Lazy loading keeps `annotate`, `similarity`, `neighbors`, `search` and `info` free of torch: only
the module behind the chosen subcommand is imported. Errors a user can fix (pygenerel.errors, and a
file that cannot be read or written) print one `Error:` line and exit 2; anything else is a bug and
keeps its traceback.
"""

import contextlib
import errno
import importlib
import os
import sys

import click

from pygenerel.errors import GenerelError, SignalExit

COMMANDS = {
    "corpus": ("pygenerel.corpus.cli:corpus", "Build the training corpus from raw sources."),
    "train": ("pygenerel.train.cli:train", "Train a GENEREL model."),
    "evaluate": ("pygenerel.evaluate.cli:evaluate", "Evaluate a model and the baselines."),
    "export": ("pygenerel.export.cli:export", "Export a trained model to an ONNX bundle."),
    "annotate": ("pygenerel.annotation.cli:annotate", "Annotate a GWAS table with relatedness."),
    "annotate-many": (
        "pygenerel.dask_cli:annotate_many",
        "Annotate many GWAS tables on Dask workers (the dask extra).",
    ),
    "loci": ("pygenerel.annotation.cli:loci", "One row per independent locus of a GWAS table."),
    "report": (
        "pygenerel.annotation.cli:report",
        "One self-contained HTML report for a GWAS table.",
    ),
    "similarity": ("pygenerel.runtime.cli:similarity", "Cosine similarity between items."),
    "neighbors": ("pygenerel.runtime.cli:neighbors", "Most related concepts or SNPs."),
    "search": ("pygenerel.runtime.cli:search", "Find catalog concepts by id or name."),
    "explain": ("pygenerel.runtime.cli:explain", "The known links behind a SNP-trait score."),
    "info": ("pygenerel.runtime.cli:info", "Summary of a model bundle."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[name][0].split(":")
        return getattr(importlib.import_module(module_name), attr)

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except SignalExit as leave:
            # the output is already cleaned up; interpreter teardown is skipped, because a
            # library thread still winding down (pyarrow's reader) can abort it, and the shell
            # would see SIGABRT in place of 128 + the signal
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
            os._exit(leave.code)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno == errno.EPIPE:  # click ends quietly when stdout's reader goes away
                raise
            where = f"{error.filename}: " if error.filename else ""
            raise GenerelError(f"{where}{error.strerror or error}") from error

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="pygenerel")
def main():
    """GENEREL: how related is this SNP to that disease, drug, gene or trait?"""


if __name__ == "__main__":
    main()
