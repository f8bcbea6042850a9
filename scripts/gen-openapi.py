#!/usr/bin/env python3
"""Writes src/server/openapi.json from the route table in src/server/routes.cpp (method, path,
audience, roles, summary). The authorization test checks the document and the registered routes
list the same set and the same roles; run this after changing the table.
Usage: scripts/gen-openapi.py [--check]"""
import json, re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
source = (root / "src/server/routes.cpp").read_text()
role_names = {"Admin": "admin", "Prescriber": "prescriber", "Nurse": "nurse",
              "FrontDesk": "front_desk", "Auditor": "auditor"}
role_sets = {}
for name, body in re.findall(r"const std::vector<Role> (k\w+) = \{([^}]*)\};", source, re.S):
    role_sets[name] = [role_names[r] for r in re.findall(r"Role::(\w+)", body)]
table = source[source.index("static const std::vector<Route> table = {"):]
entries = re.findall(r'\{(Get|Post|Put),\s*"([^"]+)",\s*(Public|SignedIn|Roles),\s*(\{\}|k\w+),\s*"([^"]+)"', table)
error = {"$ref": "#/components/responses/Error"}
paths = {}
for method, path, audience, roles, summary in entries:
    op = {"summary": summary, "x-audience": audience.lower(),
          "x-roles": role_sets.get(roles, []),
          "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": error, "404": error, "413": error, "422": error, "429": error, "500": error}}
    if path.endswith("/report"):  # the letter: a page or a PDF document, not JSON
        op["responses"]["200"] = {"description": "OK", "content": {
            "text/html": {"schema": {"type": "string"}}, "text/markdown": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
        op["parameters"] = [{"name": "format", "in": "query", "required": False,
                             "schema": {"type": "string", "enum": ["html", "markdown", "pdf"]}}]
    if path == "/api/v1/stock-log":  # the controlled-substance log: JSON, CSV or the PDF
        op["responses"]["200"] = {"description": "OK", "content": {
            "application/json": {"schema": {"type": "object", "required": ["from", "to", "lots"]}},
            "text/csv": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
        op["parameters"] = [{"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
                            {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
                            {"name": "format", "in": "query", "required": False,
                             "schema": {"type": "string", "enum": ["json", "csv", "pdf"]}}]
    if path.startswith("/fhir/"):  # FHIR R4 JSON (docs/fhir.md)
        op["responses"]["200"] = {"description": "A FHIR R4 Bundle", "content": {
            "application/fhir+json": {"schema": {"type": "object", "required": ["resourceType", "type"],
                                                 "properties": {"resourceType": {"type": "string", "enum": ["Bundle"]}}}}}}
    if path == "/api/v1/patients/{id}/response":  # the web's response chart draws these lines
        count = {"type": "integer", "nullable": True}
        summary = {"type": "object",
                   "required": ["scale", "baseline", "baseline_at", "trajectory", "acute", "latest",
                                "recommendation", "suggestion", "responder_total", "remission_total"],
                   "properties": {"scale": {"type": "string"}, "baseline": count,
                                  "baseline_at": {"type": "string", "nullable": True},
                                  "trajectory": {"type": "array"}, "acute": {"type": "array"},
                                  "latest": {"type": "string"}, "recommendation": {"type": "string"},
                                  "suggestion": {"type": "string"},
                                  "responder_total": dict(count, description=
                                      "the highest trough total that is a response (response policy)"),
                                  "remission_total": dict(count, description=
                                      "the scale's remission cut-off: a response at or below it is remission")}}
        op["responses"]["200"] = {"description": "OK", "content": {"application/json": {"schema": {
            "type": "object", "required": ["scales", "recommendation", "rule", "proposed_dates"],
            "properties": {"scales": {"type": "array", "items": summary}}}}}}
    if path == "/api/v1/patients/{id}/forecast":  # model-informed maintenance (docs/clinic.md)
        op["responses"]["200"] = {"description": "OK", "content": {
            "application/json": {"schema": {"type": "object", "required": [
                "patient", "model", "scale", "data", "sufficient", "basis", "reason", "rule_based",
                "decisions"]}},
            "image/svg+xml": {"schema": {"type": "string"}}}}
        op["parameters"] = [
            {"name": "risk", "in": "query", "required": False,
             "schema": {"type": "number", "exclusiveMinimum": True, "minimum": 0,
                        "exclusiveMaximum": True, "maximum": 1}},
            {"name": "scale", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["ham-a", "gad-7", "fq", "lsas"]}},
            {"name": "format", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["json", "svg"]}}]
    if path == "/api/v1/schedule":
        op["parameters"] = [{"name": "date", "in": "query", "required": False,
                             "schema": {"type": "string", "format": "date"}}]
    if method != "Get":
        op["responses"]["201"] = {"description": "Created", "content": {"application/json": {"schema": {"type": "object"}}}}
        op["responses"]["409"] = error
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
    if path == "/api/v1/public/consultation-requests":  # only a reference goes back
        op["responses"]["201"] = {"description": "Received", "content": {"application/json": {"schema": {
            "type": "object", "required": ["reference"], "additionalProperties": False,
            "properties": {"reference": {"type": "string",
                                         "pattern": "^CR-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$"}}}}}}
    if path.startswith("/api/v1/auth/"):  # a refused password or token
        op["responses"]["401"] = error
    if audience == "Public":
        op["security"] = []
    else:
        op["responses"]["401"] = error
        op["responses"]["403"] = error
        if method != "Get":
            op["parameters"] = [{"name": "X-CSRF-Token", "in": "header", "required": True,
                                 "schema": {"type": "string"}}]
    params = []
    for p in re.findall(r"\{(\w+)\}", path):
        schema = {"type": "string", "pattern": "^[a-z0-9._-]{1,64}$"} if p in ("name", "key") else {"type": "integer", "minimum": 1}
        params.append({"name": p, "in": "path", "required": True, "schema": schema})
    if params:
        op["parameters"] = op.get("parameters", []) + params
    paths.setdefault(path, {})[method.lower()] = op
doc = {
    "openapi": "3.0.3",
    "info": {"title": "Ketapath clinic API", "version": "1",
             "description": "Generated from src/server/routes.cpp by scripts/gen-openapi.py. "
                            "x-roles: the roles a signed-in user needs (empty: any signed-in user, or public). "
                            "State-changing requests carry the X-CSRF-Token header of sign-in."},
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "ketapath_session"}},
        "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "field", "message"], "properties": {
                "code": {"type": "string", "enum": ["usage", "refused", "not_found", "conflict", "storage",
                                                    "internal", "unauthenticated", "forbidden", "too_large",
                                                    "rate_limited"]},
                "field": {"type": "string", "nullable": True},
                "message": {"type": "string"}}}}}},
        "responses": {"Error": {"description": "An error", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}}},
    "security": [{"session": []}],
    "paths": paths,
}
text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
out = root / "src/server/openapi.json"
if "--check" in sys.argv:
    sys.exit(0 if out.read_text() == text else "openapi.json is stale: run scripts/gen-openapi.py")
out.write_text(text)
print(f"wrote {out} ({len(entries)} operations)")
