"""Test data builders, one module per domain (`tests.factories.aid`, `.stations` …).

Each module offers plain functions that make rows through the public service or HTTP API the
way a person would, returning ids or loaded objects; fixtures in conftest.py wrap them.
"""
