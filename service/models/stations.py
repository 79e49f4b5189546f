"""Love stations, rider/driver homes and mother-baby rooms, stored for nearby search.

Position columns follow service/domain/geo.py: GCJ-02 `lat_e6`/`lng_e6` and the latitude
band `cell_row`. `ix_stations_cell` starts with (cell_row, lng_e6), the index the nearby
and viewport searches range-scan; the columns after those two make it covering for the
candidate query, so the search reads the index and never the table rows it rejects.
Derived columns (`cell_row`, `services_mask`, `always_open`, `searchable`) are computed by
the functions below only, for ORM objects and for bulk row dicts alike.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from service.core import clock
from service.core.database import one_of
from service.domain.geo import cell_row, check_in_china, tile_col, tile_key, to_e6, to_gcj02
from service.domain.stations import SERVICES, STATION_KINDS, STATION_STATUSES
from service.extensions import db
from service.models import revisions
from service.models.orgs import Org

MOTHER_BABY_ROOM = "mother_baby_room"
# Bit i of services_mask is the i-th service of DOMAIN.md; append new services, never reorder.
SERVICE_BITS = {code: 1 << i for i, code in enumerate(SERVICES)}


def position_columns(lat: float, lng: float, coord: str = "gcj02") -> dict:
    """Stored position columns for a point given in `coord`; rejects points outside China."""
    check_in_china(lat, lng)
    gcj_lng, gcj_lat = to_gcj02(lng, lat, coord)
    return {"lat_e6": to_e6(gcj_lat), "lng_e6": to_e6(gcj_lng), "cell_row": cell_row(gcj_lat)}


def services_mask(codes) -> int:
    """The bitmask of service codes (unknown codes are a programming error)."""
    mask = 0
    for code in codes or ():
        mask |= SERVICE_BITS[code]
    return mask


def services_of(mask: int) -> list[str]:
    """Service codes of a bitmask, in the canonical order."""
    return [code for code, bit in SERVICE_BITS.items() if mask & bit]


def search_columns(kind: str, status: str, is_public: bool, hours: dict) -> dict:
    """`searchable` (shown in public search) and `always_open`, from the fields they follow."""
    return {"searchable": status == "open" and (kind != MOTHER_BABY_ROOM or bool(is_public)),
            "always_open": bool(hours.get("always_open"))}


class Station(db.Model):
    __tablename__ = "stations"
    __table_args__ = (
        CheckConstraint(one_of("kind", STATION_KINDS), name="kind"),
        CheckConstraint(one_of("status", STATION_STATUSES), name="status"),
        Index("ix_stations_cell", "cell_row", "lng_e6", "lat_e6", "searchable", "kind",
              "services_mask", "always_open"),
        Index("ix_stations_org", "org_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The ledger's own code: unique across the city, so an import updates instead of adding.
    external_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(255), default="")
    district_code: Mapped[str | None] = mapped_column(String(6))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    lat_e6: Mapped[int] = mapped_column(Integer)
    lng_e6: Mapped[int] = mapped_column(Integer)
    cell_row: Mapped[int] = mapped_column(Integer)
    services_mask: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[dict] = mapped_column(JSON)
    always_open: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(32))  # the station's public number
    photos: Mapped[list] = mapped_column(JSON, default=list)
    is_model: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    facilities: Mapped[dict | None] = mapped_column(JSON)
    searchable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    org: Mapped[Org] = relationship()

    @property
    def lat(self) -> float:
        return self.lat_e6 / 1e6

    @property
    def lng(self) -> float:
        return self.lng_e6 / 1e6

    @property
    def services(self) -> list[str]:
        return services_of(self.services_mask or 0)

    @services.setter
    def services(self, codes) -> None:
        self.services_mask = services_mask(codes)

    def set_position(self, lat: float, lng: float, coord: str = "gcj02") -> None:
        """Store a point given in `coord` as GCJ-02 with its index band."""
        for name, value in position_columns(lat, lng, coord).items():
            setattr(self, name, value)

    def refresh_search_columns(self) -> None:
        """Recompute `searchable` and `always_open` after kind, status, hours or is_public."""
        for name, value in search_columns(self.kind, self.status, self.is_public,
                                          self.hours).items():
            setattr(self, name, value)


@event.listens_for(Session, "after_flush")
def _count_station_changes(session, _context) -> None:
    """Any flush adding, changing or deleting a station bumps the stations revision, in the
    same transaction, with the tiles it touched: each station's, and where it moved or was
    hidden, the one it was in (bulk Core inserts bump it themselves:
    service/demo/stations.py)."""
    stations = [obj for obj in (*session.new, *session.dirty, *session.deleted)
                if isinstance(obj, Station)]
    if not stations:
        return
    tiles = set()
    for station in stations:
        state = inspect(station)
        now = state.dict
        before = {**now, **{key: value for key, value in state.committed_state.items()
                            if isinstance(value, int)}}  # a new object's are NO_VALUE
        for values in (now, before):
            row, lng_e6 = values.get("cell_row"), values.get("lng_e6")
            if not (isinstance(row, int) and isinstance(lng_e6, int)):
                tiles = None  # not loaded: unknown, so every process drops its whole copy
                break
            tiles.add(tile_key(row, tile_col(lng_e6)))
        if tiles is None:
            break
    revisions.bump(revisions.STATIONS, session.connection(), parts=tiles)
