"""The HTTP layer: thin handlers (request in, a domain call, the answer out), the service's
error format, which operation a path names, the tenant headers, the bearer check, and the front
door every call passes (request journal, faults, answers held until their writes are durable).
"""
