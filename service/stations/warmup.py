"""This process's station index: the newest revision seen, and the thread keeping it warm.

Warmth. A server process (gunicorn's `post_worker_init`, STATION_INDEX_WARM) reads every
tile in the background at its start, a band of rows per statement, and the tiles each
change touched (`StationIndexes.keep_warm`), so searches rarely wait for the database.
Elsewhere, and while that thread reads, searches read the tiles they lack themselves.
"""

import logging
import math
import threading
import time
from functools import partial

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from service.core.database import close_replica_session, replica_session
from service.core.metrics import STATION_INDEX_REVISION
from service.extensions import db
from service.models import revisions
from service.stations.index import StationIndex
from service.stations.tile_cache import StaleIndex

log = logging.getLogger(__name__)


class StationIndexes:
    """A process's index: the newest revision seen, checked at most every `check_seconds`.

    A server process also keeps it warm (`keep_warm`): a background thread looks at the
    revision every `check_seconds` and reads every tile of each new index, so searches
    rarely read tiles themselves.
    """

    def __init__(self, check_seconds: float):
        self.check_seconds = check_seconds
        self.current = StationIndex(-1)
        self._checked_at = -math.inf
        self._lock = threading.Lock()
        self._warmer: threading.Thread | None = None
        self._stopped = threading.Event()

    def for_request(self) -> StationIndex:
        if time.monotonic() - self._checked_at >= self.check_seconds:
            index = self.at(revisions.current(revisions.STATIONS, replica_session()))
            self._checked_at = time.monotonic()
            STATION_INDEX_REVISION.set(index.revision)  # the stalest worker's, at scrape
            return index
        return self.current

    def at(self, revision: int) -> StationIndex:
        """The index of `revision`: the current one, a newer one replacing it, or for a
        transaction whose snapshot is older than the current index, one of its own."""
        with self._lock:
            if revision > self.current.revision:
                self.current = self._next(self.current, revision)
            if revision == self.current.revision:
                return self.current
        return StationIndex(revision)

    @staticmethod
    def _next(index: StationIndex, revision: int) -> StationIndex:
        """The current index's successor at `revision`: without the tiles changed since,
        when the revisions between logged them all; else an empty one."""
        if index.revision >= 0:
            changed = revisions.changed_parts(revisions.STATIONS, index.revision, revision,
                                                 replica_session())
            if changed is not None:
                return index.successor(revision, changed)
        return StationIndex(revision)

    def keep_warm(self, app) -> None:
        """Start the background thread reading every tile of each new index (once)."""
        with self._lock:
            if self._warmer is None:
                self._warmer = threading.Thread(target=self._keep_warm, args=(app,),
                                                daemon=True, name="station-index")
                self._warmer.start()

    def stop_warming(self) -> None:
        """Stop the background thread (tests; a server process just exits)."""
        self._stopped.set()
        if self._warmer is not None:
            self._warmer.join()

    def _wanted(self, index: StationIndex) -> bool:
        return index is self.current and not self._stopped.is_set()

    def _keep_warm(self, app) -> None:
        """Every `check_seconds`: the newest revision, read whole once it has stood still
        for one look (a bulk load committing chunk after chunk is not read after each)."""
        with app.app_context():
            seen = None
            while not self._stopped.wait(max(self.check_seconds, 0.1)):
                try:
                    revision = revisions.current(revisions.STATIONS, replica_session())
                    replica_session().rollback()
                    index = self.at(revision)
                    if revision == seen and not index.complete:
                        index.read_all(keep_going=partial(self._wanted, index))
                    elif revision == seen and index.unread:
                        index.read_unread(keep_going=partial(self._wanted, index))
                    seen = revision
                except StaleIndex:
                    pass  # changed while being read: the next look sees the newer one
                except SQLAlchemyError as exc:  # searches read what they need meanwhile
                    log.warning("station index: reading every tile failed: %s",
                                type(exc).__name__)
                finally:
                    db.session.remove()
                    close_replica_session()


def indexes() -> StationIndexes:
    """This process's station index of the current app."""
    found = current_app.extensions.get("station_index")
    if found is None:
        found = current_app.extensions.setdefault(
            "station_index", StationIndexes(current_app.config["STATION_INDEX_CHECK_SECONDS"]))
    return found


def warm(app) -> None:
    """Keep this process's index of `app` warm when STATION_INDEX_WARM (a server process,
    at its start)."""
    if app.config["STATION_INDEX_WARM"]:
        with app.app_context():
            indexes().keep_warm(app)
