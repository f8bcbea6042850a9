// Validates the server's recorded responses against src/server/openapi.json with ajv (issue 11:
// "responses are validated against openapi.json in the tests").
//   node check.mjs OPENAPI.json RECORDED.jsonl...
// Each recorded line is {"method", "path", "status", "content_type", "body"} as the server tests
// wrote it (KETAPATH_RECORD_RESPONSES, tests/server/server_fixture.h). For every response: the
// route and method must be documented, the status must be one the operation lists, the content
// type one it lists, and a JSON body (application/json or a +json type such as FHIR's) must match
// the schema (errors: components/schemas/Error).
// Exit 1 on any mismatch, naming the request.
import fs from "node:fs";
import Ajv from "ajv";

const [docPath, ...recordings] = process.argv.slice(2);
if (!docPath || recordings.length === 0) {
  console.error("usage: node check.mjs OPENAPI.json RECORDED.jsonl...");
  process.exit(2);
}
const doc = JSON.parse(fs.readFileSync(docPath, "utf8"));

// OpenAPI 3.0 "nullable: true" is not JSON Schema: turn it into a type union.
function toJsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "nullable") continue;
    out[k] = toJsonSchema(v);
  }
  if (schema.nullable === true && typeof schema.type === "string") out.type = [schema.type, "null"];
  if (typeof out.$ref === "string") out.$ref = "openapi.json" + out.$ref;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: "openapi.json", components: toJsonSchema(doc.components) });

const routes = Object.entries(doc.paths).map(([template, item]) => ({
  template,
  item,
  regex: new RegExp(
    "^" +
      template.replace(/[.$-]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name) =>
        name === "name" || name === "key" ? "[a-z0-9._-]{1,64}" : "[0-9]{1,18}") +
      "$"),
}));

function resolve(obj) {
  while (obj && obj.$ref) {
    obj = obj.$ref.replace(/^#\//, "").split("/").reduce((o, k) => o[k], doc);
  }
  return obj;
}

const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) validators.set(key, ajv.compile(toJsonSchema(schema)));
  return validators.get(key);
}

let checked = 0;
const problems = [];
const seen = new Set();
for (const file of recordings) {
  const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
  for (const line of lines) {
    const r = JSON.parse(line);
    const where = `${r.method} ${r.path} -> ${r.status}`;
    const path = r.path.split("?")[0];
    const route = routes.find((x) => x.regex.test(path));
    const op = route && route.item[r.method.toLowerCase()];
    if (!op) {
      // Unknown routes answer 404 with the error body; that is documented nowhere per route.
      if (r.status !== 404) problems.push(`${where}: route not in the OpenAPI document`);
      continue;
    }
    seen.add(`${r.method} ${route.template}`);
    checked += 1;
    const response = resolve(op.responses[String(r.status)]);
    if (!response) {
      problems.push(`${where}: status ${r.status} is not documented for ${route.template}`);
      continue;
    }
    const type = (r.content_type || "").split(";")[0].trim();
    const media = response.content && response.content[type];
    if (!media) {
      problems.push(`${where}: content type "${type}" is not documented (${Object.keys(response.content || {}).join(", ")})`);
      continue;
    }
    if (type !== "application/json" && !type.endsWith("+json")) continue;
    let body;
    try {
      body = JSON.parse(r.body);
    } catch (e) {
      problems.push(`${where}: body is not JSON: ${e.message}`);
      continue;
    }
    const validate = validatorFor(`${r.method} ${route.template} ${r.status} ${type}`, media.schema);
    if (!validate(body)) {
      problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${r.body.slice(0, 200)}`);
    }
  }
}
const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
console.log(`openapi-check: ${checked} responses checked, ${seen.size} of ${operations} operations exercised, ${problems.length} problems`);
for (const p of problems.slice(0, 50)) console.error("  " + p);
process.exit(problems.length === 0 ? 0 : 1);
