// Shared by the Node tests: the package as a user requires it, and the
// vector runner (same semantics as core/tests/vectors.rs).
const path = require('node:path');
const fs = require('node:fs');
const assert = require('node:assert/strict');

const telnum = require('../pkg');
const root = path.join(__dirname, '..', '..');

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', name), 'utf8'));
}

// Subset match: expected object keys must match; arrays element by element.
function matches(expected, actual, where, errors) {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      errors.push(`${where}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    for (const [k, v] of Object.entries(expected)) matches(v, actual[k] ?? null, `${where}.${k}`, errors);
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      errors.push(`${where}: expected ${expected.length} items, got ${JSON.stringify(actual)}`);
      return;
    }
    expected.forEach((v, i) => matches(v, actual[i], `${where}[${i}]`, errors));
  } else if (expected !== actual) {
    errors.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// Runs a scenario file through the package's functions (the vector's op,
// in camelCase); returns the step count.
function runVectors(name) {
  const file = vectors(name);
  const failures = [];
  let steps = 0;
  for (const sc of file.scenarios) {
    const state = { ...(sc.state || {}) };
    sc.steps.forEach((step, i) => {
      steps += 1;
      const args = { ...(step.args || {}) };
      for (const key of step.use || []) if (key in state) args[key] = state[key];
      let result;
      let error;
      try {
        const fn = telnum[step.op.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())];
        if (typeof fn !== 'function') throw new Error(`no function for operation ${step.op}`);
        result = fn(args);
      } catch (e) {
        if (!(e instanceof telnum.TelnumError)) throw e;
        error = e;
      }
      const errors = [];
      const expect = step.expect;
      if (!error && !('error' in expect)) {
        matches(expect.ok ?? null, result ?? null, 'ok', errors);
        for (const [key, from] of Object.entries(step.save || {})) {
          if (result[from] === null || result[from] === undefined) delete state[key];
          else state[key] = result[from];
        }
      } else if (error && 'error' in expect) {
        matches(expect.error, error.code, 'error', errors);
        // Fields are snake_case in the vectors, camelCase on the JS error.
        for (const [k, v] of Object.entries(expect.fields || {})) {
          const camel = k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
          matches(v, error[camel] ?? null, `fields.${k}`, errors);
        }
      } else if (error) {
        errors.push(`unexpected error ${error.code}: ${error.message}`);
      } else {
        errors.push(`expected error ${expect.error}, got ${JSON.stringify(result)}`);
      }
      for (const e of errors) failures.push(`${sc.name} / step ${i} (${step.op}): ${e}`);
    });
  }
  assert.deepEqual(failures, []);
  return steps;
}

module.exports = { telnum, vectors, runVectors, root, matches };
