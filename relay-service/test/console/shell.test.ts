// The console's shell in a real browser against a real relay: signing in,
// every page loading, the theme, signing out, accessibility.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';

const PAGES = [
  ['shot-sheet', 'Shot sheet'],
  ['live', 'Live monitor'],
  ['search', 'Search'],
  ['debug', 'Debug'],
  ['sheets', 'Sheets & layouts'],
  ['diagnostics', 'Diagnostics'],
  ['choices', 'Choice lists'],
  ['relay', 'Relay settings'],
  ['audit', 'Audit log'],
] as const;

describe('the console shell', { skip: BROWSER_SKIP }, () => {
  let h: ConsoleHarness;

  before(async () => {
    h = await startConsole({ login: false });
  });

  after(async () => {
    await h?.close();
  });

  it('is served at / with a title and a sign-in form that axe finds no serious fault in', async () => {
    const { page } = h;
    assert.equal(await page.title(), 'Shotline console');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByLabel('API token').waitFor();
    assert.deepEqual(await h.axe(page), []);
    await h.screenshot('login', page);
  });

  it('refuses a wrong token with a message, and stays on the sign-in screen', async () => {
    const { page } = h;
    await page.getByLabel('API token').fill('not-a-token-the-relay-knows');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The relay does not know this token').waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Console pages' }).count(), 0);
    await h.screenshot('login-refused', page);
    // the 401 of a refused sign-in is expected; nothing else may have gone wrong
    const unexpected = h.errors.filter((e) => !/401/.test(e));
    assert.deepEqual(unexpected, []);
    h.errors.length = 0;
  });

  it('signs in with the admin token: navigation, who you are, the shot sheet first', async () => {
    const { page } = h;
    await page.getByLabel('API token').fill(h.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Console pages' });
    await nav.waitFor();
    for (const [, title] of PAGES) assert.equal(await nav.getByRole('link', { name: title, exact: true }).count(), 1, `nav has ${title}`);
    assert.match((await page.getByTestId('console-user').textContent()) ?? '', /admin/);
    await page.locator('#console-main h1', { hasText: 'Shot sheet' }).waitFor();
    assert.equal(await page.title(), 'Shot sheet · Shotline console');
    assert.equal(await nav.getByRole('link', { name: 'Shot sheet' }).getAttribute('aria-current'), 'page');
  });

  for (const [id, title] of PAGES) {
    it(`loads ${title} (#/${id}) without console errors`, async () => {
      const { page } = h;
      // by the navigation, as a user does
      await page.getByRole('navigation', { name: 'Console pages' }).getByRole('link', { name: title, exact: true }).click();
      await h.open(id);
      assert.equal(await page.locator('#console-main h1').first().textContent(), title);
      assert.equal(page.url(), `${h.baseUrl}/#/${id}`);
      assert.equal(await page.getByTestId('console-missing-page').count(), 0, `the ${title} component was not in the source tree when the console was built`);
      // a page that failed shows @grafana/ui's error boundary instead of itself
      if ((await page.getByText(`The ${title} page failed`).count()) > 0) {
        assert.fail(`${title} crashed: ${await page.locator('#console-main').innerText()}\n${h.errors.join('\n')}`);
      }
      await page.waitForLoadState('networkidle');
      await h.screenshot(`page-${id}`);
      assert.deepEqual(h.errors, []);
    });
  }

  it('has no serious or critical accessibility violation in the signed-in shell', async () => {
    await h.open('shot-sheet');
    const violations = await h.axe();
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  });

  it('says so for an unknown page', async () => {
    await h.page.goto(`${h.baseUrl}/#/no-such-page`);
    await h.page.getByText('The console has no page "no-such-page"').waitFor();
  });

  it('switches to the light theme and remembers it across reloads and the session', async () => {
    const { page } = h;
    await h.open('live');
    const background = () => page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor as string);
    const dark = await background();
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
    await page.getByRole('button', { name: 'Switch to the dark theme' }).waitFor();
    const light = await background();
    assert.notEqual(light, dark);
    await page.reload();
    await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
    assert.equal(await background(), light, 'theme and session survive a reload');
    await h.screenshot('page-live-light');
    assert.deepEqual(await h.axe(), []);
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  });

  it('goes back to the sign-in screen with a message when the token was revoked', async () => {
    const token = await h.makeToken('viewer', 'revoked-viewer');
    const page = await h.newPage(token);
    assert.match((await page.getByTestId('console-user').textContent()) ?? '', /revoked-viewer.*viewer/);
    const listed = await h.api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/tokens');
    const id = listed.body.items.find((t) => t.name === 'revoked-viewer')?.id;
    assert.ok(id, JSON.stringify(listed.body));
    assert.equal((await h.api('DELETE', `/api/v1/tokens/${id}`)).status, 200);
    // the token kept for the tab is checked again on a reload, and refused
    await page.reload();
    await page.getByText('The relay does not know this token').waitFor();
    await page.getByLabel('API token').waitFor();
    h.errors.length = 0;
  });

  it('signs out', async () => {
    const { page } = h;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You signed out.').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
  });
});
