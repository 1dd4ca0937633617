// The console's Search, Relay settings and Audit log pages in a real browser
// against a relay started as `npm start`: an entry made through the API is
// found by a query built in the page, shown with its value and exported as
// CSV (the browser's download); a refresh keeps the search; a channel renamed
// on the Relay settings page shows in the audit as old → new; accessibility.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';

// Distinctive: nothing else in a fresh relay holds it.
const MATERIAL = `Unobtainium-${process.pid}-7731`;
const NICKNAME = `E-main-${process.pid}`;

/** Opens a Combobox by its input id, types, and picks the offered option whose text matches (not "use custom value"). */
async function pick(page: Page, inputId: string, typed: string, option: RegExp) {
  const input = page.locator(`#${inputId}`);
  await input.click();
  await input.fill(typed);
  await page.getByRole('option').filter({ hasText: option }).filter({ hasNotText: /custom value/i }).first().click();
}

async function assertAccessible(h: ConsoleHarness) {
  // The page at rest: @grafana/ui's hover colours of a primary button are not this page's to judge.
  await h.page.mouse.move(0, 0);
  const violations = await h.axe();
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

describe('the Search, Relay settings and Audit log pages', { skip: BROWSER_SKIP }, () => {
  let h: ConsoleHarness;
  let page: Page;

  before(async () => {
    h = await startConsole();
    page = h.page;
    const sheet = await h.api('POST', '/api/v1/sheets', {
      name: 'search-test',
      title: 'Search test',
      layout: {
        sections: [
          {
            title: 'Target',
            fields: [
              { key: 'target_material', label: 'Target material', type: 'text' },
              { key: 'thickness', label: 'Thickness', type: 'number', unit: 'µm' },
            ],
          },
        ],
      },
    });
    assert.equal(sheet.status, 201, JSON.stringify(sheet.body));
    for (const [material, thickness] of [
      [MATERIAL, 12.5],
      ['Cu', 3],
    ] as const) {
      const entry = await h.api('POST', '/api/v1/sheets/search-test/entries', { fields: { target_material: material, thickness } });
      assert.equal(entry.status, 201, JSON.stringify(entry.body));
    }
  });

  after(async () => {
    await h?.close();
  });

  // Each step answers for the console errors it caused, not for an earlier step's.
  beforeEach(() => {
    if (h) h.errors.length = 0;
  });

  it('finds the entry with a query built in the page, and shows its value with the unit', async () => {
    await h.open('search');
    // The sheets, layouts and channels the pickers offer.
    await page.waitForLoadState('networkidle');
    await pick(page, 'search-sheet', 'Search', /Search test/);
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.waitForLoadState('networkidle');
    await pick(page, 'search-where-0-field', 'Target material', /Target material/);
    const value = page.locator('#search-where-0-value');
    await value.fill(MATERIAL);
    await value.press('Enter');
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    const results = page.getByRole('table', { name: 'Entries found' });
    await results.getByText(MATERIAL).waitFor();
    assert.equal(await page.getByTestId('search-total').textContent(), '1–1 of 1 entry');
    assert.equal(await results.getByRole('columnheader', { name: 'Thickness [µm]' }).count(), 1);
    assert.match((await results.getByRole('row').nth(1).textContent()) ?? '', /12\.5/);
    assert.equal(await results.getByText('Cu', { exact: true }).count(), 0);
    await h.screenshot('search-results');
    await assertAccessible(h);
    assert.deepEqual(h.errors, []);
  });

  it('exports the same search as CSV through the browser, under the relay’s file name', async () => {
    // The download, or the page's message saying why there is none (rather than a bare timeout).
    const failed = page.getByText(/The CSV export failed/);
    const [download] = await Promise.all([
      Promise.race([
        page.waitForEvent('download'),
        failed.waitFor().then(async () => assert.fail((await failed.textContent()) ?? 'the export failed')),
      ]),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^shotline-search-test-\d{8}T\d{6}\.csv$/);
    const path = await download.path();
    const csv = await readFile(path, 'utf8');
    assert.ok(csv.includes(MATERIAL), csv);
    assert.ok(!csv.includes('\r\nCu') && !/,Cu,/.test(csv), 'only the entry the query found');
    assert.ok(csv.includes('Thickness [µm]'), 'the layout label and unit head the column');
    assert.deepEqual(h.errors, []);
  });

  it('keeps the search over a refresh (the page address holds it)', async () => {
    assert.match(decodeURIComponent(new URL(page.url()).hash), /^#\/search\?search=.*target_material/);
    await page.reload();
    await page.getByRole('table', { name: 'Entries found' }).getByText(MATERIAL).waitFor();
    assert.equal(await page.locator('#search-where-0-value').inputValue(), MATERIAL);
    assert.deepEqual(h.errors, []);
  });

  it('shows the relay’s refusal at the condition it is about', async () => {
    await page.getByRole('button', { name: 'Add filter' }).click();
    await pick(page, 'search-where-1-field', 'Shot number', /Shot number/);
    const value = page.locator('#search-where-1-value');
    await value.fill('"twelve"');
    await value.press('Enter');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText(/must be a number.* for shotNumber/).waitFor();
    assert.equal(await value.getAttribute('aria-invalid'), 'true');
    await h.screenshot('search-refused');
    // The 400 is the point of this step; nothing else may have gone wrong.
    const unexpected = h.errors.filter((e) => !/400/.test(e));
    assert.deepEqual(unexpected, []);
  });

  it('renames a channel on the Relay settings page; the relay has it', async () => {
    await h.open('relay');
    const channels = page.getByRole('table', { name: 'Channels' });
    await channels.getByText('energy_J', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit energy_J' }).click();
    await page.locator('#channel-energy_J-nickname').fill(NICKNAME);
    await h.screenshot('relay-settings-editing');
    await page.getByRole('button', { name: 'Save energy_J' }).click();
    await channels.getByText(NICKNAME, { exact: true }).waitFor();
    const settings = await h.api<{ channels: Record<string, { nickname?: string }> }>('GET', '/api/v1/relay/settings');
    assert.equal(settings.body.channels.energy_J?.nickname, NICKNAME);
    await h.screenshot('relay-settings');
    await assertAccessible(h);
    assert.deepEqual(h.errors, []);
  });

  it('shows the rename in the Audit log as old → new, by who made it', async () => {
    await h.open('audit');
    const changes = page.getByRole('table', { name: 'Relay settings changes' });
    const row = changes.getByRole('row').filter({ hasText: NICKNAME });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /channel:energy_J/);
    assert.equal(await row.locator('ins', { hasText: NICKNAME }).count(), 1);
    assert.match((await row.textContent()) ?? '', /nickname: — → /);
    await h.screenshot('audit-log');
    await assertAccessible(h);

    // The entries' own history: the entry made above, created through the API with the admin token.
    await page.getByRole('tab', { name: 'Entries' }).click();
    await page.waitForLoadState('networkidle');
    await pick(page, 'audit-entry-sheet', 'Search', /Search test/);
    const entries = page.getByRole('table', { name: 'Entries by last change' });
    await entries.getByRole('button', { name: /Show changes of entry/ }).first().waitFor();
    await h.screenshot('audit-log-entries');
    await assertAccessible(h);
    assert.deepEqual(h.errors, []);
  });
});
