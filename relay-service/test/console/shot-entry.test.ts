// The console's Shot sheet page in a real browser against a relay started as
// `npm start` (simulated laser, so the watcher makes a draft per shot): the
// newest shot's draft is filled with the keyboard alone, the relay's refusal
// shows beside the field it names, the fix saves with Ctrl+Enter; the entry
// is then modified as an earlier shot and its history shows old → new; a
// viewer sees it read-only; axe finds no serious or critical fault.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';

const LAYOUT = {
  sections: [
    {
      title: 'Shot',
      fields: [
        { key: 'operator', label: 'Operator', type: 'text', required: true, help: 'Who fired the shot' },
        { key: 'energy', label: 'Energy on target', type: 'number', unit: 'J', min: 0, max: 50, required: true },
        { key: 'vacuum', label: 'Under vacuum', type: 'boolean' },
        { key: 'pressure', label: 'Pressure', type: 'number', unit: 'mbar', required: true, showIf: { field: 'vacuum', equals: true } },
        { key: 'notes', label: 'Notes', type: 'text', multiline: true },
      ],
    },
    { title: 'Diagnostics', fields: [{ key: 'diags', label: 'Diagnostics used', type: 'diagnostics' }] },
  ],
};

async function assertAccessible(h: ConsoleHarness, page?: Page) {
  const violations = await h.axe(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

/** The id of the element that has the keyboard focus. */
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

describe('the Shot sheet page', { skip: BROWSER_SKIP }, () => {
  let h: ConsoleHarness;
  let page: Page;
  let shot = 0;

  before(async () => {
    // A shot every 2 s: drafts keep coming while the form is filled, as in the lab.
    h = await startConsole({ env: { SHOTLINE_SIMULATOR_RATE: '0.5' } });
    page = h.page;
    const sheet = await h.api('POST', '/api/v1/sheets', { name: 'main', title: 'Main line', default: true, layout: LAYOUT });
    assert.equal(sheet.status, 201, JSON.stringify(sheet.body));
    const camera = await h.api('PUT', '/api/v1/sheets/main/diagnostics/camera', {
      label: 'Camera',
      fields: [{ key: 'exposure', label: 'Exposure', type: 'number', unit: 'ms', required: true }],
    });
    assert.equal(camera.status, 201, JSON.stringify(camera.body));
    const preset = await h.api('PUT', '/api/v1/sheets/main/presets/standard', { label: 'Standard', diagnostics: { camera: { settings: { exposure: 5 } } } });
    assert.equal(preset.status, 201, JSON.stringify(preset.body));
  });

  after(async () => {
    await h?.close();
  });

  it("opens the newest shot's draft with the cursor in its first field", async () => {
    await h.open('shot-sheet');
    // The default sheet is picked; the watcher's drafts arrive with the simulated shots.
    const heading = page.getByRole('heading', { level: 2, name: /^Shot \d+$/ });
    await heading.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-field-operator'), undefined, { timeout: 10_000 });
    await h.screenshot('shot-entry-draft');
    await assertAccessible(h);
  });

  it('is filled with the keyboard alone; a refusal names the field; Ctrl+Enter saves the fix', async () => {
    await page.keyboard.type('Ada');
    // The first keystroke keeps this shot open while newer shots arrive.
    shot = Number(((await page.getByRole('heading', { level: 2, name: /^Shot \d+$/ }).textContent()) ?? '').replace('Shot ', ''));
    assert.ok(shot >= 1);
    // Energy left empty: the relay refuses a complete entry without it.
    await page.keyboard.press('Control+Enter');
    const energyField = page.getByTestId(/field-.*-field-energy$/);
    await energyField.getByText('is required').waitFor();
    assert.equal(await page.getByLabel(/^Operator/).inputValue(), 'Ada', 'nothing typed is lost');
    // The cursor goes to the field to fix.
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-field-energy'));
    await h.screenshot('shot-entry-refused');
    await assertAccessible(h);
    h.errors.splice(0, h.errors.length, ...h.errors.filter((e) => !/\b400\b/.test(e)));

    await page.keyboard.type('12.5');
    assert.equal(await energyField.getByText('is required').count(), 0, 'the mark goes once the value changes');
    // Tab to the switch, Space turns it on: the conditional (required) pressure appears.
    await page.keyboard.press('Tab');
    assert.match(await focusedId(page), /-field-vacuum$/);
    await page.keyboard.press('Space');
    await page.getByLabel(/^Pressure \*/).waitFor();
    await page.keyboard.press('Tab');
    assert.match(await focusedId(page), /-field-pressure$/);
    await page.keyboard.type('1e-5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('clean shot');
    await h.screenshot('shot-entry-filled');
    await page.keyboard.press('Control+Enter');
    await page.getByText(new RegExp(`Saved shot ${shot} as complete \\(revision 2\\)`)).waitFor();

    const stored = await h.api('GET', `/api/v1/sheets/main/entries?shotNumber=${shot}`);
    const entry = stored.body.items[0];
    assert.equal(entry.status, 'complete');
    assert.deepEqual(entry.fields, { operator: 'Ada', energy: 12.5, vacuum: true, pressure: 0.00001, notes: 'clean shot' });
    assert.equal(entry.updatedBy, 'admin');
    assert.deepEqual(h.errors, []);
  });

  it('modifies the entry as an earlier shot; its history shows old → new', async () => {
    await page.getByRole('tab', { name: 'Earlier shot' }).click();
    await page.getByLabel('Shot number').fill(String(shot));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: `Shot ${shot}` }).waitFor();
    const energy = page.getByLabel(/^Energy on target/);
    assert.equal(await energy.inputValue(), '12.5');
    await energy.fill('13');
    // The preset fills the camera's exposure.
    const preset = page.locator('[id$="-preset-diags"]');
    await preset.click();
    await page.getByRole('option', { name: /Standard/ }).click();
    assert.equal(await page.getByLabel(/^Exposure/).inputValue(), '5');
    await page.keyboard.press('Control+Enter');
    await page.getByText(new RegExp(`Saved shot ${shot} as complete \\(revision 3\\)`)).waitFor();

    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByTestId('shot-entry-history');
    await history.waitFor();
    const row = history.getByTestId('revision-3-fields.energy');
    assert.match((await row.textContent()) ?? '', /Energy on target\s*12\.5 → 13/);
    assert.match((await history.getByTestId('revision-3-diagnostics.camera').textContent()) ?? '', /Camera\s*\(not set\) → in use: Exposure 5 ms/);
    assert.match((await history.textContent()) ?? '', /Revision 3: changed by admin/);
    await h.screenshot('shot-entry-history');
    await assertAccessible(h);

    const stored = await h.api('GET', `/api/v1/sheets/main/entries?shotNumber=${shot}`);
    assert.equal(stored.body.items[0].fields.energy, 13);
    assert.deepEqual(stored.body.items[0].diagnostics, { camera: { active: true, settings: { exposure: 5 } } });
    assert.deepEqual(h.errors, []);
  });

  it('moves through the form in layout order with Tab, every stop labelled', async () => {
    await page.getByLabel(/^Operator/).focus();
    const stops: Array<{ id: string; label: string }> = [];
    for (let i = 0; i < 8; i++) {
      stops.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement | null;
          const labels = el?.labels ? Array.from(el.labels).map((l) => l.textContent ?? '').join(' ') : '';
          return { id: el?.id ?? '', label: (labels || el?.getAttribute('aria-label') || el?.textContent || '').trim() };
        })
      );
      await page.keyboard.press('Tab');
    }
    const fieldOrder = stops.map((s) => s.id.replace(/^.*-field-/, '')).filter((k) => ['operator', 'energy', 'vacuum', 'pressure', 'notes'].includes(k));
    assert.deepEqual(fieldOrder, ['operator', 'energy', 'vacuum', 'pressure', 'notes']);
    for (const s of stops) assert.ok(s.label.length > 0, `focus stop ${s.id || '(no id)'} has a name`);
  });

  it('is read-only for a viewer', async () => {
    const viewer = await h.newPage(await h.makeToken('viewer'));
    await h.open('shot-sheet', viewer);
    await viewer.getByRole('tab', { name: 'Earlier shot' }).click();
    await viewer.getByLabel('Shot number').fill(String(shot));
    await viewer.keyboard.press('Enter');
    await viewer.getByRole('heading', { level: 2, name: `Shot ${shot}` }).waitFor();
    await viewer.getByText('Read-only').waitFor();
    assert.equal(await viewer.getByLabel(/^Energy on target/).isDisabled(), true);
    assert.equal(await viewer.getByRole('button', { name: 'Save', exact: true }).count(), 0);
    await h.screenshot('shot-entry-viewer', viewer);
    await assertAccessible(h, viewer);
    assert.deepEqual(h.errors, []);
  });
});
