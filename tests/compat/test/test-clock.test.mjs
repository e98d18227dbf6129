// testClock.* of @commet/node 7.10.0 against the server (docs/product.md §3.6): get, advance (by days or to an instant,
// forward only), processBilling and its counts over a monthly renewal and a dunning sequence, sandbox only.
//
// The server runs without its background billing worker here, so that billing happens only when a test calls
// processBilling and the counts it answers are exact. Each test cancels the subscriptions it made once it is done,
// so that later tests (the clock is shared by the whole file and only moves forward) count only their own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertSuccess, expectApiError, expectValidationError } from '../helpers/assertions.mjs';
import { assertSubscription, assertTestClock, assertTestClockBilling } from '../helpers/shapes.mjs';
import {
  CARD_FAILS_LATER, CARD_OK, addDays, addMonths, advanceDays, assertSameInstant, attachCard, clockNow, freezeAtNextThirtyDayMonth,
  newCustomer, newPlan, payingCustomer,
} from '../helpers/billing.mjs';

useServer({ env: { Commet__Billing__Worker: 'false' } });

const DAY = 24 * 60 * 60 * 1000;
const NOTHING = { customersFound: 0, enqueued: 0, failed: 0, dunningRetried: 0, dunningFailed: 0 };

async function run(commet) {
  const counts = assertSuccess(await commet.testClock.processBilling());
  assertTestClockBilling(counts);
  return counts;
}

/** The counts the SDK declares, without any extra fields the server may add. */
function counts(c) {
  return { customersFound: c.customersFound, enqueued: c.enqueued, failed: c.failed, dunningRetried: c.dunningRetried, dunningFailed: c.dunningFailed };
}

async function statusOf(commet, id) {
  const sub = assertSuccess(await commet.subscriptions.get({ id }));
  assertSubscription(sub);
  return sub;
}

async function cancelAll(commet, subs) {
  for (const s of subs) {
    const current = assertSuccess(await commet.subscriptions.get({ id: s.id }));
    if (current.status !== 'canceled') await commet.subscriptions.cancel({ id: s.id, immediate: true });
  }
}

describe('test clock', () => {
  test('get: not set yet → simulatedTime null, isActive false, now is the real time', async () => {
    const clock = assertSuccess(await sandbox().testClock.get());
    assertTestClock(clock);
    assert.equal(clock.simulatedTime, null);
    assert.equal(clock.isActive, false);
    assert.ok(Math.abs(Date.parse(clock.now) - Date.now()) < 5 * 60 * 1000, `now is the real time, got ${clock.now}`);
  });

  test('processBilling with nothing due answers zero counts', async () => {
    assert.deepEqual(counts(await run(sandbox())), NOTHING);
  });

  test('advance to a frozenTime: the clock stands still there; advanceDays moves it by whole days', async () => {
    const commet = sandbox();
    const target = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1, 12, 30, 0));
    const frozen = assertSuccess(await commet.testClock.advance({ frozenTime: target.toISOString() }));
    assertTestClock(frozen);
    assert.equal(frozen.isActive, true);
    assertSameInstant(frozen.simulatedTime, target, 'simulatedTime');
    assertSameInstant(frozen.now, target, 'now');

    await new Promise((r) => setTimeout(r, 1100));
    const still = assertSuccess(await commet.testClock.get());
    assertTestClock(still);
    assert.equal(still.isActive, true);
    assertSameInstant(still.now, target, 'the clock does not run on its own');
    assertSameInstant(still.simulatedTime, target, 'simulatedTime');

    const moved = assertSuccess(await commet.testClock.advance({ advanceDays: 3 }));
    assertTestClock(moved);
    assertSameInstant(moved.now, addDays(target, 3), 'advanceDays: 3');
    assertSameInstant(moved.simulatedTime, addDays(target, 3), 'simulatedTime');
    assertSameInstant(assertSuccess(await commet.testClock.get()).now, addDays(target, 3), 'get agrees');

    // What the clock says is what the API uses: a subscription made now starts at the simulated time.
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: (await payingCustomer(commet)).id, planId: (await newPlan(commet)).id }));
    assertSameInstant(sub.startDate, addDays(target, 3), 'startDate is the simulated time');
    assertSameInstant(sub.currentPeriod.start, addDays(target, 3), 'currentPeriod.start');
    await cancelAll(commet, [sub]);
  });

  test('the clock only moves forward: an earlier or equal frozenTime, zero or negative days → validation errors', async () => {
    const commet = sandbox();
    const now = await clockNow(commet);
    await expectValidationError(commet.testClock.advance({ frozenTime: addDays(now, -1).toISOString() }), 'frozenTime');
    await expectValidationError(commet.testClock.advance({ frozenTime: now.toISOString() }), 'frozenTime');
    await expectValidationError(commet.testClock.advance({ frozenTime: '2001-01-01T00:00:00Z' }), 'frozenTime');
    await expectValidationError(commet.testClock.advance({ advanceDays: 0 }), 'advanceDays');
    await expectValidationError(commet.testClock.advance({ advanceDays: -5 }), 'advanceDays');
    await expectValidationError(commet.testClock.advance({}), /^(advanceDays|frozenTime)$/);
    assertSameInstant(assertSuccess(await commet.testClock.get()).now, now, 'a refused move leaves the clock where it was');
  });

  test('live keys → 403 sandbox_only on get, advance and processBilling', async () => {
    const commet = live();
    await expectApiError(commet.testClock.get(), { status: 403, code: 'sandbox_only' });
    await expectApiError(commet.testClock.advance({ advanceDays: 1 }), { status: 403, code: 'sandbox_only' });
    await expectApiError(commet.testClock.processBilling(), { status: 403, code: 'sandbox_only' });
  });
});

