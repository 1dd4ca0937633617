// The console's Live monitor and Debug pages in a real browser against a
// relay with the simulated laser: values arriving, a threshold changed through
// the page reaching the relay's settings, shots counted and a counter reset,
// raw messages listed; read-only for a viewer; accessibility.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { Publisher } from 'zeromq';
import { freePort } from '../support/net.ts';
import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';

/** Polls `read` until `check` holds (the live feed and the simulator set the pace). */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

const numberIn = async (l: Locator) => {
  const m = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec((await l.textContent()) ?? '');
  return m ? Number(m[0]) : NaN;
};

describe('the Live monitor and Debug pages', { skip: BROWSER_SKIP }, () => {
  let h: ConsoleHarness;
  let page: Page;
  // A second "laser" beside the simulator, for the messages the simulator never sends (malformed ones).
  const laser = new Publisher();
  let laserEndpoint = '';

  before(async () => {
    const simulator = `tcp://127.0.0.1:${await freePort()}`;
    laserEndpoint = `tcp://127.0.0.1:${await freePort()}`;
    await laser.bind(laserEndpoint);
    h = await startConsole({
      env: {
        // 4 shots a second: enough for values to move and shots to count within seconds.
        SHOTLINE_SIMULATOR_RATE: '4',
        SHOTLINE_SIMULATOR: 'on',
        SHOTLINE_SIMULATOR_ENDPOINT: simulator,
        SHOTLINE_ZMQ_ENDPOINTS: `${simulator},${laserEndpoint}`,
      },
    });
    page = h.page;
  });

  after(async () => {
    await h?.close();
    laser.close();
  });

  it('shows the simulated laser: live connection, channel values that update, shots counting up', async () => {
    await h.open('live');
    await page.getByTestId('live-state').getByText('Connected', { exact: true }).waitFor();
    const energy = page.getByTestId('channel-energy_J');
    await energy.waitFor();
    const value = energy.getByTestId('channel-value');
    const first = await until(() => value.textContent(), (t) => !!t && t !== '—', 'a first energy value');
    await until(() => value.textContent(), (t) => t !== first, 'the energy value to change');
    assert.match((await page.getByTestId('relay-endpoints').textContent()) ?? '', /Laser: 2\/2 endpoints connected \(simulator\)/);
    assert.match((await page.getByTestId('live-age').textContent()) ?? '', /last update \d+ s ago/);
    assert.equal(await energy.locator('[data-testid="sparkline"] polyline').count(), 1);
    // npm start arms energy_J > 1 J for the simulator (src/settings/seed.ts): every shot triggers.
    assert.match((await energy.getByTestId('channel-rule').textContent()) ?? '', /triggers above 1 J/);
    const counter = page.getByTestId('shot-counter');
    const before = await until(() => numberIn(counter), (n) => n >= 1, 'a first shot');
    await until(() => numberIn(counter), (n) => n >= before + 2, 'the shot counter to increase');
    await until(() => page.getByTestId('last-shot').textContent(), (t) => /Last stored: #\d+/.test(t ?? ''), 'a stored shot');
    await until(() => numberIn(energy.getByTestId('channel-count')), (n) => n >= 2, 'energy_J triggers to count');
    await h.screenshot('live-monitor');
    const violations = await h.axe();
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    assert.deepEqual(h.errors, []);
  });

  it('changes a threshold and a nickname through the page; the relay has them', async () => {
    const energy = page.getByTestId('channel-energy_J');
    await energy.getByRole('button', { name: 'Edit channel energy_J' }).click();
    const form = page.getByRole('form', { name: 'Edit channel energy_J' });
    const threshold = form.getByRole('textbox', { name: /^Threshold/ });
    assert.equal(await threshold.inputValue(), '1');
    // A typo first: refused in the page, naming the field, and nothing sent.
    await threshold.fill('zero');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Threshold must be a number (e.g. 2.5 or 1e-4), not "zero"').waitFor();
    await h.screenshot('live-monitor-threshold-refused');
    assert.deepEqual((await h.api('GET', '/api/v1/relay/settings')).body.channels.energy_J.rule, { kind: 'above', above: 1 });
    assert.equal(await threshold.inputValue(), 'zero', 'what was typed stays');

    await threshold.fill('2.5');
    await form.getByLabel('Nickname').fill('E_main');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const settings = await h.api('GET', '/api/v1/relay/settings');
    assert.deepEqual(settings.body.channels.energy_J.rule, { kind: 'above', above: 2.5 });
    assert.equal(settings.body.channels.energy_J.nickname, 'E_main');
    await energy.getByRole('heading', { name: /^E_main/ }).waitFor();
    assert.match((await energy.getByTestId('channel-rule').textContent()) ?? '', /triggers above 2\.5 J/);
    await h.screenshot('live-monitor-threshold-changed');
    assert.deepEqual(h.errors, []);
  });

  it('resets a trigger counter', async () => {
    const energy = page.getByTestId('channel-energy_J');
    const count = energy.getByTestId('channel-count');
    const high = await until(() => numberIn(count), (n) => n >= 4, 'a few triggers');
    await energy.getByRole('button', { name: 'Reset counter' }).click();
    await energy.getByRole('button', { name: 'Reset to 0' }).click();
    const settings = await h.api('GET', '/api/v1/relay/settings');
    assert.ok(settings.body.channels.energy_J.counterResetAt, JSON.stringify(settings.body.channels.energy_J));
    // Counting starts again from zero (shots keep triggering meanwhile).
    await until(() => numberIn(count), (n) => n < high, 'the counter to drop after the reset', 5_000);
    await energy.getByText(/counting since/).waitFor();
    const audit = await h.api('GET', '/api/v1/relay/audit?target=channel:energy_J');
    assert.ok(audit.body.items.some((e: { action: string }) => e.action === 'reset-counter'));
    assert.deepEqual(h.errors, []);
  });

  it('starts a campaign through the page', async () => {
    await page.getByRole('button', { name: 'Start a new campaign' }).click();
    const form = page.getByRole('form', { name: 'Start a campaign' });
    await form.getByLabel(/^Campaign name/).fill('browser-run-1');
    await form.getByRole('button', { name: 'Start campaign' }).click();
    await page.getByTestId('campaign-current').getByText('browser-run-1').waitFor();
    assert.equal((await h.api('GET', '/api/v1/relay/campaign')).body.campaign.name, 'browser-run-1');
    // The next shots are filed under it.
    await until(() => page.getByTestId('last-shot').textContent(), (t) => /\(browser-run-1\)/.test(t ?? ''), 'a shot of the new campaign');
  });

  it('shows a viewer everything, read-only', async () => {
    const viewer = await h.newPage(await h.makeToken('viewer', 'monitor-viewer'));
    await h.open('live', viewer);
    await viewer.getByTestId('channel-energy_J').waitFor();
    await viewer.getByTestId('read-only-note').waitFor();
    assert.equal(await viewer.getByRole('button', { name: /^Edit channel/ }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: 'Reset counter' }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: 'Start a new campaign' }).count(), 0);
    await h.screenshot('live-monitor-viewer', viewer);
    assert.deepEqual(await h.axe(viewer), []);
    await viewer.close();
  });

  it('lists the raw laser messages on the Debug page, newest first, and filters rejected ones', async () => {
    await h.open('debug');
    const rows = page.getByTestId('raw-message');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 1);
    const times = await rows.evaluateAll((els) => els.map((e) => e.querySelector('td')?.textContent ?? ''));
    assert.deepEqual([...times].sort().reverse(), times, 'newest first');
    assert.match((await rows.first().textContent()) ?? '', /energy_J/);
    await h.screenshot('debug-messages');
    assert.deepEqual(await h.axe(), []);

    // A broken message from the other laser: refused as not JSON, and its bytes (markup here) shown as text.
    const hostile = '<img src=x onerror="document.title=1">{"energy_J": 3';
    await until(
      async () => {
        await laser.send(['laser', hostile]);
        return (await h.api('GET', '/api/v1/relay/debug/messages?rejectedOnly=true')).body.items.length;
      },
      (n) => n > 0,
      'the relay to receive a malformed message',
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByLabel('Rejected only').click({ force: true });
    const rejected = page.locator('[data-testid="raw-message"][data-status="not-json"]');
    await rejected.first().waitFor();
    assert.equal(await rows.count(), await rejected.count(), 'only rejected messages are listed');
    assert.ok(((await rejected.first().textContent()) ?? '').includes(hostile), 'the payload is shown as the relay gave it');
    assert.equal(await rejected.first().locator('img').count(), 0, 'no markup was made of it');
    assert.equal(await page.title(), 'Debug · Shotline console');
    assert.match((await rejected.first().textContent()) ?? '', /not-json/);
    await h.screenshot('debug-messages-rejected');
    assert.deepEqual(await h.axe(), []);
    await page.getByLabel('Rejected only').click({ force: true });
    await page.locator('[data-testid="raw-message"][data-status="ok"]').first().waitFor();
    await page.getByLabel('Auto-refresh').click({ force: true });
    const firstTime = await rows.first().locator('td').first().textContent();
    await until(() => rows.first().locator('td').first().textContent(), (t) => t !== firstTime, 'auto-refresh to bring newer messages', 10_000);
    await page.getByLabel('Auto-refresh').click({ force: true });
    assert.deepEqual(h.errors, []);
  });
});
