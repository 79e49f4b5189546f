"""Bulk loading in a few processes: building and escaping rows is Python work, a core each."""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from service.extensions import db

PROCESSES = min(2, os.cpu_count() or 1)  # MariaDB needs a share of the cores too


def _start(settings: dict) -> None:
    from service import create_app

    app = create_app({"SERVICE_ENV": "development", **settings})
    app.app_context().push()  # for the life of this worker process


def _run(function, args):
    result = function(*args)
    db.session.commit()
    return result


def in_processes(settings: dict, function, jobs: list[tuple]) -> list:
    """`function(*job)` for every job in worker processes with an app context; committed."""
    context = multiprocessing.get_context("spawn")  # a fresh engine, no inherited sockets
    with ProcessPoolExecutor(PROCESSES, mp_context=context, initializer=_start,
                             initargs=(settings,)) as pool:
        return list(pool.map(_run, [function] * len(jobs), jobs))
