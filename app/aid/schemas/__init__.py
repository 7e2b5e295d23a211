"""Request and response shapes of aid, one module per concern: programs, applications,
batches, stats.

Responses dump the model objects the services return: renames by `attribute=`, masks of
personal numbers by `core.fields.Masked` (core.crypto masks), the org and program by relationship.
"""
