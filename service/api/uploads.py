"""Multipart bodies (form fields and files together) read through one schema."""

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict


class MultipartParser(FlaskParser):
    """webargs with a `multipart` location: form fields and files in one mapping."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        """Form values and files of the request as one MultiDictProxy."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


def accept_multipart(blp: Blueprint) -> Blueprint:
    """Let `blp.arguments(..., location="multipart")` read and document a multipart body."""
    blp.ARGUMENTS_PARSER = MultipartParser()
    blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}
    return blp
