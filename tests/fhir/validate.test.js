// The validator itself: a small valid Bundle passes, and each kind of mistake the export could
// make is reported (so a passing export check means something).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { checkBundle } = require('./validate.js');

function bundle() {
  const patient = 'urn:uuid:00000000-0000-8000-8000-000000000001';
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: patient, resource: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1980-01-02' } },
      {
        fullUrl: 'urn:uuid:00000000-0000-8000-8000-000000000002',
        resource: {
          resourceType: 'Observation', id: 'bp1', status: 'final',
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
          code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
          subject: { reference: patient },
          effectiveDateTime: '2026-01-05T09:00:00Z',
          component: [
            { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 128, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
            { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 82, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
          ],
        },
      },
    ],
  };
}

test('a valid bundle passes', () => {
  assert.deepStrictEqual(checkBundle(bundle()), []);
});

test('an unknown element fails the schema', () => {
  const b = bundle();
  b.entry[1].resource.valu = 1;
  assert.match(checkBundle(b).join('\n'), /Observation\/bp1: schema/);
});

test('a missing required element fails the schema', () => {
  const b = bundle();
  delete b.entry[1].resource.code;
  assert.match(checkBundle(b).join('\n'), /Observation\/bp1: schema/);
});

test('a dangling reference is reported', () => {
  const b = bundle();
  b.entry[1].resource.subject.reference = 'urn:uuid:00000000-0000-8000-8000-00000000dead';
  assert.match(checkBundle(b).join('\n'), /does not resolve within the Bundle/);
});

test('a BP panel without its diastolic component breaks the profile', () => {
  const b = bundle();
  b.entry[1].resource.component.pop();
  assert.match(checkBundle(b).join('\n'), /exactly one component 8462-4/);
});

test('a component without value or absent reason breaks vs-3', () => {
  const b = bundle();
  delete b.entry[1].resource.component[0].valueQuantity;
  assert.match(checkBundle(b).join('\n'), /vs-3 violated/);
});

test('a vital sign without value, components or absent reason breaks vs-2', () => {
  const b = bundle();
  delete b.entry[1].resource.component;
  assert.match(checkBundle(b).join('\n'), /vs-2 violated/);
});

test('a non-UCUM quantity breaks the profile', () => {
  const b = bundle();
  b.entry[1].resource.component[0].valueQuantity.system = 'http://example.org/units';
  assert.match(checkBundle(b).join('\n'), /UCUM/);
});
