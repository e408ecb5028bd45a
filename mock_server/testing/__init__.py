"""Helpers for testing clients against b2b-mock, as ``flask.testing`` is Flask's: a server in a
child process on a free port (``process``) and the ``b2b_mock`` pytest fixture
(``pytest_plugin``)."""