describe('processBilling', () => {
  test('a monthly renewal: nothing before the period end; one customer and one subscription at it; nothing twice', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const a = assertSuccess(await commet.subscriptions.create({ customerId: (await payingCustomer(commet)).id, planId: (await newPlan(commet, { price: 2900 })).id }));
    const b = assertSuccess(await commet.subscriptions.create({ customerId: (await payingCustomer(commet)).id, planId: (await newPlan(commet, { price: 4900 })).id }));
    assert.equal(a.status, 'active');
    assert.equal(b.status, 'active');
    assert.deepEqual(counts(await run(commet)), NOTHING, 'nothing is due at the start');

    await advanceDays(commet, 10);
    assert.deepEqual(counts(await run(commet)), NOTHING, 'nothing is due mid-period');

    await advanceDays(commet, 20); // the period end: start + 30 days
    const renewal = counts(await run(commet));
    assert.deepEqual(renewal, { customersFound: 2, enqueued: 2, failed: 0, dunningRetried: 0, dunningFailed: 0 });
    for (const s of [a, b]) {
      const renewed = await statusOf(commet, s.id);
      assert.equal(renewed.status, 'active');
      assertSameInstant(renewed.currentPeriod.start, addDays(start, 30), 'the new period starts at the old end');
      assertSameInstant(renewed.currentPeriod.end, addMonths(addDays(start, 30), 1), 'and runs a month');
    }
    assert.deepEqual(counts(await run(commet)), NOTHING, 'a second run finds nothing left to do');
    await cancelAll(commet, [a, b]);
  });

  test('a clock moved two months at once renews twice in one run', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: (await payingCustomer(commet)).id, planId: (await newPlan(commet)).id }));
    const twoPeriodsLater = addMonths(addDays(start, 30), 1);
    await advanceDays(commet, Math.round((twoPeriodsLater - start) / DAY));
    assert.deepEqual(counts(await run(commet)), { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 0, dunningFailed: 0 });
    const renewed = await statusOf(commet, sub.id);
    assert.equal(renewed.status, 'active');
    assertSameInstant(renewed.currentPeriod.start, twoPeriodsLater, 'two renewals: the period is the third one');
    await cancelAll(commet, [sub]);
  });

  test('dunning: past_due after a failed renewal, retries on days 1, 3, 5 and 7, then canceled', async () => {
    const commet = sandbox();
    const start = await freezeAtNextThirtyDayMonth(commet);
    const customer = await payingCustomer(commet);
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: (await newPlan(commet, { price: 2900 })).id }));
    assert.equal(sub.status, 'active');
    await attachCard(customer.id, CARD_FAILS_LATER);

    await advanceDays(commet, 30);
    assert.deepEqual(counts(await run(commet)), { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 0, dunningFailed: 0 },
      'the renewal is attempted and fails');
    assert.equal((await statusOf(commet, sub.id)).status, 'past_due');

    const failedAt = addDays(start, 30);
    let day = 0;
    const expectations = [
      [1, { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 1, dunningFailed: 0 }, 'past_due'],
      [2, NOTHING, 'past_due'],
      [3, { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 1, dunningFailed: 0 }, 'past_due'],
      [4, NOTHING, 'past_due'],
      [5, { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 1, dunningFailed: 0 }, 'past_due'],
      [6, NOTHING, 'past_due'],
      [7, { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 1, dunningFailed: 1 }, 'canceled'],
      [8, NOTHING, 'canceled'],
    ];
    for (const [target, expected, status] of expectations) {
      const now = await advanceDays(commet, target - day);
      day = target;
      assertSameInstant(now, addDays(failedAt, day), `day ${day} after the failure`);
      assert.deepEqual(counts(await run(commet)), expected, `processBilling on day ${day}`);
      assert.equal((await statusOf(commet, sub.id)).status, status, `status on day ${day}`);
    }
    const ended = await statusOf(commet, sub.id);
    assertSameInstant(ended.endDate, addDays(failedAt, 7), 'the subscription ends with the last failed retry');
    assert.equal(assertSuccess(await commet.subscriptions.getActive({ customerId: customer.id })), null);

    await advanceDays(commet, 40);
    assert.deepEqual(counts(await run(commet)), NOTHING, 'a canceled subscription is never billed again');
  });

  test('dunning recovers on the next retry once a good card is on file', async () => {
    const commet = sandbox();
    await freezeAtNextThirtyDayMonth(commet);
    const customer = await payingCustomer(commet, CARD_FAILS_LATER);
    const plan = await newPlan(commet, { price: 2900, priceOptions: { trialDays: 7 } });
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
    assert.equal(sub.status, 'trialing');

    await advanceDays(commet, 7);
    assert.deepEqual(counts(await run(commet)), { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 0, dunningFailed: 0 },
      'the trial ends and its first charge fails');
    assert.equal((await statusOf(commet, sub.id)).status, 'past_due');

    await attachCard(customer.id, CARD_OK);
    await advanceDays(commet, 1);
    assert.deepEqual(counts(await run(commet)), { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 1, dunningFailed: 0 });
    const recovered = await statusOf(commet, sub.id);
    assert.equal(recovered.status, 'active');

    await advanceDays(commet, 2);
    assert.deepEqual(counts(await run(commet)), NOTHING, 'no more retries after a recovery');
    await cancelAll(commet, [sub]);
  });

  test('a trial without a card ends canceled when it runs out; counted as found and enqueued', async () => {
    const commet = sandbox();
    await freezeAtNextThirtyDayMonth(commet);
    const plan = await newPlan(commet, { price: 2900, priceOptions: { trialDays: 2 } });
    const sub = assertSuccess(await commet.subscriptions.create({ customerId: (await newCustomer(commet)).id, planId: plan.id }));
    assert.equal(sub.status, 'trialing');
    await advanceDays(commet, 1);
    assert.deepEqual(counts(await run(commet)), NOTHING);
    await advanceDays(commet, 1);
    assert.deepEqual(counts(await run(commet)), { customersFound: 1, enqueued: 1, failed: 0, dunningRetried: 0, dunningFailed: 0 });
    assert.equal((await statusOf(commet, sub.id)).status, 'canceled');
  });
});
