"""The service's rules: accounts, users and roles, attributes, tenancy, tickets and the query
language of its lists.

Nothing in this package does I/O or knows a web framework: it works on the store through the
protocols of ``ports`` and reads the spec's facts through a ``Catalog`` it is handed, so each
rule can be called and tested on its own. Failures are ``errors.ServiceError``; the HTTP layer
turns them into the service's error answers.
"""
