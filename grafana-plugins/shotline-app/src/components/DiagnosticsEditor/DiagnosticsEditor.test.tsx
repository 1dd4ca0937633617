import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import { fakeApi } from '../../test/fakeApi';
import type { Diagnostic, Preset } from '../../api/sheetTypes';
import { stamp } from '../ShotForm/fixtures';
import { DiagnosticsEditor } from './DiagnosticsEditor';

const camera: Diagnostic = {
  ...stamp,
  sheet: 'ions',
  name: 'camera',
  label: 'Camera',
  fields: [{ key: 'exposure', label: 'Exposure', type: 'number', unit: 'ms' }],
  revision: 2,
};

function setup(routes: Parameters<typeof fakeApi>[0] = {}, role = 'admin') {
  const fake = fakeApi({
    'GET me': () => ({ name: 'ada', role }),
    'GET sheets/ions/diagnostics': () => ({ items: [camera] }),
    'GET sheets/ions/presets': () => ({ items: [] }),
    'GET choices': () => ({ items: [] }),
    'PUT sheets/ions/diagnostics/*': (o, path) => ({
      status: 201,
      body: { sheet: 'ions', name: path.split('/').pop(), revision: 1, ...(o.body as object) },
    }),
    'PUT sheets/ions/presets/*': (o, path) => ({
      status: 201,
      body: { sheet: 'ions', name: path.split('/').pop(), label: 'x', revision: 1, ...(o.body as object) },
    }),
    ...routes,
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <DiagnosticsEditor sheet="ions" />
    </ShotlineApiProvider>
  );
  return fake;
}

const click = async (name: string | RegExp) => {
  const button = await screen.findByRole('button', { name });
  await act(async () => {
    fireEvent.click(button);
  });
};

describe('DiagnosticsEditor', () => {
  it('creates a diagnostic with typed settings from the shared field editor', async () => {
    const { calls } = setup();
    await click(/New diagnostic/);
    const form = within(screen.getByRole('region', { name: 'New diagnostic' }));
    fireEvent.change(form.getByLabelText(/^Name/), { target: { value: 'thomson' } });
    fireEvent.change(form.getByLabelText('Label'), { target: { value: 'Thomson parabola' } });
    // a diagnostic's settings cannot hold a diagnostics block
    expect(form.queryByRole('button', { name: /Add diagnostics block field/ })).toBeNull();
    fireEvent.click(form.getByRole('button', { name: 'Add number field to diagnostic Thomson parabola' }));
    fireEvent.change(form.getByLabelText('Unit'), { target: { value: 'kV' } });
    await click('Create diagnostic');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe('sheets/ions/diagnostics/thomson');
    expect(put.body).toEqual({
      label: 'Thomson parabola',
      fields: [{ key: 'number_1', label: 'Number 1', type: 'number', unit: 'kV' }],
    });
    expect(await screen.findByText(/Saved diagnostic "thomson"/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Thomson parabola (thomson)' })).toBeInTheDocument();
  });

  it("shows the relay's problems at the setting they name and keeps the edits", async () => {
    const { calls } = setup({
      'PUT sheets/ions/diagnostics/camera': () => {
        throw new ApiProblem(400, {
          error: 'invalid diagnostic',
          details: [{ field: 'fields.0.max', message: 'must be an integer (the field is an integer)' }],
        });
      },
    });
    await click('Camera (camera)');
    const form = within(screen.getByRole('region', { name: 'Diagnostic Camera' }));
    fireEvent.click(form.getByRole('button', { name: 'Edit Exposure' }));
    fireEvent.change(form.getByLabelText('Maximum'), { target: { value: '2.5' } });
    await click('Save diagnostic');
    const exposure = within(screen.getByRole('region', { name: 'Field Exposure' }));
    expect(exposure.getByText('must be an integer (the field is an integer)')).toBeInTheDocument();
    expect(exposure.getByLabelText('Maximum')).toHaveValue('2.5');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  });

  it('saves a preset with the settings typed into the diagnostic form', async () => {
    const { calls } = setup();
    await click(/New preset/);
    const form = within(screen.getByRole('region', { name: 'New preset' }));
    fireEvent.change(form.getByLabelText(/^Preset name/), { target: { value: 'short' } });
    fireEvent.change(form.getByLabelText('Preset label'), { target: { value: 'Short exposure' } });
    fireEvent.click(form.getByLabelText('Fills Camera'));
    fireEvent.change(form.getByLabelText(/Exposure/), { target: { value: '5' } });
    await click('Create preset');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe('sheets/ions/presets/short');
    expect(put.body).toEqual({
      label: 'Short exposure',
      diagnostics: { camera: { active: true, settings: { exposure: 5 } } },
    });
    expect(await screen.findByText(/Saved preset "short"/)).toBeInTheDocument();
  });

  it("shows a preset's setting problems in the diagnostic's settings form", async () => {
    const existing: Preset = {
      ...stamp,
      sheet: 'ions',
      name: 'long',
      label: 'Long',
      diagnostics: { camera: { active: true, settings: { exposure: 50 } } },
      revision: 1,
    };
    setup({
      'GET sheets/ions/presets': () => ({ items: [existing] }),
      'PUT sheets/ions/presets/long': () => {
        throw new ApiProblem(400, {
          error: 'invalid preset',
          details: [{ field: 'diagnostics.camera.settings.exposure', message: 'must be <= 40' }],
        });
      },
    });
    await click('Long (long)');
    await click('Save preset');
    expect(await screen.findByText('must be <= 40')).toBeInTheDocument();
    expect(screen.getByLabelText(/Exposure/)).toHaveValue('50');
  });

  it('deletes a diagnostic, and says why when the relay refuses', async () => {
    setup({
      'DELETE sheets/ions/diagnostics/camera': () => {
        throw new ApiProblem(409, { error: 'diagnostic "camera" is used by preset long: change or delete it first' });
      },
    });
    await click('Camera (camera)');
    await click('Delete diagnostic');
    await click('Delete');
    expect(await screen.findByText(/is used by preset long/)).toBeInTheDocument();
  });

  it('asks before leaving an unsaved diagnostic for another one', async () => {
    setup();
    await click(/New diagnostic/);
    fireEvent.change(screen.getByLabelText('Label'), { target: { value: 'Half-typed' } });
    await click('Camera (camera)');
    expect(screen.getByText('The diagnostic open has unsaved changes')).toBeInTheDocument();
    await click('Keep editing');
    expect(screen.getByLabelText('Label')).toHaveValue('Half-typed');
    await click('Camera (camera)');
    await click('Discard them');
    expect(await screen.findByRole('region', { name: 'Diagnostic Camera' })).toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    setup({}, 'viewer');
    expect(await screen.findByText(/can be changed by admins only/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /New diagnostic/ })).toBeNull();
    await click('Camera (camera)');
    expect(screen.queryByRole('button', { name: 'Save diagnostic' })).toBeNull();
    expect(screen.getByLabelText('Label')).toBeDisabled();
  });

  it('without a sheet, offers a sheet picker with the default sheet picked', async () => {
    const sheet = { ...stamp, title: '', archived: false, campaigns: [], layoutVersion: 1 };
    const fake = fakeApi({
      'GET me': () => ({ name: 'ada', role: 'admin' }),
      'GET sheets': () => ({
        items: [
          { ...sheet, name: 'laser', title: 'Laser hall', default: false },
          { ...sheet, name: 'ions', title: 'Ion line', default: true },
        ],
      }),
      'GET sheets/ions/diagnostics': () => ({ items: [camera] }),
      'GET sheets/ions/presets': () => ({ items: [] }),
      'GET choices': () => ({ items: [] }),
    });
    render(
      <ShotlineApiProvider api={fake.api}>
        <DiagnosticsEditor />
      </ShotlineApiProvider>
    );
    expect(await screen.findByText('Diagnostics of ions')).toBeInTheDocument();
    expect(screen.getByText('Camera (camera)')).toBeInTheDocument();
    expect(screen.getByLabelText('Sheet')).toHaveValue('Ion line');
    expect(fake.calls.some((c) => c.path.startsWith('sheets/laser'))).toBe(false);
  });
});
