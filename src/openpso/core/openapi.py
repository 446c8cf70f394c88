"""The error responses of the OpenAPI document, derived from each operation's shape.

Every operation's routes declare what they answer on success (and their own refusals); the
answers that come from the machinery around them are added here, from what the operation
takes, so a new route is documented the moment it exists:

- 401 wherever a credential is required (lib/api_auth.py), 403 on writes a signed-in session
  makes without its CSRF token;
- 422 wherever there is input to refuse (ninja's validation, core.api.invalid_input);
- 429 wherever a credential is required: over OPENPSO_API_RATE per person or key, or over
  OPENPSO_API_ORG_RATE for all of an organisation's keys (lib/api_throttle.py), with a
  Retry-After header;
- 404 wherever a path names an object: missing and not-yours look the same;
- 400 (not JSON) and 413 (over DATA_UPLOAD_MAX_MEMORY_SIZE) wherever there is a body;
- 414 and 431, which gunicorn answers before the application when the request line or the
  headers exceed its limits (an HTML page, not ours to shape).
"""

from __future__ import annotations

from typing import Any

from openpso.reporting.schemas import ErrorOut

_REF = "#/components/schemas/{model}"
_UNSAFE = {"post", "put", "patch", "delete"}
_SESSION_SCHEME = "SessionAuth"

_JSON_ERRORS = {
    "400": "The body is not valid JSON.",
    "401": "No valid credential; `detail` says what is missing or wrong.",
    "403": "A signed-in session's write without a valid CSRF token.",
    "404": "No such object, or none you may see: the two answers are the same.",
    "413": "The body is larger than the server accepts.",
    "422": "Invalid input: `errors` names each field with a stable `code` and the reason.",
    "429": (
        "Too many requests from this person or API key (OPENPSO_API_RATE), or from all of this "
        "organisation's API keys together (OPENPSO_API_ORG_RATE); `detail` names the limit."
    ),
}
_RETRY_AFTER = {
    "description": "Whole seconds to wait before the next request is accepted.",
    "schema": {"type": "integer", "minimum": 0},
}
_SERVER_ERRORS = {
    "414": "The request line is longer than the server accepts (answered before the application).",
    "431": "The headers are larger than the server accepts (answered before the application).",
}


def _json_error(code: str) -> dict[str, Any]:
    schema = {"$ref": _REF.format(model=ErrorOut.__name__)}
    response: dict[str, Any] = {
        "description": _JSON_ERRORS[code],
        "content": {"application/json": {"schema": schema}},
    }
    if code == "429":
        response["headers"] = {"Retry-After": _RETRY_AFTER}
    return response


def _server_error(code: str) -> dict[str, Any]:
    return {"description": _SERVER_ERRORS[code], "content": {"text/html": {"schema": {"type": "string"}}}}


def error_codes(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses this operation can answer besides those its route declares."""
    params = operation.get("parameters", [])
    has_body = "requestBody" in operation
    codes = []
    if has_body:
        codes += ["400", "413"]
    security = operation.get("security", [])
    if security:
        codes += ["401", "429"]
        if method in _UNSAFE and any(_SESSION_SCHEME in requirement for requirement in security):
            codes.append("403")
    if any(p.get("in") == "path" for p in params):
        codes.append("404")
    if params or has_body:
        codes.append("422")
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses and the shared error schema to a generated OpenAPI document."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error = ErrorOut.model_json_schema(ref_template=_REF)
    components.update(error.pop("$defs", {}))
    components[ErrorOut.__name__] = error
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            # ninja keys the statuses its routes declare by int; the document's keys are strings.
            responses = {str(code): response for code, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code in error_codes(method, operation):
                responses.setdefault(code, _json_error(code))
            for code in _SERVER_ERRORS:
                responses.setdefault(code, _server_error(code))
    return schema
