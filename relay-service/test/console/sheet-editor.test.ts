// The console's admin pages in a real browser against a relay started as
// `npm start`: a sheet is created and its layout built in the Sheets & layouts
// editor (several field types, a condition, a choice list, a diagnostics
// block), fields reordered with the keyboard, the live preview tried, the
// layout saved and read back through the API; a diagnostic and a preset are
// made on the Diagnostics page; the Choice lists page shows the lists and a
// failed wiki sync; a viewer sees the editor read-only. Axe finds no serious
// or critical fault on any of them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { BROWSER_SKIP, startConsole, type ConsoleHarness } from './harness.ts';

async function assertAccessible(h: ConsoleHarness, page?: Page) {
  // The pointer off every control: a hovered button is checked in its hover colours otherwise.
  await (page ?? h.page).mouse.move(0, 0);
  const violations = await h.axe(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

/** The editor of one field, by its label as the editor names it ("Field Select 1"). */
const fieldEditor = (page: Page, label: string): Locator => page.getByRole('region', { name: `Field ${label}`, exact: true });

/** Labels of the field editors of a section, in order. */
const fieldOrder = (page: Page, section: string) =>
  page
    .getByRole('group', { name: `Fields of section ${section}` })
    .getByRole('region')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

async function addField(page: Page, type: string, section: string, props: { key: string; label: string }, more?: (editor: Locator) => Promise<void>) {
  const before = new Set(await fieldOrder(page, section));
  await page.getByRole('button', { name: `Add ${type} field to section ${section}` }).click();
  const added = (await fieldOrder(page, section)).find((name) => !before.has(name))!;
  const editor = page.getByRole('region', { name: added!, exact: true });
  await editor.getByLabel(/^Key/).fill(props.key);
  if (more) await more(editor);
  // the label last: the editor is named by it
  await editor.getByLabel('Label', { exact: true }).fill(props.label);
  return fieldEditor(page, props.label);
}

describe('the Sheets & layouts, Diagnostics and Choice lists pages', { skip: BROWSER_SKIP }, () => {
  let h: ConsoleHarness;
  let page: Page;

  before(async () => {
    h = await startConsole();
    page = h.page;
    const targets = await h.api('PUT', '/api/v1/choices/targets', {
      description: 'Target materials',
      items: ['Cu', 'Ti', { value: 'Al', label: 'Aluminium' }],
    });
    assert.equal(targets.status, 201, JSON.stringify(targets.body));
    // A wiki nobody answers at: its sync fails, and the list keeps what it has.
    const wiki = await h.api('PUT', '/api/v1/choices/operators', {
      description: 'From the lab wiki',
      source: { wikiUrl: 'http://127.0.0.1:9/w', page: 'Lab:Operators' },
    });
    assert.equal(wiki.status, 201, JSON.stringify(wiki.body));
  });

  after(async () => {
    await h?.close();
  });

  it('creates a sheet and builds its layout with a live preview, reordering by keyboard, and stores it', async () => {
    await h.open('sheets');
    await page.locator('#new-sheet-name').fill('ions');
    await page.locator('#new-sheet-title').fill('Ion line');
    await page.getByRole('button', { name: 'Create sheet' }).click();
    await page.getByText('This layout has no sections yet').waitFor();

    await page.getByRole('button', { name: 'Add section' }).click();
    await page.getByLabel('Section 1 title').fill('Target');

    await addField(page, 'select', 'Target', { key: 'target_type', label: 'Target type' }, async (e) => {
      await e.getByLabel(/^Options/).fill('foil\ngas');
    });
    await addField(page, 'number', 'Target', { key: 'thickness', label: 'Thickness' }, async (e) => {
      await e.getByLabel('Unit').fill('µm');
      await e.getByLabel('Minimum').fill('0');
      await e.getByLabel(/^Required/).check({ force: true });
      await e.getByText('Show only when another field has a value').click();
      // the condition depends on the first field holding a value: target_type
      await e.getByLabel(/^Value/).fill('foil');
    });
    await addField(page, 'text', 'Target', { key: 'notes', label: 'Notes' }, async (e) => {
      await e.getByText('Several lines').click();
    });
    await addField(page, 'select', 'Target', { key: 'material', label: 'Material' }, async (e) => {
      await e.getByRole('radio', { name: 'A choice list' }).check({ force: true });
      await e.locator('input[id$="-choices"]').click();
      await page.getByRole('option', { name: 'targets' }).click();
    });
    await addField(page, 'diagnostics block', 'Target', {
      key: 'diags',
      label: 'Diagnostics',
    });

    // Keyboard: Notes moves up twice with Enter (focus stays on its button), then down once.
    assert.deepEqual(await fieldOrder(page, 'Target'), ['Field Target type', 'Field Thickness', 'Field Notes', 'Field Material', 'Field Diagnostics']);
    await page.getByRole('button', { name: 'Move Notes up' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert.deepEqual(await fieldOrder(page, 'Target'), ['Field Notes', 'Field Target type', 'Field Thickness', 'Field Material', 'Field Diagnostics']);
    // at the top "up" is disabled: the focus went to "down"
    await page.keyboard.press('Enter');
    assert.deepEqual(await fieldOrder(page, 'Target'), ['Field Target type', 'Field Notes', 'Field Thickness', 'Field Material', 'Field Diagnostics']);

    // The preview follows the layout: Thickness shows only for a foil target.
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByLabel(/Notes/).waitFor();
    assert.equal(await preview.getByLabel(/Thickness/).count(), 0);
    await preview.locator('#preview-field-target_type').click();
    await page.getByRole('option', { name: 'foil' }).click();
    await preview.getByLabel(/Thickness/).waitFor();
    await preview.locator('#preview-field-material').click();
    await page.getByRole('option', { name: /Aluminium/ }).waitFor();
    await page.keyboard.press('Escape');
    await h.screenshot('sheet-editor-layout');
    await assertAccessible(h);

    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as layout version 2').waitFor();
    const stored = await h.api('GET', '/api/v1/sheets/ions/layout');
    assert.equal(stored.status, 200);
    assert.equal(stored.body.version, 2);
    assert.deepEqual(stored.body.sections, [
      {
        title: 'Target',
        fields: [
          {
            key: 'target_type',
            label: 'Target type',
            type: 'select',
            options: ['foil', 'gas'],
          },
          { key: 'notes', label: 'Notes', type: 'text', multiline: true },
          {
            key: 'thickness',
            label: 'Thickness',
            type: 'number',
            required: true,
            unit: 'µm',
            min: 0,
            showIf: { field: 'target_type', equals: 'foil' },
          },
          {
            key: 'material',
            label: 'Material',
            type: 'select',
            choices: 'targets',
          },
          { key: 'diags', label: 'Diagnostics', type: 'diagnostics' },
        ],
      },
    ]);
    assert.deepEqual(h.errors, []);
  });

  it("shows the relay's refusal at the field it names, keeping the edits", async () => {
    // The relay names the later of two fields with one key.
    const material = fieldEditor(page, 'Material');
    await material.getByRole('button', { name: 'Edit Material' }).click();
    await material.getByLabel(/^Key/).fill('notes');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await material.getByText(/duplicate key "notes"/).waitFor();
    assert.equal(
      await fieldEditor(page, 'Notes')
        .getByText(/duplicate key/)
        .count(),
      0,
    );
    assert.equal(await material.getByLabel(/^Key/).inputValue(), 'notes');
    await h.screenshot('sheet-editor-refused');
    await material.getByLabel(/^Key/).fill('material');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as layout version 3').waitFor();
    assert.ok(
      h.errors.every((e) => / 400/.test(e)),
      h.errors.join('\n'),
    );
    h.errors.length = 0;
  });

  it('makes a diagnostic with a setting and a preset for it', async () => {
    await h.open('diagnostics');
    await page.getByRole('button', { name: 'New diagnostic' }).click();
    const form = page.getByRole('region', { name: 'New diagnostic' });
    await form.getByLabel(/^Name/).fill('thomson');
    await form.getByLabel('Label', { exact: true }).fill('Thomson parabola');
    await form
      .getByRole('button', {
        name: 'Add number field to diagnostic Thomson parabola',
      })
      .click();
    const setting = fieldEditor(page, 'Number 1');
    await setting.getByLabel(/^Key/).fill('voltage');
    await setting.getByLabel('Unit').fill('kV');
    await setting.getByLabel('Label', { exact: true }).fill('Voltage');
    await page.getByRole('button', { name: 'Create diagnostic' }).click();
    await page.getByText('Saved diagnostic "thomson"').waitFor();

    await page.getByRole('button', { name: 'New preset' }).click();
    const preset = page.getByRole('region', { name: 'New preset' });
    await preset.getByLabel(/^Preset name/).fill('standard');
    await preset.getByLabel('Preset label').fill('Standard');
    await preset.getByText('Fills Thomson parabola').click();
    await preset.getByLabel(/Voltage/).fill('12');
    await page.getByRole('button', { name: 'Create preset' }).click();
    await page.getByText('Saved preset "standard"').waitFor();
    await h.screenshot('diagnostics-editor');
    await assertAccessible(h);

    const diagnostic = await h.api('GET', '/api/v1/sheets/ions/diagnostics/thomson');
    assert.deepEqual(diagnostic.body.fields, [{ key: 'voltage', label: 'Voltage', type: 'number', unit: 'kV' }]);
    const stored = await h.api('GET', '/api/v1/sheets/ions/presets/standard');
    assert.deepEqual(stored.body.diagnostics, {
      thomson: { active: true, settings: { voltage: 12 } },
    });

    // The layout's preview now shows the diagnostic in its diagnostics block.
    await h.open('sheets');
    await page.getByRole('region', { name: 'Preview' }).getByText('Thomson parabola').first().waitFor();
    assert.deepEqual(h.errors, []);
  });

  it('shows the choice lists, and a failed wiki sync keeps the items and says why', async () => {
    await h.open('choices');
    const nav = page.getByRole('navigation', { name: 'Choice lists' });
    await nav.getByText(/3 items — Target materials/).waitFor();
    await nav.getByRole('button', { name: /^operators/ }).click();
    const status = page.getByRole('region', { name: 'Sync status' });
    await status.getByRole('button', { name: 'Sync now' }).click();
    await status.getByText('The last sync failed: the list kept its last good items').waitFor();
    await h.screenshot('choice-lists-sync-failed');
    await assertAccessible(h);
    const list = await h.api('GET', '/api/v1/choices/operators');
    assert.ok(list.body.sync.lastError, 'the relay recorded the failure');
    // the 502 the sync answered is expected
    assert.ok(
      h.errors.every((e) => / 502/.test(e)),
      h.errors.join('\n'),
    );
    h.errors.length = 0;
  });

  it('is read-only for a viewer', async () => {
    const viewer = await h.newPage(await h.makeToken('viewer'));
    await h.open('sheets', viewer);
    await viewer.getByText(/can be changed by admins only/).waitFor();
    assert.equal(await viewer.getByRole('button', { name: 'Save as new version' }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: /^Add / }).count(), 0);
    await viewer.getByRole('region', { name: 'Preview' }).getByLabel(/Notes/).waitFor();
    await h.screenshot('sheet-editor-viewer', viewer);
    await assertAccessible(h, viewer);
    assert.deepEqual(h.errors, []);
  });
});
