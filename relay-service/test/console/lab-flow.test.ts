// The lab's whole day as one user story through the console, against a relay
// started as `npm start` (embedded store, simulated laser triggering every
// shot): an admin builds a sheet in the Sheets & layouts editor; the laser's
// shots bring drafts to the Shot sheet, where the newest is filled with the
// keyboard alone (a refusal names the field, the fix saves with Ctrl+Enter);
// an earlier shot is changed and its history shows old → new; the Live
// monitor counts the shots coming in; the Search page finds the entry and
// exports it as CSV. Axe finds no serious or critical fault at any step.
// The API only checks what the pages did; it sets nothing up (the new sheet
// is made the default — the sheet the watcher makes drafts for,
// src/sheets/drafts.ts — with the editor's switch).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';

const SHEET = 'lab';
const TITLE = 'Lab flow';
// Distinctive: only the entry of this story holds it (the CSV is searched for it).
const NOTE = `clean shot ${process.pid}`;
// A loaded 2-core machine: generous, but a broken step still fails in well under a minute.
const SLOW = { timeout: 30_000 };

/** Polls `read` until `check` holds (the simulator and the live feed set the pace). */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

async function assertAccessible(h: ConsoleHarness) {
  // The pointer off every control: a hovered button would be judged in its hover colours.
  await h.page.mouse.move(0, 0);
  // Colours mid-transition (a button just enabled fading in) are not the page's colours: let them settle.
  await h.page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => {}))));
  const violations = await h.axe();
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

/** Labels of the field editors of a section, in order. */
const fieldOrder = (page: Page, section: string) =>
  page
    .getByRole('group', { name: `Fields of section ${section}` })
    .getByRole('region')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

/** Adds a field in the layout editor; the label last, as the editor is named by it. */
async function addField(page: Page, type: string, section: string, props: { key: string; label: string }, more?: (editor: Locator) => Promise<void>) {
  const known = new Set(await fieldOrder(page, section));
  await page.getByRole('button', { name: `Add ${type} field to section ${section}` }).click();
  const added = await until(() => fieldOrder(page, section), (names) => names.some((n) => !known.has(n)), `the new ${type} field`, 10_000);
  const editor = page.getByRole('region', { name: added.find((n) => !known.has(n))!, exact: true });
  await editor.getByLabel(/^Key/).fill(props.key);
  if (more) await more(editor);
  await editor.getByLabel('Label', { exact: true }).fill(props.label);
  await page.getByRole('region', { name: `Field ${props.label}`, exact: true }).waitFor();
}

/** Opens a Combobox by its input id, types, and picks the offered option whose text matches (not "use custom value"). */
async function pick(page: Page, inputId: string, typed: string, option: RegExp) {
  const input = page.locator(`#${inputId}`);
  await input.click();
  await input.fill(typed);
  await page.getByRole('option').filter({ hasText: option }).filter({ hasNotText: /custom value/i }).first().click();
}

/** The text an input's aria-describedby points at (what a screen reader reads after its name). */
const describedBy = (input: Locator) =>
  input.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
  );

/** The id of the element holding the keyboard focus. */
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/**
 * Every form control of the shot form as the browser's accessibility tree
 * has it (Playwright's aria snapshot: `- role "name"`); the unnamed ones.
 */
async function unnamedControls(form: Locator): Promise<{ controls: string[]; unnamed: string[] }> {
  const snapshot = await form.ariaSnapshot();
  const controls = snapshot
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^- (textbox|combobox|spinbutton|checkbox|switch|radio|listbox|slider|searchbox)\b/.test(l));
  return { controls, unnamed: controls.filter((l) => !/^- \w+ "[^"]+"/.test(l)) };
}

