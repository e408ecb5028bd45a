"""b2b-mock: a stateful stand-in for the B2B accounts API."""

import warnings

__version__ = "0.1.0"

# Connexion imports Starlette's test client, which warns about httpx on import; it is noise here.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
