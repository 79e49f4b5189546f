"""Retiring keys: personal values re-encrypted under the newest DATA_KEY (`flask pii rotate`),
blind indexes rebuilt under the newest BLIND_INDEX_KEY (`flask pii reindex`).

Both find their columns in the models' metadata (an `Encrypted` column; a column declared
with `pii.blind_index_of(source)`), walk each table in id order a batch at a time, commit
each batch and skip rows already done: a run that is killed is simply run again. Run them
after every process has the new keys (restart first): new writes are then under the new
keys already, and look-ups accept every configured blind-index key meanwhile.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import String, Table, select, type_coerce, update

from service.core.pii import BLIND_INDEX_OF, Encrypted, keyring
from service.extensions import db

BATCH = 500


@dataclass
class Run:
    """Counts per table, and a budget of batches (None: no limit) for a partial run."""

    batch_size: int = BATCH
    max_batches: int | None = None
    batches: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def stopped(self) -> bool:
        return self.max_batches is not None and self.batches >= self.max_batches

    def count(self, table: Table, changed: int, unchanged: int) -> None:
        done = self.counts.setdefault(table.name, [0, 0])
        done[0] += changed
        done[1] += unchanged


def encrypted_columns() -> dict[Table, list]:
    """Every table holding encrypted values, with those columns."""
    return {table: columns for table in db.metadata.sorted_tables
            if (columns := [c for c in table.columns if isinstance(c.type, Encrypted)])}


def blind_index_columns() -> dict[Table, list]:
    """Every table holding blind indexes, with (index column, source column) pairs."""
    found = {}
    for table in db.metadata.sorted_tables:
        pairs = [(c, table.c[c.info[BLIND_INDEX_OF]]) for c in table.columns
                 if BLIND_INDEX_OF in c.info]
        if pairs:
            found[table] = pairs
    return found


def _batches(run: Run, table: Table, *columns) -> Iterator[list]:
    after = 0
    while not run.stopped:
        rows = db.session.execute(
            select(table.c.id, *columns).where(table.c.id > after)
            .order_by(table.c.id).limit(run.batch_size)).all()
        if not rows:
            return
        yield rows
        db.session.commit()
        run.batches += 1
        after = rows[-1].id


def _rewrite_stale(run: Run, table: Table, columns: list, stale_of) -> None:
    """Walk `table`; where `stale_of(row)` gives new values, write them."""
    # Columns with an onupdate (updated_at) keep their value: nobody changed the record.
    kept = {c.name: c for c in table.columns if c.onupdate is not None}
    for rows in _batches(run, table, *columns):
        changed = 0
        for row in rows:
            if stale := stale_of(row):
                db.session.execute(update(table).where(table.c.id == row.id)
                                   .values(**stale, **kept))
                changed += 1
        run.count(table, changed, len(rows) - changed)


def rotate(run: Run) -> Run:
    """Re-encrypt every value not sealed by the newest DATA_KEY (counts: rows rewritten,
    rows already current). Values go back as plaintext: the column type seals them anew."""
    ring = keyring()
    for table, columns in encrypted_columns().items():
        def stale_of(row, columns=columns):
            return {c.name: ring.decrypt(value) for c in columns
                    if (value := getattr(row, c.name)) is not None and not ring.is_current(value)}
        raw = [type_coerce(c, String).label(c.name) for c in columns]
        _rewrite_stale(run, table, raw, stale_of)
    return run


def reindex(run: Run) -> Run:
    """Recompute every blind index under the newest BLIND_INDEX_KEY (counts: rows
    rewritten, rows already current). An empty index (a rejected application's live-person
    slot) stays empty."""
    ring = keyring()
    for table, pairs in blind_index_columns().items():
        def stale_of(row, pairs=pairs):
            fresh = {index.name: ring.blind_index(source.name, getattr(row, source.name))
                     for index, source in pairs
                     if getattr(row, index.name) is not None
                     and getattr(row, source.name) is not None}
            return {name: value for name, value in fresh.items()
                    if getattr(row, name) != value}
        sources = {source.name: source for _, source in pairs}
        _rewrite_stale(run, table, [*sources.values(), *(index for index, _ in pairs)],
                       stale_of)
    return run
