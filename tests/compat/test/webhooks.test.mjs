// webhooks.* of @commet/node 7.10.0 against the server, and real deliveries checked with the SDK's own verifier.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { sandbox, useServer } from '../helpers/sdk.mjs';
import { assertList, assertSuccess, expectApiError, expectValidationError } from '../helpers/assertions.mjs';
import { newPlan, payingCustomer } from '../helpers/billing.mjs';
import {
  assertDeletedWebhook, assertWebhookEndpoint, assertWebhookEndpointCreated, assertWebhookTestResult,
} from '../helpers/shapes.mjs';

// A short retry schedule (two retries, 300 ms apart) so that failing deliveries play out within the test.
useServer({ env: { Commet__Billing__Worker: 'false', Commet__Webhooks__PollMilliseconds: '50', Commet__Webhooks__RetrySchedule: '00:00:00.3,00:00:00.3' } });

/** A receiver on loopback: records raw bodies and headers, answers `answer()` (200 by default). */
const received = [];
let answer = () => 200;
let receiver;
let receiverUrl;

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = answer();
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, status });
      res.writeHead(status).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
});

after(() => new Promise((resolve) => receiver.close(resolve)));

async function waitFor(predicate, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; received ${received.map((r) => r.headers['x-commet-event']).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const forSubscription = (id) => received.filter((r) => JSON.parse(r.body).data?.subscriptionId === id);

describe('webhooks', () => {
  test('create, list, get, update, test and delete through the SDK', async () => {
    const commet = sandbox();
    const created = assertSuccess(await commet.webhooks.create({ url: receiverUrl, events: ['subscription.created'], description: 'first' }));
    assertWebhookEndpointCreated(created);
    assert.match(created.secretKey, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(created.events, ['subscription.created']);

    const got = assertSuccess(await commet.webhooks.get({ id: created.id }));
    assertWebhookEndpoint(got);
    assert.equal(got.secretKey, undefined, 'the secret is shown once');
    const listed = assertList(await commet.webhooks.list({ limit: 10 }));
    assert.ok(listed.some((w) => w.id === created.id));
    listed.forEach((w, i) => assertWebhookEndpoint(w, false, `listed[${i}]`));

    const updated = assertSuccess(await commet.webhooks.update({ id: created.id, description: null, events: ['payment.failed', 'invoice.created'], apiVersion: '2026-07-11' }));
    assertWebhookEndpoint(updated, false, 'updated');
    assert.equal(updated.description, null);
    assert.deepEqual(updated.events, ['payment.failed', 'invoice.created']);
    assert.equal(updated.apiVersion, '2026-07-11');

    const tested = assertSuccess(await commet.webhooks.test({ id: created.id }));
    assertWebhookTestResult(tested);
    assert.equal(tested.success, true);
    assert.equal(typeof tested.deliveryId, 'string');
    assert.ok(!Number.isNaN(Date.parse(tested.deliveredAt)));
    const testDelivery = received.find((r) => r.headers['x-commet-event'] === 'webhook.test');
    assert.ok(testDelivery, 'the test event arrived');
    assert.equal(commet.webhooks.verify({ payload: testDelivery.body, signature: testDelivery.headers['x-commet-signature'], secret: created.secretKey }), true);

    await expectValidationError(() => commet.webhooks.create({ url: 'not a url', events: ['*'] }), 'url');
    await expectValidationError(() => commet.webhooks.create({ url: receiverUrl, events: ['no.such_event'] }), 'events');

    const deleted = assertSuccess(await commet.webhooks.delete({ id: created.id }));
    assertDeletedWebhook(deleted);
    assert.equal(deleted.id, created.id);
    assert.equal(deleted.deleted, true);
    await expectApiError(() => commet.webhooks.get({ id: created.id }), { status: 404 });
  });

  test('deliveries verify with webhooks.verify; a tampered body does not', async () => {
    const commet = sandbox();
    received.length = 0;
    const { secretKey, id } = assertSuccess(await commet.webhooks.create({ url: receiverUrl, events: ['*'] }));
    const plan = await newPlan(commet);
    const customer = await payingCustomer(commet);
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
    await waitFor(() => forSubscription(sub.id).some((r) => r.headers['x-commet-event'] === 'subscription.created'), 'subscription.created');

    for (const r of received) {
      assert.equal(commet.webhooks.verify({ payload: r.body, signature: r.headers['x-commet-signature'], secret: secretKey }), true, r.headers['x-commet-event']);
      const parsed = commet.webhooks.verifyAndParse({ rawBody: r.body, signature: r.headers['x-commet-signature'], secret: secretKey });
      assert.equal(parsed.event, r.headers['x-commet-event']);
      assert.equal(parsed.mode, 'sandbox');
      assert.equal(typeof parsed.organizationId, 'string');
      assert.equal(typeof parsed.apiVersion, 'string');
      assert.ok(!Number.isNaN(Date.parse(parsed.timestamp)));
      assert.equal(parsed.id, r.headers['webhook-id']);
    }
    const one = received.find((r) => r.headers['x-commet-event'] === 'subscription.created');
    const tampered = one.body.replace('"sandbox"', '"live"');
    assert.notEqual(tampered, one.body);
    assert.equal(commet.webhooks.verify({ payload: tampered, signature: one.headers['x-commet-signature'], secret: secretKey }), false);
    assert.equal(commet.webhooks.verifyAndParse({ rawBody: tampered, signature: one.headers['x-commet-signature'], secret: secretKey }), null);
    assert.equal(commet.webhooks.verify({ payload: one.body, signature: one.headers['x-commet-signature'], secret: 'whsec_wrong' }), false);

    // webhooks.process: verifies and parses like verifyAndParse, then calls the handler registered with webhooks.on for
    // the event (with its data and the whole payload); a tampered body calls nothing and answers null.
    const handled = [];
    commet.webhooks.on('subscription.created', (data, payload) => { handled.push({ data, payload }); });
    const processed = await commet.webhooks.process({ rawBody: one.body, signature: one.headers['x-commet-signature'], secret: secretKey });
    assert.equal(processed.event, 'subscription.created');
    assert.equal(handled.length, 1);
    assert.equal(handled[0].data.subscriptionId, sub.id);
    assert.equal(handled[0].payload.id, one.headers['webhook-id']);
    assert.equal(await commet.webhooks.process({ rawBody: tampered, signature: one.headers['x-commet-signature'], secret: secretKey }), null);
    assert.equal(handled.length, 1, 'a tampered delivery reaches no handler');
    assertDeletedWebhook(assertSuccess(await commet.webhooks.delete({ id })));
  });

  test('a failing receiver gets retries; three failing events disable; re-enabling resumes with the next event', async () => {
    const commet = sandbox();
    received.length = 0;
    answer = () => 500;
    const { id } = assertSuccess(await commet.webhooks.create({ url: receiverUrl, events: ['subscription.created'] }));
    const plan = await newPlan(commet);
    const subs = [];
    for (let i = 0; i < 3; i++) {
      const customer = await payingCustomer(commet);
      subs.push(assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id })).id);
    }
    // Each event: the first attempt and two retries (schedule 0.3 s, 0.3 s), all answered 500.
    await waitFor(() => subs.every((s) => forSubscription(s).length === 3), 'three attempts of each event');
    let endpoint;
    const deadline = Date.now() + 15_000;
    do {
      endpoint = assertSuccess(await commet.webhooks.get({ id }));
      if (!endpoint.isActive) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    assert.equal(endpoint.isActive, false, 'disabled after three failed events');
    assert.match(endpoint.disabledReason, /3 events in a row failed/);

    answer = () => 200;
    const enabled = assertSuccess(await commet.webhooks.update({ id, isActive: true }));
    assert.equal(enabled.isActive, true);
    const nextCustomer = await payingCustomer(commet);
    const next = assertSuccess(await commet.subscriptions.create({ customerId: nextCustomer.id, planId: plan.id })).id;
    await waitFor(() => forSubscription(next).length === 1, 'the next event after re-enabling');
    for (const s of subs) assert.equal(forSubscription(s).length, 3, 'no attempts after the last retry');
    assertSuccess(await commet.webhooks.delete({ id }));
  });
});
