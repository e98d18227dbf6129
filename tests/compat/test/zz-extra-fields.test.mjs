// Runs last (`node --test` runs the files of test/ in name order, one at a time with --test-concurrency=1): lists the
// fields our API sent during this run that the SDK's types do not declare — what assertShape noted in every test
// file (helpers/assertions.mjs) — and fails on any that docs/decisions.md does not account for in its section
// "Fields our API sends that the SDK does not declare" (one line per field: "- `Type.field` — why").
// Run alone (no other file wrote a list), it passes with a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { extraFieldsDir, extraFieldsSeen, usesExtraFieldsDir } from '../helpers/assertions.mjs';

const decisionsFile = new URL('../../../docs/decisions.md', import.meta.url);
const sectionTitle = 'Fields our API sends that the SDK does not declare';

/**
 * The section's entries: `{'Type.field': {reason, toRemove}}`. Entries under a `###` heading that says "to remove"
 * are fields with no good reason to be sent; they are allowed until the server drops them.
 */
function allowedExtraFields(markdown) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${sectionTitle}`);
  if (start < 0) return null;
  const allowed = {};
  let toRemove = false;
  for (const line of lines.slice(start + 1)) {
    if (/^## /.test(line)) break;
    if (/^### /.test(line)) { toRemove = /to remove/i.test(line); continue; }
    const m = /^- `([A-Za-z][\w.[\]]*\.\w+)` — (.+)$/.exec(line);
    if (m) allowed[m[1]] = { reason: m[2].trim(), toRemove };
  }
  return allowed;
}

/** Merges the lists the test processes of this run wrote (and this process's own). */
function collect() {
  const runs = [];
  const own = extraFieldsSeen();
  if (Object.keys(own.checked).length > 0) runs.push({ file: 'this process', ...own });
  const dir = extraFieldsDir();
  if (usesExtraFieldsDir() && existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      runs.push(JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
    }
  }
  const extras = new Map();
  const checked = new Map();
  for (const run of runs) {
    for (const [field, label] of Object.entries(run.extras)) if (!extras.has(field)) extras.set(field, `${label} (${run.file})`);
    for (const [type, count] of Object.entries(run.checked)) checked.set(type, (checked.get(type) ?? 0) + count);
  }
  return { runs, dir, extras, checked };
}

test('the section of docs/decisions.md on undeclared fields reads as one line per field with a reason', () => {
  const allowed = allowedExtraFields(readFileSync(decisionsFile, 'utf8'));
  assert.ok(allowed !== null, `docs/decisions.md should have a section "## ${sectionTitle}"`);
  for (const [field, { reason }] of Object.entries(allowed)) assert.ok(reason.length > 10, `${field} needs a reason`);
  assert.deepEqual(allowedExtraFields(`## ${sectionTitle}\n\n- \`A.b\` — because.\n### To remove\n- \`C.d\` — none.\n## Next\n- \`E.f\` — x`),
    { 'A.b': { reason: 'because.', toRemove: false }, 'C.d': { reason: 'none.', toRemove: true } });
});

test('every field our API sends beyond the SDK types is accounted for in docs/decisions.md', (t) => {
  const { runs, dir, extras, checked } = collect();
  if (usesExtraFieldsDir() && existsSync(dir) && !process.env.COMPAT_EXTRA_FIELDS_DIR) rmSync(dir, { recursive: true, force: true });
  if (runs.length === 0) {
    t.diagnostic('no test file of this run checked a shape (run alone?): nothing to list');
    return;
  }
  const allowed = allowedExtraFields(readFileSync(decisionsFile, 'utf8')) ?? {};
  const objects = [...checked.values()].reduce((a, b) => a + b, 0);
  t.diagnostic(`${objects} objects of ${checked.size} SDK types checked in ${runs.length} test files`);
  const fields = [...extras.keys()].sort();
  t.diagnostic(`${fields.length} fields the SDK does not declare:`);
  const refused = [];
  for (const field of fields) {
    const entry = allowed[field];
    const verdict = !entry ? 'NOT IN docs/decisions.md' : entry.toRemove ? 'to remove' : 'kept';
    t.diagnostic(`  ${field} — ${verdict} (seen on ${extras.get(field)})`);
    if (!entry) refused.push(field);
  }
  const unseen = Object.keys(allowed).filter((f) => !extras.has(f)).sort();
  if (unseen.length > 0) t.diagnostic(`listed in docs/decisions.md but not seen in this run: ${unseen.join(', ')}`);
  assert.deepEqual(refused, [],
    `fields the SDK does not declare and docs/decisions.md ("${sectionTitle}") does not account for: ${refused.join(', ')}`);
});
