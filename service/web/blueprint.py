"""The Blueprint every API module uses: flask-smorest's, with one argument parser.

The parser keeps one instance per schema class (building a marshmallow schema deep-copies
its declared fields, a cost each request would otherwise pay for nothing; loading does not
change the instance), hands marshmallow query strings and forms as plain dicts (a list for
each field taking several values, else the first value, as webargs' proxy would give, but
read once, not a lookup and a KeyError per absent field), and reads a `multipart` location:
form fields and files in one mapping, so a multipart body is checked by a schema like any
other.
"""

import copy
import functools
from functools import cache
from http import HTTPStatus
from weakref import WeakKeyDictionary

import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict, MultiDict


@cache
def _instance(schema_class: type[Schema]) -> Schema:
    return schema_class()


_MULTIPLE_KEYS: WeakKeyDictionary = WeakKeyDictionary()  # schema -> keys read as lists


def _multiple_keys(schema: Schema) -> frozenset[str]:
    """The keys `schema` reads as lists (webargs' rule), worked out once per instance."""
    found = _MULTIPLE_KEYS.get(schema)
    if found is None:
        found = _MULTIPLE_KEYS[schema] = frozenset(
            MultiDictProxy(MultiDict(), schema).multiple_keys)
    return found


class Parser(FlaskParser):
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def _get_schema(self, argmap, req) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            return _instance(argmap)
        return super()._get_schema(argmap, req)

    def _makeproxy(self, multidict, schema):
        if not isinstance(multidict, MultiDict):  # headers and others: webargs' proxy
            return super()._makeproxy(multidict, schema)
        multiple = _multiple_keys(schema)
        return {key: values if key in multiple else values[0]
                for key, values in multidict.lists()}

    def load_multipart(self, req, schema):
        """Form values and files of the request as one mapping."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data"}


def declare_errors(view, status_codes):
    """Add the error answers `status_codes` to the view's OpenAPI entry (the error schema)."""
    apidoc = copy.deepcopy(getattr(view, "_apidoc", {}))
    responses = apidoc.setdefault("response", {}).setdefault("responses", {})
    for code in status_codes:
        if code not in responses:
            responses[code] = [HTTPStatus(code).name]  # the response component of that name
    view._apidoc = apidoc
    return view


def errors(*status_codes: int):
    """Declare the error answers a view gives beyond those its other decorators declare."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        return declare_errors(wrapper, status_codes)

    return decorator
