"""reach's own rules for schemathesis to check on every answer, beside the spec's."""

import json
import re

import schemathesis


@schemathesis.check
def problem_json_errors(ctx, response, case):
    """Every error reach answers is an application/problem+json document (RFC 9457) whose
    status is the answer's, with a type, a title, a detail and the request's id."""
    if response.status_code < 400:
        return None
    ctype = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
    if ctype != "application/problem+json":
        raise AssertionError(f"{response.status_code} answered as {ctype!r}, not application/problem+json")
    try:
        doc = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"the problem document is not JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("status") != response.status_code:
        raise AssertionError(f"the problem document does not carry the status {response.status_code}: {doc!r}")
    for name in ("type", "title", "detail"):
        if not isinstance(doc.get(name), str) or not doc[name]:
            raise AssertionError(f"the problem document has no {name}: {doc!r}")
    request_id = (response.headers.get("x-request-id") or [""])[0]
    if doc.get("requestId") != request_id:
        raise AssertionError(f"the problem document names request {doc.get('requestId')!r}, the answer {request_id!r}")
    return None


# What only reach makes, so that no schema can tell a value it will take: a list's cursor and a
# consistency token. A schema-valid one that reach did not give is refused 400 naming the field.
OPAQUE_FIELDS = {"cursor", "token", "Consistency-Token"}

# Fields checked against another field of the same request, which an OpenAPI 3.0 schema cannot
# say (their descriptions do): a position may not end before it began. A schema-valid request
# that breaks such a rule is refused 400 naming the field.
RELATED_FIELDS = re.compile(r"positions\[\d+\]\.to")

# Answers to schema-valid requests that the rules decide, not the schema: a token's member who
# may not (401, 403), a member, message or invitation that is not there (404), a state that
# conflicts (409), a request on yourself or a reused idempotency key (422), a limit (429), and a
# body over the size limit, which counts bytes where a schema counts characters (413).
RULE_STATUSES = {401, 403, 404, 409, 413, 422, 429}


@schemathesis.check
def positive_data_accepted(ctx, response, case):
    """schemathesis's positive_data_acceptance, with the refusals of reach's rules: a request the
    schema allows is answered, or refused by a rule (RULE_STATUSES), or refused 400 for a cursor or
    token reach did not give or for fields checked against each other (RELATED_FIELDS); any other
    4xx means the schema allows what reach refuses."""
    from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in RULE_STATUSES:
        return None
    field = _problem_field(response)
    if status == 400 and (field in OPAQUE_FIELDS or (isinstance(field, str) and RELATED_FIELDS.fullmatch(field))):
        return None
    raise AssertionError(f"a request the schema allows was refused {status}: {response.content[:400]!r}")


def _problem_field(response):
    try:
        doc = json.loads(response.content)
    except ValueError:
        return None
    return doc.get("field") if isinstance(doc, dict) else None
