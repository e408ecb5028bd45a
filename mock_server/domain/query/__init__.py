"""The query language of the service's lists: ``filter``, ``sortBy``, paging, ``q`` and
``responseFields``."""