describe('the lab flow: sheet → shot entry → earlier shot → live monitor → search and export', { skip: BROWSER_SKIP }, () => {
  let h: ConsoleHarness;
  let page: Page;
  let shot = 0;

  before(async () => {
    h = await startConsole();
    page = h.page;
  });

  after(async () => {
    await h?.close();
  });

  // Each step answers for the console errors it caused, not for an earlier step's.
  beforeEach(() => {
    if (h) h.errors.length = 0;
  });

  it('1. an admin builds the sheet and its layout in the editor; the preview shows the conditional field only for its value', async () => {
    await h.open('sheets');
    await page.locator('#new-sheet-name').fill(SHEET);
    await page.locator('#new-sheet-title').fill(TITLE);
    await page.getByRole('button', { name: 'Create sheet' }).click();
    await page.getByText('This layout has no sections yet').waitFor(SLOW);

    await page.getByRole('button', { name: 'Add section' }).click();
    await page.getByLabel('Section 1 title').fill('Shot');
    await addField(page, 'text', 'Shot', { key: 'operator', label: 'Operator' });
    await addField(page, 'select', 'Shot', { key: 'target', label: 'Target' }, async (e) => {
      await e.getByLabel(/^Options/).fill('foil\ngas');
    });
    await addField(page, 'number', 'Shot', { key: 'energy', label: 'Laser energy' }, async (e) => {
      await e.getByLabel('Unit').fill('J');
      await e.getByLabel('Minimum').fill('0');
      await e.getByLabel('Maximum').fill('50');
      await e.getByLabel(/^Required/).check({ force: true });
    });
    await addField(page, 'text', 'Shot', { key: 'gas', label: 'Gas species' }, async (e) => {
      await e.getByText('Show only when another field has a value').click();
      await pick(page, `${await e.locator('input[id$="-showif-field"]').getAttribute('id')}`, 'target', /\(target\)/);
      await e.getByLabel(/^Value/).fill('gas');
    });
    await addField(page, 'text', 'Shot', { key: 'notes', label: 'Notes' }, async (e) => {
      await e.getByText('Several lines').click();
    });

    // The preview follows the layout: Gas species only while the target is gas.
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByLabel(/^Laser energy/).waitFor();
    assert.equal(await preview.getByLabel(/^Gas species/).count(), 0, 'no target chosen: no gas species');
    await preview.locator('#preview-field-target').click();
    await page.getByRole('option', { name: 'foil' }).click();
    await until(() => preview.locator('#preview-field-target').inputValue(), (v) => v === 'foil', 'foil chosen in the preview', 10_000);
    assert.equal(await preview.getByLabel(/^Gas species/).count(), 0, 'a foil target: no gas species');
    await preview.locator('#preview-field-target').click();
    await page.getByRole('option', { name: 'gas' }).click();
    await preview.getByLabel(/^Gas species/).waitFor(SLOW);
    await h.screenshot('lab-flow-1-layout');
    await assertAccessible(h);

    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText(/Saved as layout version \d+/).waitFor(SLOW);
    const layout = await h.api('GET', `/api/v1/sheets/${SHEET}/layout`);
    assert.equal(layout.status, 200);
    assert.deepEqual(layout.body.sections, [
      {
        title: 'Shot',
        fields: [
          { key: 'operator', label: 'Operator', type: 'text' },
          { key: 'target', label: 'Target', type: 'select', options: ['foil', 'gas'] },
          { key: 'energy', label: 'Laser energy', type: 'number', required: true, unit: 'J', min: 0, max: 50 },
          { key: 'gas', label: 'Gas species', type: 'text', showIf: { field: 'target', equals: 'gas' } },
          { key: 'notes', label: 'Notes', type: 'text', multiline: true },
        ],
      },
    ]);

    // The watcher makes drafts for the default sheet (or a campaign's sheets):
    // the new sheet is made the default with the editor's switch.
    const drafts = page.getByRole('form', { name: 'Drafts' });
    const toggle = drafts.getByRole('switch', { name: /^Default sheet/ });
    assert.equal(await toggle.isChecked(), false, 'a new sheet is not the default');
    await toggle.focus();
    await page.keyboard.press('Space');
    assert.equal(await toggle.isChecked(), true, 'the switch turns on from the keyboard');
    await drafts.getByRole('button', { name: 'Save draft settings' }).click();
    await drafts.getByText('Draft settings saved.').waitFor(SLOW);
    await page.getByRole('navigation', { name: 'Sheets' }).getByRole('button', { name: new RegExp(TITLE) }).getByText('default').waitFor(SLOW);
    await until(async () => (await h.api('GET', `/api/v1/sheets/${SHEET}`)).body.default, (d) => d === true, 'the sheet to be the default');
    assert.deepEqual(h.errors, []);
  });

  it("2. the newest shot's draft is filled with the keyboard alone; the refusal names the field; Ctrl+Enter saves the fix", async () => {
    await h.open('shot-sheet');
    // The default sheet is picked; the simulated shots bring its drafts.
    await page.getByRole('heading', { level: 2, name: /^Shot \d+$/ }).waitFor(SLOW);
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-field-operator'), undefined, SLOW);

    const form = page.getByTestId('shot-form');
    const { controls, unnamed } = await unnamedControls(form);
    for (const label of ['Operator', 'Target', 'Laser energy', 'Notes']) {
      assert.ok(controls.some((c) => c.includes(`"${label}`)), `${label} among the form's controls: ${controls.join(' | ')}`);
    }
    assert.deepEqual(unnamed, [], 'every form control has an accessible name');
    await h.screenshot('lab-flow-2-draft');
    await assertAccessible(h);

    // Only Tab, typing and Ctrl+Enter from here. The first keystroke keeps this shot open while
    // newer shots arrive; one arriving just before it replaces the untouched form (and its focus),
    // so what landed is checked and, rarely, typed again.
    for (let attempt = 1; ; attempt++) {
      await page.waitForFunction(() => document.activeElement?.id.endsWith('-field-operator'), undefined, SLOW);
      const typed = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value ?? '');
      for (let i = 0; i < typed.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('Ada');
      if ((await page.getByLabel(/^Operator/).inputValue()) === 'Ada' || attempt === 3) break;
    }
    shot = Number(((await page.getByRole('heading', { level: 2, name: /^Shot \d+$/ }).textContent()) ?? '').replace('Shot ', ''));
    assert.ok(shot >= 1, `shot ${shot}`);
    assert.equal(await page.getByLabel(/^Operator/).inputValue(), 'Ada', 'all of it typed into one draft');
    await page.keyboard.press('Tab');
    assert.match(await focusedId(page), /-field-target$/);
    await page.keyboard.type('gas');
    // The list has caught up with the typing (the option is highlighted): Tab takes it and moves on,
    // and the conditional field appears.
    await page.getByRole('option', { name: /^gas/, selected: true }).waitFor(SLOW);
    await page.keyboard.press('Tab');
    assert.match(await focusedId(page), /-field-energy$/);
    await page.getByLabel(/^Gas species/).waitFor(SLOW);
    // The required energy left empty.
    await page.keyboard.press('Tab');
    assert.match(await focusedId(page), /-field-gas$/);
    await page.keyboard.type('He');
    await page.keyboard.press('Tab');
    assert.match(await focusedId(page), /-field-notes$/);
    await page.keyboard.type(NOTE);
    await page.keyboard.press('Control+Enter');

    // Refused: the error stands at the field it is about, under its label, and the cursor goes there.
    const energyRow = page.getByTestId(/^field-.*-field-energy$/);
    await energyRow.getByText(/required/).waitFor(SLOW);
    assert.match((await energyRow.textContent()) ?? '', /^Laser energy/);
    assert.equal(await page.getByLabel(/^Laser energy/).getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-field-energy'), undefined, SLOW);
    for (const [label, value] of [
      [/^Operator/, 'Ada'],
      [/^Gas species/, 'He'],
      [/^Notes/, NOTE],
    ] as const) {
      assert.equal(await page.getByLabel(label).inputValue(), value, `nothing typed is lost (${label})`);
    }
    // The conditional field shown and an error marked: still every control named.
    const refusedForm = await unnamedControls(form);
    assert.ok(refusedForm.controls.some((c) => c.includes('"Gas species')), refusedForm.controls.join(' | '));
    assert.deepEqual(refusedForm.unnamed, [], 'every form control has an accessible name');
    await h.screenshot('lab-flow-2-refused-empty');
    await assertAccessible(h);

    // Out of range next: refused, naming the range.
    await page.keyboard.type('99');
    await page.keyboard.press('Control+Enter');
    await energyRow.getByText(/50/).waitFor(SLOW);
    assert.match((await energyRow.textContent()) ?? '', /^Laser energy.*(at most|≤|maximum|max).*50/i);
    await page.waitForFunction(() => document.activeElement?.id.endsWith('-field-energy'), undefined, SLOW);
    await h.screenshot('lab-flow-2-refused-range');
    // Both refused by the relay: nothing stored yet.
    const unsaved = (await h.api('GET', `/api/v1/sheets/${SHEET}/entries?shotNumber=${shot}`)).body.items[0];
    assert.deepEqual([unsaved.status, unsaved.revision], ['draft', 1]);
    // A screen reader reads the error with the input.
    assert.match(await describedBy(page.getByLabel(/^Laser energy/)), /at most 50/);
    await assertAccessible(h);
    // 400s were the point; nothing else may have gone wrong.
    h.errors.splice(0, h.errors.length, ...h.errors.filter((e) => !/\b400\b/.test(e)));

    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('12.5');
    await page.keyboard.press('Control+Enter');
    await page.getByText(new RegExp(`Saved shot ${shot} as complete \\(revision 2\\)`)).first().waitFor(SLOW);
    await h.screenshot('lab-flow-2-saved');
    await assertAccessible(h);

    const stored = await h.api('GET', `/api/v1/sheets/${SHEET}/entries?shotNumber=${shot}`);
    const entry = stored.body.items[0];
    assert.equal(entry.status, 'complete');
    assert.equal(entry.revision, 2);
    assert.deepEqual(entry.fields, { operator: 'Ada', target: 'gas', energy: 12.5, gas: 'He', notes: NOTE });
    assert.deepEqual(h.errors, []);
  });

  it('3. the earlier shot is opened by its number and changed; its history shows old → new', async () => {
    await page.getByRole('tab', { name: 'Earlier shot' }).click();
    await page.getByLabel('Shot number').fill(String(shot));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: `Shot ${shot}` }).waitFor(SLOW);
    const energy = page.getByLabel(/^Laser energy/);
    assert.equal(await energy.inputValue(), '12.5');
    await energy.fill('20');
    await page.keyboard.press('Control+Enter');
    await page.getByText(new RegExp(`Saved shot ${shot} as complete \\(revision 3\\)`)).first().waitFor(SLOW);

    await page.getByRole('button', { name: 'History' }).click();
    const row = page.getByTestId('shot-entry-history').getByTestId('revision-3-fields.energy');
    await row.waitFor(SLOW);
    assert.match((await row.textContent()) ?? '', /^Laser energy.*12\.5.*→.*20/);
    assert.equal(await page.getByTestId('shot-entry-history').getByTestId(/^revision-3-/).count(), 1, 'only the energy changed');
    await h.screenshot('lab-flow-3-history');
    await assertAccessible(h);

    const stored = await h.api('GET', `/api/v1/sheets/${SHEET}/entries?shotNumber=${shot}`);
    assert.equal(stored.body.items[0].fields.energy, 20);
    assert.equal(stored.body.items[0].revision, 3);
    assert.deepEqual(h.errors, []);
  });

  it('4. the live monitor counts the shots arriving', async () => {
    await h.open('live');
    const counter = page.getByTestId('shot-counter');
    await counter.waitFor(SLOW);
    const count = async () => Number(/\d+/.exec((await counter.textContent()) ?? '')?.[0] ?? NaN);
    const first = await until(count, (n) => n >= 1, 'a first shot counted');
    await until(count, (n) => n >= first + 2, 'the shot counter to go up while watching');
    await h.screenshot('lab-flow-4-live');
    await assertAccessible(h);
    assert.deepEqual(h.errors, []);
  });

  it('5. a query built in the Search page finds the entry; its CSV export holds it', async () => {
    await h.open('search');
    await page.waitForLoadState('networkidle');
    await pick(page, 'search-sheet', 'Lab', new RegExp(TITLE));
    const conditions: Array<[string, RegExp, RegExp, string]> = [
      ['Target', /^Target/, /^=/, 'gas'],
      ['Laser energy', /^Laser energy/, /^>=/, '15'],
      ['Laser energy', /^Laser energy/, /^<=/, '25'],
    ];
    for (const [i, [typed, field, op, value]] of conditions.entries()) {
      await page.getByRole('button', { name: 'Add filter' }).click();
      await page.locator(`#search-where-${i}-field`).waitFor();
      await page.waitForLoadState('networkidle');
      await pick(page, `search-where-${i}-field`, typed, field);
      if (i > 0) await pick(page, `search-where-${i}-op`, op.source.slice(1), op);
      const input = page.locator(`#search-where-${i}-value`);
      await input.fill(value);
      await input.press('Enter');
    }
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    const results = page.getByRole('table', { name: 'Entries found' });
    await results.getByText(NOTE).waitFor(SLOW);
    // The query as built (kept in the page address): the select's value and the number range.
    const query = decodeURIComponent(new URL(page.url()).hash);
    for (const part of ['fields.target', 'fields.energy', '>=', '<=']) assert.ok(query.includes(part), `${part} in ${query}`);
    assert.equal(await page.getByTestId('search-total').textContent(), '1–1 of 1 entry');
    const row = results.getByRole('row').filter({ hasText: NOTE });
    const shown = (await row.locator('th, td').allTextContents()).map((c) => c.trim());
    assert.ok(shown.includes(String(shot)) && shown.includes('gas') && shown.includes('20'), `shot ${shot}, gas, 20 in ${JSON.stringify(shown)}`);
    await h.screenshot('lab-flow-5-search');
    await assertAccessible(h);

    const failed = page.getByText(/The CSV export failed/);
    const [download] = await Promise.all([
      Promise.race([page.waitForEvent('download', SLOW), failed.waitFor(SLOW).then(async () => assert.fail((await failed.textContent()) ?? 'the export failed'))]),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.equal(lines.length, 2, `a header and the one entry:\n${csv}`);
    const [, line = ''] = lines;
    const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    assert.ok(cells.includes(String(shot)), `the shot number ${shot} in ${line}`);
    assert.ok(cells.includes('gas') && cells.includes('20') && cells.includes(NOTE), `the entry's values in ${line}`);
    assert.deepEqual(h.errors, []);
  });
});
