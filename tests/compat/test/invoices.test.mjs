// invoices.* of @commet/node 7.10.0 against the server (docs/product.md §3.6): list with filters and cursor pages, get
// with line items and exact totals, getDownloadUrl (a signed PDF link), send (sentAt), updateStatus (outstanding →
// paid | void, final states stay final), createAdjustment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAll, live, sandbox, useServer } from '../helpers/sdk.mjs';
import { assertList, assertSuccess, expectApiError, expectRefused, expectValidationError, unique } from '../helpers/assertions.mjs';
import { assertCreatedInvoice, assertInvoice, assertInvoiceDownload, assertInvoiceStatus, assertSentInvoice } from '../helpers/shapes.mjs';
import { assertSameInstant, newCustomer, newPlan, payingCustomer } from '../helpers/billing.mjs';

useServer();

const DAY = 24 * 60 * 60 * 1000;

async function subscribe(commet, customer, plan) {
  return assertSuccess(await commet.subscriptions.create({ customerId: customer.id, planId: plan.id }));
}

async function invoicesOf(commet, params) {
  const items = await listAll((p) => commet.invoices.list(p), params);
  for (const i of items) assertInvoice(i);
  return items;
}

/** A customer with a pending_payment subscription, whose first invoice is outstanding. */
async function outstandingInvoice(commet, price = 2900) {
  const customer = await newCustomer(commet);
  const sub = await subscribe(commet, customer, await newPlan(commet, { price }));
  assert.equal(sub.status, 'pending_payment');
  const [invoice] = await invoicesOf(commet, { subscriptionId: sub.id });
  assert.ok(invoice, 'a pending subscription has its first invoice');
  assert.equal(invoice.status, 'outstanding');
  return { customer, sub, invoice };
}

