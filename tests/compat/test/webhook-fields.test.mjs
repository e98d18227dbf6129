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
  // The events the server records since every producible event is produced (docs/webhooks.md).
  assert.equal(declared['customer.created'].externalId, 'nullable');
  assert.equal(declared['customer.state_changed'].plan, 'nullable');
  assert.equal(declared['credits.low'].thresholdCredits, 'required');
  assert.equal(declared['balance.low'].thresholdBalance, 'required');
  assert.equal(declared['seats.limit_reached'].includedSeats, 'required');
  assert.equal(declared['trial.checkout_ready'].trialDays, 'required');
  assert.equal(declared['invoice.overdue'].subscriptionId, 'nullable');
  assert.ok(Object.keys(declared).length >= 56);
});
