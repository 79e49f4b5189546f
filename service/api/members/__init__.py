"""HTTP faces of the member roster: list, detail, export, transfer, card check, figures."""
