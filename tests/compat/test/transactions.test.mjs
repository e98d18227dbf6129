// transactions.* of @commet/node 7.10.0 against the server (docs/product.md §3.6): list with filters, get, refund (a full
// refund of a subscription invoice cancels the subscription, per the SDK's payment.refunded doc), retry (only a failed
// renewal charge).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAll, live, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertList, assertSuccess, expectApiError, expectRefused } from '../helpers/assertions.mjs';
import { assertTransaction, assertTransactionRefund, assertTransactionRetry } from '../helpers/shapes.mjs';
import {
  CARD_FAILS_LATER, CARD_OK, advanceDays, attachCard, freezeAtNextThirtyDayMonth, newCustomer, newPlan, processBilling,
} from '../helpers/billing.mjs';

useServer();

async function transactionsOf(commet, params) {
  const items = await listAll((p) => commet.transactions.list(p), params);
  for (const t of items) assertTransaction(t);
  return items;
}

/** A customer (with a full name) holding `card`, subscribed to a plan of `price`. */
async function subscribed(commet, price, card = CARD_OK) {
  const customer = await newCustomer(commet, { fullName: 'Ada Lovelace' });
  await attachCard(customer.id, card);
  const plan = await newPlan(commet, { price });
  const sub = assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
  const invoices = await listAll((p) => commet.invoices.list(p), { subscriptionId: sub.id });
  return { customer, sub, invoice: invoices[0] };
}

describe('transactions', () => {
  test('a paid subscription: one succeeded transaction for its invoice, typed, with the customer', async () => {
    const commet = sandbox();
    const { customer, sub, invoice } = await subscribed(commet, 4900);
    assert.equal(sub.status, 'active');
    const mine = await transactionsOf(commet, { customerEmail: customer.email });
    assert.equal(mine.length, 1, `one transaction: ${JSON.stringify(mine)}`);
    const [t] = mine;
    assert.equal(t.invoiceId, invoice.id);
    assert.equal(t.status, 'succeeded');
    assert.equal(t.grossAmount, 4900);
    assert.equal(t.subtotal, 4900, 'gross minus tax');
    assert.equal(t.taxAmount, 0);
    assert.equal(t.presentmentAmount, null, 'a USD charge has no presentment amount');
    assert.equal(t.currency.toUpperCase(), 'USD');
    assert.equal(t.provider, 'commet');
    assert.equal(t.customerEmail, customer.email);
    assert.equal(t.customerName, 'Ada Lovelace');
    assert.equal(typeof t.paidAt, 'string');

    const got = assertSuccess(await commet.transactions.get({ id: t.id }));
    assertTransaction(got);
    assert.deepEqual(got, t, 'get answers what list did');
  });

  test('a declined first charge is a failed transaction; filter by status', async () => {
    const commet = sandbox();
    const { customer, sub } = await subscribed(commet, 2900, CARD_FAILS_LATER);
    assert.equal(sub.status, 'pending_payment', 'a declined first charge leaves it pending');
    const failed = await transactionsOf(commet, { customerEmail: customer.email, status: 'failed' });
    assert.equal(failed.length, 1);
    assert.equal(failed[0].status, 'failed');
    assert.equal(failed[0].paidAt, null);
    assert.equal(failed[0].grossAmount ?? 2900, 2900);
    assert.deepEqual(await transactionsOf(commet, { customerEmail: customer.email, status: 'succeeded' }), []);

    const succeeded = await transactionsOf(commet, { status: 'succeeded' });
    assert.ok(succeeded.every((t) => t.status === 'succeeded'));
    const page = await commet.transactions.list({ limit: 1 });
    assert.equal(assertList(page).length, 1);
    assert.equal(page.hasMore, true);
  });

  test('refund: the transaction is refunded and the subscription canceled (reason refund); twice is refused', async () => {
    const commet = sandbox();
    const { customer, sub } = await subscribed(commet, 2900);
    const [t] = await transactionsOf(commet, { customerEmail: customer.email });
    const refund = assertSuccess(await commet.transactions.refund({ id: t.id }));
    assertTransactionRefund(refund);
    assert.equal(refund.id, t.id);
    assert.equal(assertSuccess(await commet.transactions.get({ id: t.id })).status, 'refunded');
    assert.deepEqual((await transactionsOf(commet, { customerEmail: customer.email, status: 'refunded' })).map((x) => x.id), [t.id]);

    const after = assertSuccess(await commet.subscriptions.get({ id: sub.id }));
    assert.equal(after.status, 'canceled', 'a full refund of a subscription invoice cancels the subscription');
    if (after.cancellation) assert.equal(after.cancellation.reason, 'refund');
    await expectRefused(commet.transactions.refund({ id: t.id }));
  });

  test('refund of a failed charge and retry of a succeeded one are refused', async () => {
    const commet = sandbox();
    const ok = await subscribed(commet, 2900);
    const [succeeded] = await transactionsOf(commet, { customerEmail: ok.customer.email });
    await expectRefused(commet.transactions.retry({ id: succeeded.id }));
    const bad = await subscribed(commet, 2900, CARD_FAILS_LATER);
    const [failed] = await transactionsOf(commet, { customerEmail: bad.customer.email });
    assert.equal(failed.status, 'failed');
    await expectRefused(commet.transactions.refund({ id: failed.id }));
  });

  test('unknown transaction → 404 transaction_not_found; live mode does not see sandbox transactions', async () => {
    const commet = sandbox();
    await expectApiError(commet.transactions.get({ id: 'txn_doesnotexist' }), { status: 404, code: 'transaction_not_found' });
    await expectApiError(commet.transactions.refund({ id: 'txn_doesnotexist' }), { status: 404, code: 'transaction_not_found' });
    await expectApiError(commet.transactions.retry({ id: 'txn_doesnotexist' }), { status: 404, code: 'transaction_not_found' });
    const { customer } = await subscribed(commet, 2900);
    const [t] = await transactionsOf(commet, { customerEmail: customer.email });
    await expectApiError(live().transactions.get({ id: t.id }), { status: 404, code: 'transaction_not_found' });
  });

  test('retry a failed renewal: processing, and the subscription recovers with the new card', async () => {
    const commet = sandbox();
    await freezeAtNextThirtyDayMonth(commet);
    const { customer, sub } = await subscribed(commet, 2900);
    assert.equal(sub.status, 'active');
    await attachCard(customer.id, CARD_FAILS_LATER);
    await advanceDays(commet, 30);
    await processBilling(commet);
    assert.equal(assertSuccess(await commet.subscriptions.get({ id: sub.id })).status, 'past_due');

    const [renewal] = await transactionsOf(commet, { customerEmail: customer.email, status: 'failed' });
    assert.ok(renewal, 'the failed renewal charge is listed');
    assert.equal(renewal.grossAmount ?? 2900, 2900);

    await attachCard(customer.id, CARD_OK);
    const retry = assertSuccess(await commet.transactions.retry({ id: renewal.id }));
    assertTransactionRetry(retry);
    // The recovery engine may charge asynchronously: wait for it.
    let status;
    for (let i = 0; i < 50; i++) {
      status = assertSuccess(await commet.subscriptions.get({ id: sub.id })).status;
      if (status === 'active') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 'active', 'the retried charge recovers the subscription');
    const succeeded = await transactionsOf(commet, { customerEmail: customer.email, status: 'succeeded' });
    assert.equal(succeeded.length, 2, 'the first charge and the recovered renewal');
  });
});
