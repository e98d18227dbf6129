// Reads the webhook event data types that @commet/node declares (dist/index.d.ts: the WebhookEvent union and
// WebhookEventDataMap) and prints, per event, each field of its data as "required" (present, never null),
// "nullable" (present, may be null: `T | null`) or "optional" (may be left out, never null: `field?: T`).
//   node tools/webhook-fields.mjs > ../Commet.Server.Tests/Events/webhook-fields.json
// The server tests check the recorded events against that file; test/webhook-fields.test.mjs checks that the file
// still matches the installed SDK.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function declaredWebhookFields(dts) {
  const union = dts.match(/type WebhookEvent = ([^;]+);/);
  if (!union) throw new Error('WebhookEvent union not found');
  const names = [...union[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const map = dts.match(/interface WebhookEventDataMap \{([^}]*)\}/);
  if (!map) throw new Error('WebhookEventDataMap not found');
  const dataOf = Object.fromEntries([...map[1].matchAll(/"([^"]+)":\s*(\w+);/g)].map((m) => [m[1], m[2]]));
  const result = {};
  for (const name of names) {
    const type = dataOf[name];
    if (!type) throw new Error(`No data type for ${name}`);
    const body = dts.match(new RegExp(`interface ${type} \\{([\\s\\S]*?)\\n\\}`));
    if (!body) throw new Error(`interface ${type} not found`);
    const withoutComments = body[1].replace(/\/\*\*[\s\S]*?\*\//g, '');
    const fields = {};
    for (const m of withoutComments.matchAll(/^\s*(\w+)(\??):\s*([^;]+);/gm)) {
      const nullable = /\|\s*null\b/.test(m[3]);
      fields[m[1]] = m[2] === '?' ? 'optional' : nullable ? 'nullable' : 'required';
    }
    result[name] = fields;
  }
  return result;
}

export function installedDts() {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('@commet/node')), 'index.d.ts'), 'utf8');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(declaredWebhookFields(installedDts()), null, 2) + '\n');
}
