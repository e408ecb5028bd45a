"""The operator's features, apart from the B2B API as WireMock keeps ``/__admin`` apart: the
request journal, fault injection, seeding, export and import of the whole state, and the demo
page. ``mock_server.http.admin_handlers`` serves them under ``/_mock``."""
