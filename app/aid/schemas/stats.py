"""Shapes of a program's figures: totals and breakdowns by village, category and tier."""

from marshmallow import Schema, fields

from app.aid.schemas.programs import AidBudget
from app.core.http import OrgRef


class AidFigure(Schema):
    count = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)


class AidFigures(Schema):
    approved = fields.Nested(AidFigure, required=True,
                             metadata={"description": "passed the whole chain (incl. paid)"})
    paid = fields.Nested(AidFigure, required=True)
    pending = fields.Nested(AidFigure, required=True, metadata={"description": "in review"})


class AidStatsRow(AidFigures):
    key = fields.String(required=True)
    label = fields.String(required=True)


class AidProgramStats(Schema):
    program = fields.Nested(OrgRef, required=True)
    budget = fields.Nested(AidBudget, required=True)
    totals = fields.Nested(AidFigures, required=True)
    by_village = fields.List(fields.Nested(AidStatsRow), required=True)
    by_category = fields.List(fields.Nested(AidStatsRow), required=True)
    by_tier = fields.List(fields.Nested(AidStatsRow), required=True)
