"""The statements reading tiles of public stations for the index, on `ix_stations_cell`.

The tiles a search needs and lacks are read in one statement: per band one range of
`ix_stations_cell`, grouped by tile, each tile's stations aggregated by the database into
one string (see `station_line`), so 20,000 stations cost the driver one row, not 20,000.
A tile too large for one aggregate (`group_concat_max_len`, see service/config.py) is
read again row by row (`tile_lines_query`).
"""

from functools import lru_cache

from sqlalchemy import String, and_, bindparam, cast, func, or_, select

from service.domain.geo import col_west_e6, tile_col
from service.models.stations import Station


def station_line():
    """One station as text, the same on SQLite and MySQL: id, position, services mask,
    kind and hours separated by tabs (none of them holds one), then the JSON object of its
    name, address and phone built by the database (which escapes them)."""
    parts = [cast(column, String) for column in (Station.id, Station.lat_e6, Station.lng_e6,
                                                  Station.services_mask)]
    parts += [Station.kind, cast(Station.hours, String),
              func.json_object("name", Station.name, "address", Station.address,
                               "phone", Station.phone, type_=String)]
    line = parts[0]
    for part in parts[1:]:
        line = line + "\t" + part
    return line


def _range(row: int, first_col: int, last_col: int):
    return and_(Station.cell_row == row,
                Station.lng_e6.between(col_west_e6(first_col), col_west_e6(last_col + 1) - 1))


def _runs(keys: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(row, first col, last col) runs of adjacent tiles, from sorted (row, col) pairs."""
    runs: list[list[int]] = []
    for row, col in keys:
        if runs and runs[-1][0] == row and runs[-1][2] == col - 1:
            runs[-1][2] = col
        else:
            runs.append([row, col, col])
    return [tuple(run) for run in runs]


def on_cell_index(statement):
    """Pin MySQL's plan to the cell index: on a small or skewed table its statistics may
    prefer a full index scan for a long OR of ranges, which is ruinous at a million rows."""
    return statement.with_hint(Station, "FORCE INDEX (ix_stations_cell)", "mysql")


def tiles_statement(keys: list[tuple[int, int]]) -> tuple:
    """The statement reading the tiles `keys` (sorted), (row, col, count, lines), and its
    parameters. The statement is one of a few built once (for a power of two of runs of
    adjacent tiles, the last run repeated), so reading a few hundred tiles costs their
    parameters, not building and compiling an expression of a few hundred ranges."""
    runs = _runs(keys)
    size = 1 << (len(runs) - 1).bit_length()
    runs += runs[-1:] * (size - len(runs))
    params = {}
    for number, (row, first_col, last_col) in enumerate(runs):
        params.update({f"r{number}": row, f"w{number}": col_west_e6(first_col),
                       f"e{number}": col_west_e6(last_col + 1) - 1})
    return _ranges_template(size), params


@lru_cache(maxsize=16)
def _ranges_template(size: int):
    return _tiles_where(or_(*(
        and_(Station.cell_row == bindparam(f"r{number}"),
             Station.lng_e6.between(bindparam(f"w{number}"), bindparam(f"e{number}")))
        for number in range(size))))


def tiles_query(keys: list[tuple[int, int]]):
    """The statement reading the tiles `keys` (sorted), its values bound (for EXPLAIN)."""
    statement, params = tiles_statement(keys)
    return statement.params(params)


def band_query(first_row: int, last_row: int):
    """The statement reading every tile of the rows `first_row` to `last_row`."""
    return _tiles_where(Station.cell_row.between(first_row, last_row))


def tile_lines_query(row: int, col: int):
    """The statement reading one tile's stations as lines, one row each."""
    return on_cell_index(select(station_line()).where(_range(row, col, col),
                                                      Station.searchable.is_(True)))


def _tiles_where(where):
    col = tile_col(Station.lng_e6).label("col")
    return on_cell_index(
        select(Station.cell_row, col, func.count(), func.aggregate_strings(station_line(), "\n"))
        .where(where, Station.searchable.is_(True))
        .group_by(Station.cell_row, col))
