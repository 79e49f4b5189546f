"""The Blueprint every API module uses: flask-smorest's, with one argument parser.

The parser keeps one instance per schema class (building a marshmallow schema deep-copies
its declared fields, a cost each request would otherwise pay for nothing; loading does not
change the instance) and reads a `multipart` location: form fields and files in one mapping,
so a multipart body is checked by a schema like any other.
"""

from functools import cache

import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict


@cache
def _instance(schema_class: type[Schema]) -> Schema:
    return schema_class()


class Parser(FlaskParser):
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def _get_schema(self, argmap, req) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            return _instance(argmap)
        return super()._get_schema(argmap, req)

    def load_multipart(self, req, schema):
        """Form values and files of the request as one MultiDictProxy."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data"}
