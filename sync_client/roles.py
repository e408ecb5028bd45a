"""The service's built-in buyer roles, as the sync names them."""

ADMIN, PURCHASER, NONPURCHASER = 1, 2, 3
ROLE_NAMES = {ADMIN: "Admin", PURCHASER: "Purchaser", NONPURCHASER: "Nonpurchaser"}
