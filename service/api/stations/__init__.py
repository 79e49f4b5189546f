"""HTTP faces of stations: the map search, feedback, the ledger staff keep, its import."""
