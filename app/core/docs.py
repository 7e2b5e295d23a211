"""Swagger UI assets served from the installed swagger-ui-bundle package (works offline)."""

import swagger_ui_bundle
from flask import Blueprint, send_from_directory

blp = Blueprint("docs_assets", __name__)


@blp.get("/api/docs-assets/<path:filename>")
def asset(filename: str):
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