describe('invoices', () => {
  test('a $49 subscription: one paid invoice of 4900 with one plan_base line', async () => {
    const commet = sandbox();
    const customer = await payingCustomer(commet);
    const plan = await newPlan(commet, { price: 4900, name: 'Growth' });
    const sub = await subscribe(commet, customer, plan);
    assert.equal(sub.status, 'active');

    const listed = await invoicesOf(commet, { subscriptionId: sub.id });
    assert.equal(listed.length, 1, `one invoice: ${JSON.stringify(listed)}`);
    const invoice = assertSuccess(await commet.invoices.get({ id: listed[0].id }));
    assertInvoice(invoice);
    assert.equal(invoice.customerId, customer.id);
    assert.equal(invoice.subscriptionId, sub.id);
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.invoiceType, 'recurring');
    assert.equal(invoice.currency.toUpperCase(), 'USD');
    assert.match(invoice.invoiceNumber, /^INV-\d{6,}$/, 'INV- and a sequential number');
    assert.equal(invoice.subtotal, 4900);
    assert.equal(invoice.discountAmount, 0);
    assert.equal(invoice.taxAmount, 0);
    assert.equal(invoice.total, 4900);
    if (invoice.planName != null) assert.equal(invoice.planName, 'Growth');
    assertSameInstant(invoice.periodStart, sub.currentPeriod.start, 'periodStart is the subscription period');
    assertSameInstant(invoice.periodEnd, sub.currentPeriod.end, 'periodEnd');
    assert.ok(Date.parse(invoice.dueDate) >= Date.parse(invoice.issueDate), 'due on or after issue');

    assert.ok(Array.isArray(invoice.lineItems), 'get includes lineItems');
    assert.equal(invoice.lineItems.length, 1);
    const [line] = invoice.lineItems;
    assert.equal(line.lineType, 'plan_base');
    assert.equal(line.amount, 4900);
    assert.equal(line.quantity, 1);
    assert.equal(line.unitAmount, 4900);
    assert.equal(line.discountType, null);
    assert.ok(line.description.length > 0, 'the line is described');
    assert.equal(invoice.lineItems.reduce((s, l) => s + l.amount, 0), invoice.subtotal, 'lines add up to the subtotal');

    for (const key of ['id', 'invoiceNumber', 'status', 'total', 'subtotal', 'customerId', 'subscriptionId', 'periodStart', 'periodEnd']) {
      assert.deepEqual(listed[0][key], invoice[key], `list and get agree on ${key}`);
    }
  });

  test('invoice numbers are sequential', async () => {
    const commet = sandbox();
    const a = (await outstandingInvoice(commet)).invoice;
    const b = (await outstandingInvoice(commet)).invoice;
    const n = (i) => Number(i.invoiceNumber.replace(/^INV-/, ''));
    assert.equal(n(b), n(a) + 1, `${a.invoiceNumber} then ${b.invoiceNumber}`);
  });

  test('list: filter by customerId, status and subscriptionId; cursor pages', async () => {
    const commet = sandbox();
    const paidCustomer = await payingCustomer(commet);
    const paidSub = await subscribe(commet, paidCustomer, await newPlan(commet, { price: 1900 }));
    const { customer: pendingCustomer, sub: pendingSub, invoice: pending } = await outstandingInvoice(commet, 3900);

    const mine = await invoicesOf(commet, { customerId: paidCustomer.id });
    assert.equal(mine.length, 1);
    assert.equal(mine[0].subscriptionId, paidSub.id);
    assert.equal(mine[0].total, 1900);
    const theirs = await invoicesOf(commet, { customerId: pendingCustomer.id });
    assert.deepEqual(theirs.map((i) => i.id), [pending.id]);
    assert.deepEqual((await invoicesOf(commet, { subscriptionId: pendingSub.id })).map((i) => i.id), [pending.id]);

    const outstanding = await invoicesOf(commet, { status: 'outstanding' });
    assert.ok(outstanding.every((i) => i.status === 'outstanding'));
    assert.ok(outstanding.some((i) => i.id === pending.id));
    const paid = await invoicesOf(commet, { status: 'paid' });
    assert.ok(paid.every((i) => i.status === 'paid'));
    assert.ok(paid.some((i) => i.id === mine[0].id));
    assert.deepEqual(await invoicesOf(commet, { customerId: paidCustomer.id, status: 'outstanding' }), []);

    // Cursor pages: no invoice twice, none lost.
    for (let i = 0; i < 3; i++) await outstandingInvoice(commet);
    const first = await commet.invoices.list({ limit: 2 });
    assert.equal(assertList(first).length, 2);
    assert.equal(first.hasMore, true);
    assert.equal(typeof first.nextCursor, 'string');
    const all = await invoicesOf(commet, { limit: 2 });
    assert.equal(new Set(all.map((i) => i.id)).size, all.length, 'no invoice on two pages');
    const everything = await invoicesOf(commet, { limit: 100 });
    assert.equal(all.length, everything.length, 'pages of 2 hold every invoice');
  });

  test('getDownloadUrl: a signed link that serves the PDF without an API key', async () => {
    const commet = sandbox();
    const { invoice } = await outstandingInvoice(commet, 4900);
    const download = assertSuccess(await commet.invoices.getDownloadUrl({ id: invoice.id }));
    assertInvoiceDownload(download);
    const expires = Date.parse(download.expiresAt);
    assert.ok(expires > Date.now() + 6 * DAY && expires < Date.now() + 8 * DAY, `the link lasts 7 days, expiresAt ${download.expiresAt}`);

    const res = await fetch(download.url);
    assert.equal(res.status, 200, `GET ${download.url} answered ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/pdf/);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.subarray(0, 4).toString('latin1'), '%PDF', 'the body is a PDF');
    assert.ok(body.length > 500, 'a real document, not an empty shell');

    // A tampered link is refused.
    const tampered = download.url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const bad = await fetch(tampered);
    assert.ok([400, 401, 403, 404, 410].includes(bad.status), `a tampered link answered ${bad.status}`);
  });

  test('send: emails the invoice and records sentAt, which invoices.get shows afterwards', async () => {
    const commet = sandbox();
    const customer = await payingCustomer(commet);
    const sub = await subscribe(commet, customer, await newPlan(commet, { price: 1500 }));
    const [invoice] = await invoicesOf(commet, { subscriptionId: sub.id });
    assert.equal(invoice.sentAt ?? null, null, 'not sent yet');

    const before = Date.now();
    const sent = assertSuccess(await commet.invoices.send({ id: invoice.id }));
    assertSentInvoice(sent);
    assert.equal(sent.sent, true);
    assert.ok(Date.parse(sent.sentAt) >= before - 1000, `sentAt is now, got ${sent.sentAt}`);
    const got = assertSuccess(await commet.invoices.get({ id: invoice.id }));
    assertSameInstant(got.sentAt, sent.sentAt, 'invoices.get shows when it was sent');

    await expectApiError(commet.invoices.send({ id: 'inv_doesnotexist' }), { status: 404, code: 'invoice_not_found' });
  });

  test('updateStatus: outstanding → void; a void invoice cannot be paid', async () => {
    const commet = sandbox();
    const { invoice } = await outstandingInvoice(commet);
    const voided = assertSuccess(await commet.invoices.updateStatus({ id: invoice.id, status: 'void' }));
    assertInvoiceStatus(voided);
    assert.equal(voided.id, invoice.id);
    assert.equal(voided.status, 'void');
    assert.equal(assertSuccess(await commet.invoices.get({ id: invoice.id })).status, 'void');
    await expectRefused(commet.invoices.updateStatus({ id: invoice.id, status: 'paid' }));
    await expectRefused(commet.invoices.updateStatus({ id: invoice.id, status: 'void' }));
    assert.equal(assertSuccess(await commet.invoices.get({ id: invoice.id })).status, 'void', 'still void');
  });

  test('updateStatus: outstanding → paid; a paid invoice cannot be voided', async () => {
    const commet = sandbox();
    const { invoice } = await outstandingInvoice(commet);
    const paid = assertSuccess(await commet.invoices.updateStatus({ id: invoice.id, status: 'paid' }));
    assertInvoiceStatus(paid);
    assert.equal(paid.status, 'paid');
    await expectRefused(commet.invoices.updateStatus({ id: invoice.id, status: 'void' }));
    assert.equal(assertSuccess(await commet.invoices.get({ id: invoice.id })).status, 'paid');
    await expectValidationError(commet.invoices.updateStatus({ id: invoice.id, status: 'draft' }), 'status');
  });

  test('createAdjustment: a charge and a credit (negative amount), with metadata; one line each', async () => {
    const commet = sandbox();
    const externalId = unique('ext_adj');
    const customer = assertSuccess(await commet.customers.create({ id: externalId, email: `${externalId}@example.com` }));

    const charge = assertSuccess(await commet.invoices.createAdjustment({
      customerId: externalId, amount: 2500, description: 'Onboarding session', metadata: { orderId: 'A-17' },
    }));
    assertCreatedInvoice(charge);
    assert.equal(charge.customerId, customer.id);
    assert.equal(charge.invoiceType, 'adjustment');
    assert.equal(charge.subtotal, 2500);
    assert.equal(charge.taxAmount, 0);
    assert.equal(charge.total, 2500);
    assert.deepEqual(charge.metadata, { orderId: 'A-17' });
    assert.match(charge.invoiceNumber, /^INV-\d{6,}$/);
    assert.ok(['draft', 'outstanding', 'paid'].includes(charge.status), `status ${charge.status}`);

    const got = assertSuccess(await commet.invoices.get({ id: charge.id }));
    assertInvoice(got);
    assert.equal(got.subscriptionId, null);
    assert.equal(got.total, 2500);
    assert.equal(got.lineItems?.length, 1);
    assert.equal(got.lineItems[0].amount, 2500);
    assert.equal(got.lineItems[0].description, 'Onboarding session');

    const credit = assertSuccess(await commet.invoices.createAdjustment({ customerId: customer.id, amount: -1000, description: 'Goodwill credit' }));
    assertCreatedInvoice(credit);
    assert.equal(credit.total, -1000);
    assert.equal(credit.invoiceType, 'adjustment');
    assert.deepEqual(credit.metadata, {}, 'metadata is an object even when none was given');
    assert.ok((await invoicesOf(commet, { customerId: customer.id })).some((i) => i.id === credit.id));
  });

  test('createAdjustment validation; unknown customer', async () => {
    const commet = sandbox();
    const customer = await newCustomer(commet);
    await expectValidationError(commet.invoices.createAdjustment({ customerId: customer.id, amount: 100 }), 'description');
    await expectValidationError(commet.invoices.createAdjustment({ customerId: customer.id, description: 'x' }), 'amount');
    await expectValidationError(commet.invoices.createAdjustment({ amount: 100, description: 'x' }), 'customerId');
    await expectApiError(commet.invoices.createAdjustment({ customerId: 'cus_doesnotexist', amount: 100, description: 'x' }),
      { status: 404, code: 'customer_not_found' });
  });

  test('unknown invoice → 404 invoice_not_found; live mode does not see sandbox invoices', async () => {
    const commet = sandbox();
    await expectApiError(commet.invoices.get({ id: 'inv_doesnotexist' }), { status: 404, code: 'invoice_not_found' });
    await expectApiError(commet.invoices.getDownloadUrl({ id: 'inv_doesnotexist' }), { status: 404, code: 'invoice_not_found' });
    await expectApiError(commet.invoices.updateStatus({ id: 'inv_doesnotexist', status: 'paid' }), { status: 404, code: 'invoice_not_found' });
    const { invoice } = await outstandingInvoice(commet);
    await expectApiError(live().invoices.get({ id: invoice.id }), { status: 404, code: 'invoice_not_found' });
    assert.ok(!assertList(await live().invoices.list({ limit: 100 })).some((i) => i.id === invoice.id));
  });
});
