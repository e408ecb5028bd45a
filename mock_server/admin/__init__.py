"""The operator's side of the mock, apart from the B2B API as WireMock keeps ``/__admin`` apart:
the request journal, fault injection, seeding, export and import of the whole state, and the
demo page, all under ``/_mock``."""
