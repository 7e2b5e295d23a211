"""Transition shim: `app.aid.applications` (rewritten in another branch) still imports
`validated_id_number` from here. After the merge it imports it from
`app.members.memberships` and the lead deletes this module."""

from app.members.memberships import validated_id_number

__all__ = ["validated_id_number"]
