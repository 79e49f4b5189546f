"""会员: search, a member's page and transfer, the card check, the roster export."""
