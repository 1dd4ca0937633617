import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import { pick } from '../../test/combobox';
import { fakeApi } from '../../test/fakeApi';
import type { FieldDef, Layout, Sheet } from '../../api/sheetTypes';
import { SheetEditor } from './SheetEditor';

const ions: Sheet = {
  name: 'ions',
  title: 'Ion line',
  archived: false,
  default: true,
  campaigns: [],
  layoutVersion: 3,
  createdAt: '2026-11-01T00:00:00Z',
  createdBy: 'admin',
  updatedAt: '2026-11-01T00:00:00Z',
  updatedBy: 'admin',
};

const layoutOf = (fields: FieldDef[], version = 3): Layout => ({
  sheet: 'ions',
  version,
  sections: [{ title: 'Target', fields }],
  createdAt: '2026-11-02T00:00:00Z',
  createdBy: 'admin',
});

function setup(
  options: { role?: string; meFails?: string; fields?: FieldDef[]; put?: (body: unknown) => unknown } = {}
) {
  const fake = fakeApi({
    'GET me': () => {
      if (options.meFails) {
        throw new ApiProblem(502, { error: options.meFails });
      }
      return { name: 'ada', role: options.role ?? 'admin' };
    },
    'GET sheets': () => ({ items: [ions] }),
    'GET sheets/ions/layout': () => layoutOf(options.fields ?? []),
    'GET sheets/ions/diagnostics': () => ({ items: [{ name: 'thomson', label: 'Thomson', fields: [] }] }),
    'GET choices': () => ({ items: [{ name: 'targets', description: '', count: 2 }] }),
    'GET choices/*': () => ({ items: [{ value: 'Cu' }, { value: 'Ti' }] }),
    'PUT sheets/ions/layout': (o) =>
      options.put ? options.put(o.body) : { status: 201, body: { ...layoutOf([], 4), ...(o.body as object) } },
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <SheetEditor />
    </ShotlineApiProvider>
  );
  return fake;
}

// getByRole works out the accessible name and visibility of every element from its computed
// style: over this page (field editors beside a live preview, and Grafana's many style rules)
// one query took 1-2 s, and the tests make dozens. These find the same elements by their
// aria-label (or a button by its text) and check what they are by the element itself.
type Scope = Pick<typeof screen, 'queryAllByLabelText' | 'queryAllByText'>;
function queryButton(name: string | RegExp, scope: Scope = screen): HTMLElement | null {
  const found = new Set(
    [...scope.queryAllByLabelText(name, { selector: 'button' }), ...scope.queryAllByText(name)]
      .map((e) => e.closest('button'))
      .filter((b): b is HTMLButtonElement => b !== null)
  );
  if (found.size > 1) {
    throw new Error(`${found.size} buttons named ${name}`);
  }
  return [...found][0] ?? null;
}
function button(name: string | RegExp, scope: Scope = screen): HTMLElement {
  const b = queryButton(name, scope);
  if (!b) {
    throw new Error(`no button named ${name}`);
  }
  return b;
}
/** A named <section>: a region. */
const region = (name: string) => screen.getByLabelText(name, { selector: 'section' });
const field = (name: string) => region(`Field ${name}`);
/** Opens a field's editor (fields are collapsed to their summary line until edited). */
const open = (name: string) => {
  fireEvent.click(button(`Edit ${name}`));
  return within(field(name));
};
const fieldOrder = () =>
  Array.from(
    screen
      .getByLabelText('Fields of section Target', { selector: '[role="group"]' })
      .querySelectorAll('section[aria-label]')
  ).map((r) => r.getAttribute('aria-label'));

async function save() {
  await act(async () => {
    fireEvent.click(button('Save as new version'));
  });
}

const putBodies = (calls: ReturnType<typeof fakeApi>['calls']) =>
  calls.filter((c) => c.method === 'PUT' && c.path === 'sheets/ions/layout');

describe('SheetEditor', () => {
  it('adds a field of every type and PUTs the layout they make, against the version edited', async () => {
    const { calls } = setup();
    await screen.findByText(/version 3/);
    for (const type of [
      'text',
      'number',
      'integer',
      'yes/no',
      'select',
      'multi-select',
      'date and time',
      'shot reference',
      'diagnostics block',
    ]) {
      fireEvent.click(button(`Add ${type} field to section Target`));
    }
    // The last one added is open to be configured; the others show their summary.
    const expanded = document.querySelectorAll('[aria-expanded="true"]');
    expect(expanded).toHaveLength(1);
    expect(expanded[0].tagName).toBe('BUTTON');
    await save();
    await screen.findByText('Saved as layout version 4');
    const [put] = putBodies(calls);
    expect(put.ifMatch).toBe('3');
    expect(put.body).toEqual({
      sections: [
        {
          title: 'Target',
          fields: [
            { key: 'text_1', label: 'Text 1', type: 'text' },
            { key: 'number_1', label: 'Number 1', type: 'number' },
            { key: 'integer_1', label: 'Integer 1', type: 'integer' },
            { key: 'boolean_1', label: 'Boolean 1', type: 'boolean' },
            { key: 'select_1', label: 'Select 1', type: 'select', options: ['first', 'second'] },
            { key: 'multiselect_1', label: 'Multiselect 1', type: 'multiselect', options: ['first', 'second'] },
            { key: 'datetime_1', label: 'Datetime 1', type: 'datetime' },
            { key: 'shotref_1', label: 'Shotref 1', type: 'shotref' },
            { key: 'diagnostics_1', label: 'Diagnostics 1', type: 'diagnostics' },
          ],
        },
      ],
    });
  });

  it('sends what each field editor configures: required, default, unit, bounds, text options, a condition', async () => {
    const { calls } = setup({
      fields: [
        { key: 'target_type', label: 'Target type', type: 'select', options: ['foil', 'gas'] },
        { key: 'thickness', label: 'Thickness', type: 'number' },
        { key: 'notes', label: 'Notes', type: 'text' },
      ],
    });
    await screen.findByText(/version 3/);
    const thickness = open('Thickness');
    fireEvent.click(thickness.getByLabelText('Needed for a complete entry'));
    fireEvent.change(thickness.getByLabelText('Unit'), { target: { value: 'µm' } });
    fireEvent.change(thickness.getByLabelText('Minimum'), { target: { value: '0.5' } });
    fireEvent.change(thickness.getByLabelText('Maximum'), { target: { value: '200' } });
    fireEvent.change(thickness.getByLabelText(/^Default/), { target: { value: '10' } });
    fireEvent.change(thickness.getByLabelText('Help'), { target: { value: 'measured before the shot' } });
    fireEvent.click(thickness.getByLabelText('Show only when another field has a value'));
    fireEvent.change(thickness.getByLabelText(/^Value/), { target: { value: 'foil' } });
    const notes = open('Notes');
    fireEvent.click(notes.getByLabelText('Several lines'));
    fireEvent.change(notes.getByLabelText('Maximum length'), { target: { value: '5000' } });
    await save();
    await screen.findByText('Saved as layout version 4');
    expect((putBodies(calls)[0].body as Layout).sections[0].fields.slice(1)).toEqual([
      {
        key: 'thickness',
        label: 'Thickness',
        type: 'number',
        required: true,
        default: 10,
        help: 'measured before the shot',
        unit: 'µm',
        min: 0.5,
        max: 200,
        showIf: { field: 'target_type', equals: 'foil' },
      },
      { key: 'notes', label: 'Notes', type: 'text', multiline: true, maxLength: 5000 },
    ]);
  });

  it('configures a select from a choice list and a diagnostics block showing some diagnostics', async () => {
    const { calls } = setup({
      fields: [
        { key: 'material', label: 'Material', type: 'select', options: ['Cu'] },
        { key: 'diags', label: 'Diagnostics', type: 'diagnostics' },
      ],
    });
    await screen.findByText(/version 3/);
    const material = open('Material');
    fireEvent.click(material.getByRole('radio', { name: 'A choice list' }));
    await pick(material.getByLabelText('Choice list').id, 'targets');
    const diags = open('Diagnostics');
    fireEvent.click(diags.getByLabelText('All'));
    fireEvent.click(diags.getByLabelText('thomson'));
    await save();
    expect((putBodies(calls)[0].body as Layout).sections[0].fields).toEqual([
      { key: 'material', label: 'Material', type: 'select', choices: 'targets' },
      { key: 'diags', label: 'Diagnostics', type: 'diagnostics', diagnostics: ['thomson'] },
    ]);
  });

  it('reorders fields with the move buttons, keeping focus on the moved field for the next key press', async () => {
    const { calls } = setup({
      fields: [
        { key: 'a', label: 'A', type: 'text' },
        { key: 'b', label: 'B', type: 'text' },
        { key: 'c', label: 'C', type: 'text' },
      ],
    });
    await screen.findByText(/version 3/);
    const down = button('Move A down');
    down.focus();
    // Enter or Space on a focused button is a click.
    fireEvent.click(document.activeElement!);
    expect(fieldOrder()).toEqual(['Field B', 'Field A', 'Field C']);
    await waitFor(() => expect(document.activeElement).toBe(button('Move A down')));
    fireEvent.click(document.activeElement!);
    expect(fieldOrder()).toEqual(['Field B', 'Field C', 'Field A']);
    // At the bottom "down" is disabled: focus goes to "up" of the same field.
    await waitFor(() => expect(document.activeElement).toBe(button('Move A up')));
    await save();
    expect((putBodies(calls)[0].body as Layout).sections[0].fields.map((f) => f.key)).toEqual(['b', 'c', 'a']);
  });

  it("shows the relay's 400 details at the field they name, keeps every edit, and keeps them there after a reorder", async () => {
    const { calls } = setup({
      fields: [
        { key: 'a', label: 'A', type: 'text' },
        { key: 'b', label: 'B', type: 'number' },
      ],
      put: () => {
        throw new ApiProblem(400, {
          error: 'invalid layout',
          details: [
            { field: 'sections.0.fields.1.key', message: 'duplicate key "a" (also at sections.0.fields.0)' },
            { field: 'sections.0.fields.1.max', message: 'must be a number' },
            { field: 'sections.0.title', message: 'must be text of 1 to 200 characters' },
          ],
        });
      },
    });
    await screen.findByText(/version 3/);
    open('B');
    fireEvent.change(within(field('B')).getByLabelText(/^Key/), { target: { value: 'a' } });
    fireEvent.change(within(field('B')).getByLabelText('Unit'), { target: { value: 'mJ' } });
    await save();
    await screen.findByText('invalid layout');
    expect(within(field('B')).getByText('duplicate key "a" (also at sections.0.fields.0)')).toBeInTheDocument();
    expect(within(field('B')).getByText('must be a number')).toBeInTheDocument();
    expect(within(field('A')).queryByText(/duplicate key/)).toBeNull();
    expect(screen.getByText('must be text of 1 to 200 characters')).toBeInTheDocument();
    expect(within(field('B')).getByLabelText(/^Key/)).toHaveValue('a');
    expect(within(field('B')).getByLabelText('Unit')).toHaveValue('mJ');
    fireEvent.click(button('Move B up'));
    expect(fieldOrder()).toEqual(['Field B', 'Field A']);
    expect(within(field('B')).getByText(/duplicate key "a"/)).toBeInTheDocument();
    expect(putBodies(calls)).toHaveLength(1);
  });

  it('refuses to send a value that is not a number, naming the field, without losing it', async () => {
    const { calls } = setup({ fields: [{ key: 'energy', label: 'Energy', type: 'number' }] });
    await screen.findByText(/version 3/);
    fireEvent.change(open('Energy').getByLabelText('Minimum'), { target: { value: 'ten' } });
    await save();
    expect(within(field('Energy')).getByText('"ten" is not a number')).toBeInTheDocument();
    expect(within(field('Energy')).getByLabelText('Minimum')).toHaveValue('ten');
    expect(putBodies(calls)).toHaveLength(0);
  });

  it('updates the preview as the layout changes, conditions included', async () => {
    setup({
      fields: [
        { key: 'gas', label: 'Gas jet', type: 'boolean' },
        { key: 'pressure', label: 'Pressure', type: 'number', showIf: { field: 'gas', equals: true } },
      ],
    });
    await screen.findByText(/version 3/);
    const preview = () => within(region('Preview'));
    expect(preview().getByLabelText(/Gas jet/)).toBeInTheDocument();
    expect(preview().queryByLabelText(/Pressure/)).toBeNull();
    fireEvent.click(preview().getByLabelText(/Gas jet/));
    expect(await preview().findByLabelText(/Pressure/)).toBeInTheDocument();

    fireEvent.change(open('Gas jet').getByLabelText('Label'), { target: { value: 'Gas target' } });
    expect(preview().getByLabelText(/Gas target/)).toBeInTheDocument();
    fireEvent.click(button('Add integer field to section Target'));
    expect(preview().getByLabelText(/Integer 1/)).toBeInTheDocument();
    fireEvent.click(button('Remove Pressure'));
    expect(preview().queryByLabelText(/Pressure/)).toBeNull();
  });

  it('adds, renames and reorders sections', async () => {
    const { calls } = setup({ fields: [{ key: 'a', label: 'A', type: 'text' }] });
    await screen.findByText(/version 3/);
    fireEvent.click(button('Add section'));
    fireEvent.change(screen.getByLabelText('Section 2 title'), { target: { value: 'Laser' } });
    fireEvent.click(button('Move section Laser up'));
    await save();
    expect((putBodies(calls)[0].body as Layout).sections.map((s) => s.title)).toEqual(['Laser', 'Target']);
  });

  it('creates a sheet and selects it', async () => {
    const fake = fakeApi({
      'GET me': () => ({ name: 'ada', role: 'admin' }),
      'GET sheets': () => ({ items: [] }),
      'POST sheets': (o) => ({ status: 201, body: { ...ions, ...(o.body as object), layoutVersion: 1 } }),
      'GET sheets/laser/layout': () => ({ ...layoutOf([], 1), sheet: 'laser', sections: [] }),
      'GET sheets/laser/diagnostics': () => ({ items: [] }),
      'GET choices': () => ({ items: [] }),
    });
    render(
      <ShotlineApiProvider api={fake.api}>
        <SheetEditor />
      </ShotlineApiProvider>
    );
    fireEvent.change(await screen.findByLabelText(/^Name/), { target: { value: 'Laser!' } });
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Laser hall' } });
    await act(async () => {
      fireEvent.click(button('Create sheet'));
    });
    expect(screen.getByText(/must be lower-case letters/)).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'laser' } });
    await act(async () => {
      fireEvent.click(button('Create sheet'));
    });
    expect(fake.calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'laser', title: 'Laser hall' });
    expect(await screen.findByText(/This layout has no sections yet/)).toBeInTheDocument();
  });

  it('asks before leaving unsaved layout edits for another sheet', async () => {
    const laser: Sheet = { ...ions, name: 'laser', title: 'Laser hall', default: false };
    const fake = fakeApi({
      'GET me': () => ({ name: 'ada', role: 'admin' }),
      'GET sheets': () => ({ items: [ions, laser] }),
      'GET sheets/ions/layout': () => layoutOf([{ key: 'a', label: 'A', type: 'text' }]),
      'GET sheets/laser/layout': () => ({
        ...layoutOf([{ key: 'pulse', label: 'Pulse', type: 'text' }]),
        sheet: 'laser',
      }),
      'GET sheets/*': () => ({ items: [] }),
      'GET choices': () => ({ items: [] }),
    });
    render(
      <ShotlineApiProvider api={fake.api}>
        <SheetEditor />
      </ShotlineApiProvider>
    );
    await screen.findByText(/version 3/);
    fireEvent.click(button('Add section'));
    fireEvent.click(button(/Laser hall/));
    expect(screen.getByText('The layout of "ions" has unsaved changes')).toBeInTheDocument();
    fireEvent.click(button('Keep editing'));
    expect(screen.getByLabelText('Section 2 title')).toBeInTheDocument();
    fireEvent.click(button(/Laser hall/));
    fireEvent.click(button('Discard them and open laser'));
    expect(await screen.findByLabelText('Field Pulse', { selector: 'section' })).toBeInTheDocument();
  });

  it('shows a viewer the layout read-only, with a note', async () => {
    setup({ role: 'viewer', fields: [{ key: 'a', label: 'A', type: 'text' }] });
    await screen.findByText(/version 3/);
    expect(await screen.findByText(/can be changed by admins only/)).toBeInTheDocument();
    expect(queryButton('Save as new version')).toBeNull();
    expect(queryButton(/^Add /)).toBeNull();
    expect(open('A').getByLabelText(/^Key/)).toBeDisabled();
  });

  it('hides editing and says why when the role cannot be read', async () => {
    setup({ meFails: 'the relay is restarting', fields: [{ key: 'a', label: 'A', type: 'text' }] });
    await screen.findByText(/version 3/);
    expect(await screen.findByText('Could not tell your role: editing is hidden')).toBeInTheDocument();
    expect(screen.getByText('the relay is restarting')).toBeInTheDocument();
    expect(queryButton('Save as new version')).toBeNull();
    expect(queryButton('Create sheet')).toBeNull();
    expect(open('A').getByLabelText(/^Key/)).toBeDisabled();
  });
});

