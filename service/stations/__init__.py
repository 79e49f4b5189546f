"""Stations on the map: search, the field rules of the admin API and the ledger import.

Decisions the API relies on:
- Public search shows `open` stations only, and mother-baby rooms only when `is_public`;
  the detail of a closed station or a private room is 404 for the public.
- Nearby is a nearest-N answer: `total` is the number of items returned. The viewport
  answers at most VIEWPORT_CAP items (those nearest its centre) with the true `total`.
- `external_code` (编号) is unique city-wide; the import updates the station holding it when
  that station is in the caller's subtree, and reports the row otherwise.
- The import is per row: bad rows are reported with every bad field and change nothing,
  good rows are saved; one transaction for the file.
- DELETE closes a station (status `closed`): it leaves the map and stays in the ledger with
  its feedback.
- Feedback is stored only after WeChat's content check answered; when WeChat is down the
  member gets 503 and may retry.
"""
