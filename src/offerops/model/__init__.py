"""Pydantic models of the offer file format v1 and of ``offerops.yaml``.

The models are the contract: the linter validates against them, ``offerops schema`` generates the
JSON Schemas from them, and the reconciler normalizes them into backend-independent state.
"""
