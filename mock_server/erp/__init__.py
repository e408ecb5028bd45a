"""The ERP twin: an Acumatica-shaped contract-based REST API (customers, contacts, locations)
served beside the B2B API, so an ERP-to-B2B sync can run with no ERP at hand.

Like ``mock_server.domain`` it does no I/O and imports no framework: it reads and writes the
store through the domain's ports, and the HTTP layer (``http.erp_handlers``) calls it.
"""
