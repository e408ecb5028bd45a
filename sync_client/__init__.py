"""b2b-sync: ERP customers and contacts (Acumatica's shape) into B2B accounts and users."""

__version__ = "0.1.0"
