"""Flask extensions, created unbound and bound in create_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.core.apidoc import ErrorCodesPlugin
from app.core.contract import SchemaRulesPlugin, request_rules
from app.core.http import ErrorEnvelopeSchema

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class GonghuiApi(Api):
    """flask-smorest Api whose documented error shape is our envelope."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def _register_pagination_header(self):
        """Lists page by opaque cursors (`core.pagination`), never by page numbers: the
        `X-Pagination` header flask-smorest registers would put its `PaginationMetadata`
        schema (page, total_pages …) into the document although no operation uses it."""

    def _init_spec(self, **kwargs):
        """The document states the request rules the schemas enforce (`core.contract`)."""
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(request_rules)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
jwt = JWTManager()
api = GonghuiApi(spec_kwargs={"extra_plugins": [ErrorCodesPlugin(), SchemaRulesPlugin()]})
babel = Babel()
