// Every method of the installed @commet/node is called somewhere in this suite, through the SDK: the methods are read
// from the SDK's own type declarations (dist/index.d.ts: the resource classes and the properties of `Commet` that hold
// them), and each must appear as `.<property>.<method>(` in a test file or helper. A method that a new SDK version adds,
// or that a test stops calling, fails here by name. (Methods whose routes still answer 501 are called in
// errors.test.mjs, "out-of-scope SDK calls".) No server is needed.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const sdkDir = path.dirname(require.resolve('@commet/node'));
const suiteDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** `{className: [method, …]}` of every `declare class` in the declarations. */
function classMethods(dts) {
  const classes = {};
  let current = null;
  for (const line of dts.split('\n')) {
    const open = /^declare class (\w+)(?:<[^>]*>)?(?: extends \w+)? \{/.exec(line);
    if (open) {
      current = open[1];
      classes[current] = [];
      continue;
    }
    if (line.startsWith('}')) {
      current = null;
      continue;
    }
    const method = current && /^ {4}(\w+)(?:<[^(]*>)?\(/.exec(line);
    if (method && method[1] !== 'constructor') classes[current].push(method[1]);
  }
  return classes;
}

/** `{property: className}` of the resource properties of `Commet` (its own and those of the classes it extends). */
function clientProperties(dts) {
  const props = {};
  const body = (name) => {
    const start = dts.search(new RegExp(`^declare class ${name}\\b`, 'm'));
    return start < 0 ? '' : dts.slice(start, dts.indexOf('\n}', start));
  };
  const commet = body('Commet');
  const base = /declare class Commet(?:<[^>]*>)? extends (\w+)/.exec(commet)?.[1];
  for (const text of [commet, base ? body(base) : '']) {
    for (const m of text.matchAll(/^ {4}(?:readonly )?(\w+): (\w+);$/gm)) props[m[1]] = m[2];
  }
  return props;
}

function suiteSource() {
  const files = ['test', 'helpers'].flatMap((dir) =>
    readdirSync(path.join(suiteDir, dir)).filter((f) => f.endsWith('.mjs') && f !== 'sdk-methods.test.mjs').map((f) => path.join(suiteDir, dir, f)));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

test('every method of every resource of @commet/node is called by the suite', (t) => {
  const dts = readFileSync(path.join(sdkDir, 'index.d.ts'), 'utf8');
  const classes = classMethods(dts);
  const props = clientProperties(dts);
  const methods = Object.entries(props).flatMap(([prop, cls]) => (classes[cls] ?? []).map((m) => `${prop}.${m}`));
  // 7.10.0: 113 HTTP methods on 21 resources, plus webhooks.verify, verifyAndParse, process and on.
  assert.ok(Object.keys(props).length >= 21, `resources read from index.d.ts: ${Object.keys(props).join(', ')}`);
  assert.ok(methods.length >= 117, `methods read from index.d.ts: ${methods.length}`);

  const source = suiteSource();
  const uncalled = methods.filter((m) => {
    const [prop, method] = m.split('.');
    return !new RegExp(`\\.${prop}\\s*\\.\\s*${method}\\s*\\(`).test(source);
  });
  t.diagnostic(`${methods.length} SDK methods, ${methods.length - uncalled.length} called`);
  assert.deepEqual(uncalled, [], `SDK methods no test calls: ${uncalled.join(', ')}`);
});