describe('SheetEditor draft settings', () => {
  const laser: Sheet = { ...ions, name: 'laser', title: 'Laser hall', default: false, campaigns: ['ramp-up'] };

  function setupDrafts(options: { role?: string; patch?: (body: unknown) => unknown } = {}) {
    const fake = fakeApi({
      'GET me': () => ({ name: 'ada', role: options.role ?? 'admin' }),
      'GET sheets': () => ({ items: [ions, laser] }),
      'GET sheets/ions/layout': () => layoutOf([]),
      'GET sheets/laser/layout': () => ({ ...layoutOf([]), sheet: 'laser' }),
      'GET sheets/*': () => ({ items: [] }),
      'GET choices': () => ({ items: [] }),
      'GET stats/campaigns': () => ({
        items: [{ campaign: 'spring-2026' }, { campaign: null }, { campaign: 'ramp-up' }],
        current: { name: 'autumn-2026', startedAt: '2026-11-01T00:00:00Z' },
      }),
      'PATCH sheets/laser': (o) => (options.patch ? options.patch(o.body) : { ...laser, ...(o.body as object) }),
    });
    render(
      <ShotlineApiProvider api={fake.api}>
        <SheetEditor />
      </ShotlineApiProvider>
    );
    return fake;
  }

  async function openLaser() {
    await screen.findByText(/version 3/);
    await act(async () => {
      fireEvent.click(button(/Laser hall/));
    });
    return (await screen.findByLabelText(/^Default sheet/)) as HTMLInputElement;
  }

  async function addCustomCampaign(inputId: string, name: string) {
    const input = document.getElementById(inputId)!;
    await act(async () => {
      fireEvent.click(input);
      fireEvent.change(input, { target: { value: name } });
    });
    const custom = await waitFor(() => {
      const found = screen.getAllByRole('option').find((o) => (o.textContent ?? '').includes('Use custom value'));
      expect(found?.textContent).toContain(name);
      return found!;
    });
    await act(async () => {
      fireEvent.click(custom);
    });
  }

  /** The Field (label, control, error) around the control with this id. */
  const fieldOf = (id: string) => document.querySelector(`label[for="${id}"]`)!.parentElement!.parentElement!;

  const saveDrafts = async () => {
    await act(async () => {
      fireEvent.click(button('Save draft settings'));
    });
  };
  const patches = (calls: ReturnType<typeof fakeApi>['calls']) => calls.filter((c) => c.method === 'PATCH');

  it('makes a sheet the default and sets its campaigns, known and typed, in one PATCH; the list moves the badge', async () => {
    const { calls } = setupDrafts();
    const toggle = await openLaser();
    expect(toggle).not.toBeChecked();
    expect(button(/Ion line/).textContent).toMatch(/default/);
    expect(button('Save draft settings')).toBeDisabled();

    fireEvent.click(toggle);
    await pick('sheet-campaigns-laser', /autumn-2026/);
    await addCustomCampaign('sheet-campaigns-laser', 'night-shift');
    await saveDrafts();

    expect(patches(calls)).toHaveLength(1);
    expect(patches(calls)[0].body).toEqual({ default: true, campaigns: ['ramp-up', 'autumn-2026', 'night-shift'] });
    expect(await screen.findByText('Draft settings saved.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Default sheet/)).toBeChecked();
    expect(button(/Laser hall/).textContent).toMatch(/default/);
    expect(button(/Ion line/).textContent).not.toMatch(/default/);
    expect(button('Save draft settings')).toBeDisabled();
  });

  it("shows the relay's 400 at the campaigns field, naming the campaign, and keeps what was typed", async () => {
    const long = 'x'.repeat(20);
    const { calls } = setupDrafts({
      patch: () => {
        throw new ApiProblem(400, {
          error: 'invalid body: campaigns.1 must NOT have more than 128 characters',
          details: [{ field: 'campaigns.1', message: 'must NOT have more than 128 characters' }],
        });
      },
    });
    const toggle = await openLaser();
    fireEvent.click(toggle);
    await addCustomCampaign('sheet-campaigns-laser', long);
    await saveDrafts();

    expect(patches(calls)[0].body).toEqual({ default: true, campaigns: ['ramp-up', long] });
    const message = `"${long}": must NOT have more than 128 characters`;
    await screen.findByText(message);
    expect(within(fieldOf('sheet-campaigns-laser')).getByText(message)).toBeInTheDocument();
    expect(within(fieldOf('sheet-default-laser')).queryByText(message)).toBeNull();
    expect(screen.getByLabelText(/^Default sheet/)).toBeChecked();
    expect(screen.getByLabelText(`Remove ${long}`)).toBeInTheDocument();
    expect(screen.getByLabelText('Remove ramp-up')).toBeInTheDocument();
    expect(button('Save draft settings')).toBeEnabled();
    expect(button(/Ion line/).textContent).toMatch(/default/);
  });

  it('un-defaults a sheet with default:false only', async () => {
    const { calls } = setupDrafts();
    await screen.findByText(/version 3/);
    const toggle = (await screen.findByLabelText(/^Default sheet/)) as HTMLInputElement;
    expect(toggle).toBeChecked();
    fireEvent.click(toggle);
    await act(async () => {
      fireEvent.click(button('Save draft settings'));
    });
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ path: 'sheets/ions', body: { default: false } });
  });

  it('warns that an archived sheet gets no drafts', async () => {
    const fake = fakeApi({
      'GET me': () => ({ name: 'ada', role: 'admin' }),
      'GET sheets': () => ({ items: [{ ...ions, archived: true }] }),
      'GET sheets/ions/layout': () => layoutOf([]),
      'GET sheets/*': () => ({ items: [] }),
      'GET choices': () => ({ items: [] }),
    });
    render(
      <ShotlineApiProvider api={fake.api}>
        <SheetEditor />
      </ShotlineApiProvider>
    );
    expect(await screen.findByText(/archived: the watcher makes no drafts in it/)).toBeInTheDocument();
  });

  it('shows a viewer where drafts go, without controls', async () => {
    setupDrafts({ role: 'viewer' });
    await screen.findByText(/version 3/);
    expect(await screen.findByText('Default sheet: new shots get a draft here.')).toBeInTheDocument();
    expect(screen.queryByLabelText(/^Default sheet/)).toBeNull();
    expect(queryButton('Save draft settings')).toBeNull();
  });
});
