"""HTTP faces of joining by QR code: scan, apply, review, join codes, the member card."""
