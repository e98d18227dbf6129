// payments.* of @commet/node 7.10.0 against the server: payment links (create, get, list, cancel) and off-session
// charges of the saved card. Paying a link on its hosted page is covered by the server tests (PaymentLinkTests).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommetValidationError, listAll, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertList, assertSuccess, expectApiError, expectRefused } from '../helpers/assertions.mjs';
import { assertPayment } from '../helpers/shapes.mjs';
import { attachCard, newCustomer, newPlan } from '../helpers/billing.mjs';

useServer();

describe('payments', () => {
  test('create a link, get it, find it in the list, cancel it (twice: a no-op)', async () => {
    const commet = sandbox();
    const customer = await newCustomer(commet);
    // 2 workshop seats at $75.00 = 2 × 7500 = 15000 cents.
    const link = assertSuccess(await commet.payments.create({
      customerId: customer.id, amount: 15000, currency: 'usd', description: 'Workshop, 2 seats',
      successUrl: 'https://shop.example/done', metadata: { order: 'W-2' },
    }));
    assertPayment(link);
    assert.equal(link.kind, 'link');
    assert.equal(link.status, 'pending');
    assert.equal(link.amountTotal, 15000);
    assert.equal(link.taxAmount, 0);
    assert.equal(link.currency, 'USD');
    assert.equal(link.customerId, customer.id);
    assert.deepEqual(link.metadata, { order: 'W-2' });
    assert.match(link.url, /\/pay\//);
    assert.equal(typeof link.expiresAt, 'string');

    const got = assertSuccess(await commet.payments.get({ id: link.id }));
    assertPayment(got);
    assert.equal(got.id, link.id);
    assert.equal(got.status, 'pending');

    const mine = await listAll((p) => commet.payments.list(p), { customerId: customer.id });
    assert.deepEqual(mine.map((p) => p.id), [link.id]);
    for (const p of mine) assertPayment(p);
    const page = await commet.payments.list({ limit: 1 });
    assert.equal(assertList(page).length, 1);

    const canceled = assertSuccess(await commet.payments.cancel({ id: link.id }));
    assertPayment(canceled);
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.url, null);
    assert.equal(assertSuccess(await commet.payments.cancel({ id: link.id })).status, 'canceled');
    const page2 = await fetch(link.url);
    assert.equal(page2.status, 404, 'the canceled link\'s page refuses it');
  });

  test('charge the saved card: succeeded, a one_time_payment invoice; a charge cannot be canceled', async () => {
    const commet = sandbox();
    const customer = await newCustomer(commet);
    await attachCard(customer.id);
    const plan = await newPlan(commet, { price: 1900 });
    assert.equal(assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id })).status, 'active');

    const charge = assertSuccess(await commet.payments.charge({ customerId: customer.id, amount: 2500, currency: 'USD', description: 'Extra reports' }));
    assertPayment(charge);
    assert.equal(charge.kind, 'charge');
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.amountTotal, 2500);
    assert.equal(charge.url, null);
    const invoices = await listAll((p) => commet.invoices.list(p), { customerId: customer.id });
    const oneTime = invoices.filter((i) => i.invoiceType === 'one_time_payment');
    assert.equal(oneTime.length, 1, JSON.stringify(invoices.map((i) => i.invoiceType)));
    assert.equal(oneTime[0].total, 2500);
    assert.equal(oneTime[0].status, 'paid');

    await expectApiError(commet.payments.cancel({ id: charge.id }), { status: 422, code: 'payment_not_cancelable' });
  });

  test('refusals: unknown payment, no subscription for a charge, bad input', async () => {
    const commet = sandbox();
    await expectApiError(commet.payments.get({ id: 'pay_missing' }), { status: 404, code: 'payment_not_found' });
    const customer = await newCustomer(commet);
    await attachCard(customer.id);
    await expectApiError(commet.payments.charge({ customerId: customer.id, amount: 100, currency: 'USD', description: 'x' }),
      { status: 422, code: 'subscription_required' });
    const invalid = await expectRefused(commet.payments.create({ customerId: customer.id, amount: -5, currency: 'USD', description: 'x' }));
    assert.ok(invalid instanceof CommetValidationError, `a validation error, got ${invalid}`);
  });
});
