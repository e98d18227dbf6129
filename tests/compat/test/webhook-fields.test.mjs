// The server records webhook events into its outbox; there is no API to list them, so the server tests
// (tests/Commet.Server.Tests/EventCatalogueTests.cs) read the outbox rows and check each event's data against
// tests/Commet.Server.Tests/Events/webhook-fields.json. This test keeps that file honest: it must be exactly what
// the installed @commet/node declares (regenerate it with `node tools/webhook-fields.mjs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { declaredWebhookFields, installedDts } from '../tools/webhook-fields.mjs';

test('the checked-in webhook field list is what @commet/node 7.10.0 declares', () => {
  const declared = declaredWebhookFields(installedDts());
  const checkedIn = JSON.parse(readFileSync(new URL('../../Commet.Server.Tests/Events/webhook-fields.json', import.meta.url), 'utf8'));
  assert.deepEqual(checkedIn, declared);
  // Spot checks that the parser reads the declarations the way the SDK means them.
  assert.equal(declared['addon.activated'].proratedPrice, 'required');
  assert.equal(declared['subscription.canceled'].canceledAt, 'optional');
  assert.equal(declared['subscription.canceled'].cancelReason, 'nullable');
  assert.ok(Object.keys(declared).length >= 56);
});
