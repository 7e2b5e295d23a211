"""Request and response shapes of file uploads."""

from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from app.core.contract import domain_rule
from app.core.http import ShanghaiDateTime, StrictSchema


class FileUpload(StrictSchema):
    file = Upload(required=True, metadata=domain_rule(
        "the content is a JPEG, PNG or PDF within the size and decoded-memory limits",
        description="JPEG, PNG or PDF"))


class FileOut(Schema):
    id = fields.Integer(required=True)
    original_name = fields.String(required=True, metadata={"description": "label only"})
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    created_at = ShanghaiDateTime(required=True)
