"""Shapes of subscription records and in-app messages."""

from marshmallow import Schema, fields, validate

from app.core.http import ShanghaiDateTime, StrictSchema
from app.core.pagination import ListQuerySchema


class SubscriptionsIn(StrictSchema):
    accepted = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                           load_default=list, validate=validate.Length(max=3))
    rejected = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                           load_default=list, validate=validate.Length(max=3))


class Credit(Schema):
    template_id = fields.String(required=True)
    credits = fields.Integer(required=True)


class Credits(Schema):
    items = fields.List(fields.Nested(Credit), required=True)


class SubscribeTemplateOut(Schema):
    template_id = fields.String(required=True, metadata={
        "description": "the id to pass to wx.requestSubscribeMessage (tmplIds)"})
    purpose = fields.String(required=True, metadata={
        "description": "what the template tells the user (Chinese; English with "
                       "Accept-Language: en), to explain the request before it is made"})
    events = fields.List(fields.String(), required=True, metadata={
        "description": "the events it carries; \"*\" = every event without its own template"})
    credits = fields.Integer(required=True, metadata={
        "description": "messages this template may still send to the caller (one per accept)"})


class SubscribeTemplates(Schema):
    """Every configured template (a handful: not a page)."""

    items = fields.List(fields.Nested(SubscribeTemplateOut), required=True)


class MessageQuery(ListQuerySchema):
    unread = fields.Boolean(load_default=False)


class MessageOut(Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    page = fields.String(allow_none=True)
    read_at = ShanghaiDateTime(allow_none=True)
    created_at = ShanghaiDateTime(required=True)


class MessagePage(Schema):
    items = fields.List(fields.Nested(MessageOut), required=True)
    next_cursor = fields.String(allow_none=True)
    unread = fields.Integer(required=True)


class UnreadCount(Schema):
    unread = fields.Integer(required=True)
