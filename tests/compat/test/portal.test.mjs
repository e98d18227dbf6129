// portal.getUrl of @commet/node 7.10.0 against the server: a single-use Customer Portal link for a customer given by
// ID (Commet's or the merchant's) or by email, exactly one of them; unknown customers and bad input refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { live, sandbox, server, useServer } from '../helpers/sdk.mjs';
import { assertSuccess, expectApiError, expectValidationError, unique } from '../helpers/assertions.mjs';
import { assertPortalAccess } from '../helpers/shapes.mjs';
import { newCustomer } from '../helpers/billing.mjs';

useServer();

describe('portal', () => {
  test('getUrl by customerId, external ID and email: a fresh link on this server each time, which opens the portal once', async () => {
    const commet = sandbox();
    const externalId = unique('user');
    const customer = await newCustomer(commet, { id: externalId });

    const byId = assertSuccess(await commet.portal.getUrl({ customerId: customer.id, returnUrl: 'https://shop.example/account' }));
    assertPortalAccess(byId);
    const url = new URL(byId.portalUrl);
    assert.equal(url.origin, new URL(server().url).origin, 'the link points at this server');
    assert.ok(url.pathname.startsWith('/portal/'), `a portal path, got ${url.pathname}`);

    const byExternalId = assertSuccess(await commet.portal.getUrl({ customerId: externalId }));
    assertPortalAccess(byExternalId);
    const byEmail = assertSuccess(await commet.portal.getUrl({ email: customer.email }));
    assertPortalAccess(byEmail);
    assert.equal(new Set([byId.portalUrl, byExternalId.portalUrl, byEmail.portalUrl]).size, 3, 'each call makes a new link');

    // Opening the link signs the browser in (a session cookie) and sends it to the portal; the link works once.
    const opened = await fetch(byEmail.portalUrl, { redirect: 'manual' });
    assert.equal(opened.status, 302, `opening the link answered ${opened.status}`);
    assert.equal(new URL(opened.headers.get('location'), byEmail.portalUrl).pathname, '/portal');
    const cookie = opened.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    assert.ok(cookie.length > 0, 'a session cookie is set');
    const home = await fetch(new URL('/portal', byEmail.portalUrl), { headers: { cookie }, redirect: 'manual' });
    assert.equal(home.status, 200, `the portal answered ${home.status}`);
    assert.match(home.headers.get('content-type') ?? '', /^text\/html/);
    const again = await fetch(byEmail.portalUrl, { redirect: 'manual' });
    assert.equal(again.status, 410, 'a used link is gone');
  });

  test('refusals: unknown customer, neither or both identifiers, a returnUrl that is not http(s), the other mode', async () => {
    const commet = sandbox();
    const customer = await newCustomer(commet);
    await expectApiError(commet.portal.getUrl({ customerId: 'cus_doesnotexist' }), { status: 404, code: 'customer_not_found' });
    await expectApiError(commet.portal.getUrl({ email: `${unique('nobody')}@example.com` }), { status: 404 });
    await expectValidationError(commet.portal.getUrl({}), 'customerId');
    await expectValidationError(commet.portal.getUrl({ customerId: customer.id, email: customer.email }), 'email');
    await expectValidationError(commet.portal.getUrl({ customerId: customer.id, returnUrl: 'javascript:alert(1)' }), 'returnUrl');
    // A sandbox customer is not visible to a live key.
    await expectApiError(live().portal.getUrl({ customerId: customer.id }), { status: 404, code: 'customer_not_found' });
  });
});
