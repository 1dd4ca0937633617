import React, { useState } from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import type { FieldProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import { fakeApi } from '../../test/fakeApi';
import { pick } from '../../test/combobox';
import { ShotForm } from './ShotForm';
import { firstEmptyInputId } from './logic';
import { diagnostics, layout, materialsList, presets } from './fixtures';
import type { ShotFormValues } from './types';

function Harness({
  initial,
  errors,
  pinned,
  onValues,
}: {
  initial?: ShotFormValues;
  errors?: FieldProblem[];
  pinned?: string[];
  onValues?: (v: ShotFormValues) => void;
}) {
  const [values, setValues] = useState<ShotFormValues>(initial ?? { fields: {}, diagnostics: {} });
  return (
    <ShotForm
      layout={layout}
      diagnostics={diagnostics}
      presets={presets}
      values={values}
      errors={errors}
      pinned={pinned}
      idPrefix="t"
      onChange={(v) => {
        setValues(v);
        onValues?.(v);
      }}
    />
  );
}

async function setup(props: React.ComponentProps<typeof Harness> = {}) {
  const { api, calls } = fakeApi({ 'GET choices/materials': () => materialsList });
  const last: { values?: ShotFormValues } = {};
  render(
    <ShotlineApiProvider api={api}>
      <Harness {...props} onValues={(v) => (last.values = v)} />
    </ShotlineApiProvider>
  );
  // the choice list arrives
  await act(async () => {});
  return { calls, last };
}

describe('ShotForm', () => {
  it('renders every field type with a label tied to its input, sections titled, required marked', async () => {
    const { calls } = await setup({ initial: { fields: { vacuum: true }, diagnostics: {} } });
    expect(screen.getByRole('heading', { name: 'Target' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Diagnostics' })).toBeInTheDocument();
    const expectations: Array<[RegExp, string]> = [
      [/^Operator \*/, 't-field-operator'],
      [/^Notes/, 't-field-notes'],
      [/^Energy on target \*/, 't-field-energy'],
      [/^Shots on target/, 't-field-shots_on_target'],
      [/^Under vacuum/, 't-field-vacuum'],
      [/^Pressure \*/, 't-field-pressure'],
      [/^Material/, 't-field-material'],
      [/^Tags/, 't-field-tags'],
      [/^Aligned at/, 't-field-aligned_at'],
      [/^Reference shot/, 't-field-reference'],
      [/^Camera/, 't-diag-camera-active'],
      [/^Spectrometer/, 't-diag-spectrometer-active'],
    ];
    for (const [label, id] of expectations) {
      expect(screen.getByLabelText(label)).toHaveAttribute('id', id);
    }
    expect(screen.getByLabelText(/^Notes/).tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText(/^Under vacuum/)).toHaveAttribute('role', 'switch');
    expect(screen.getByLabelText(/^Aligned at/)).toHaveAttribute('type', 'datetime-local');
    // unit suffixes and the help text
    expect(within(screen.getByTestId('field-t-field-energy')).getByText('J')).toBeInTheDocument();
    expect(within(screen.getByTestId('field-t-field-pressure')).getByText('mbar')).toBeInTheDocument();
    expect(screen.getByText('Who fired the shot')).toBeInTheDocument();
    // the choice list was read for the select, and its labels are offered
    await waitFor(() => expect(calls.some((c) => c.path === 'choices/materials')).toBe(true));
    await pick('t-field-material', 'Aluminium');
  });

  it('types values of each kind into the controlled values', async () => {
    const { last } = await setup();
    fireEvent.change(screen.getByLabelText(/^Operator/), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByLabelText(/^Energy on target/), { target: { value: '12.5' } });
    fireEvent.change(screen.getByLabelText(/^Shots on target/), { target: { value: '3' } });
    fireEvent.click(screen.getByLabelText(/^Under vacuum/));
    fireEvent.change(screen.getByLabelText(/^Aligned at/), { target: { value: '2026-11-25T14:03:00' } });
    fireEvent.change(screen.getByLabelText(/^Reference shot/), { target: { value: '411' } });
    await pick('t-field-material', 'Aluminium');
    await pick('t-field-tags', 'test');
    expect(last.values?.fields).toEqual({
      operator: 'Ada',
      energy: 12.5,
      shots_on_target: 3,
      vacuum: true,
      aligned_at: '2026-11-25T14:03:00.000Z',
      reference: 411,
      material: 'Al',
      tags: ['test'],
    });
    // clearing a text removes the value rather than storing ''
    fireEvent.change(screen.getByLabelText(/^Operator/), { target: { value: '' } });
    expect(last.values?.fields).not.toHaveProperty('operator');
  });

  it('keeps what was typed when it is not a number, and says so next to the field', async () => {
    const { last } = await setup();
    const energy = screen.getByLabelText(/^Energy on target/);
    fireEvent.change(energy, { target: { value: '12,5' } });
    expect(energy).toHaveValue('12,5');
    expect(last.values?.fields.energy).toBe('12,5');
    expect(within(screen.getByTestId('field-t-field-energy')).getByText('must be a number')).toBeInTheDocument();
    fireEvent.change(energy, { target: { value: '150' } });
    expect(within(screen.getByTestId('field-t-field-energy')).getByText('must be at most 100 J')).toBeInTheDocument();
  });

  it('shows a conditional field only while its condition holds (and then requires it)', async () => {
    await setup();
    expect(screen.queryByLabelText(/^Pressure/)).not.toBeInTheDocument();
    fireEvent.click(screen.getByLabelText(/^Under vacuum/));
    expect(screen.getByLabelText(/^Pressure \*/)).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText(/^Under vacuum/));
    expect(screen.queryByLabelText(/^Pressure/)).not.toBeInTheDocument();
  });

  it('a preset fills the settings of its diagnostics, which stay editable', async () => {
    const { last } = await setup();
    expect(screen.queryByLabelText(/^Exposure/)).not.toBeInTheDocument();
    await pick('t-preset-diags', /Standard/);
    expect(last.values?.diagnostics).toEqual({ camera: { active: true, settings: { exposure: 5, filter: 'ND2' } } });
    expect(screen.getByLabelText(/^Camera/)).toBeChecked();
    expect(screen.getByLabelText(/^Exposure \*/)).toHaveValue('5');
    fireEvent.change(screen.getByLabelText(/^Exposure/), { target: { value: '7' } });
    expect(last.values?.diagnostics.camera.settings).toEqual({ exposure: 7, filter: 'ND2' });
  });

  it('switching a diagnostic on shows its settings', async () => {
    const { last } = await setup();
    fireEvent.click(screen.getByLabelText(/^Spectrometer/));
    expect(last.values?.diagnostics).toEqual({ spectrometer: { active: true, settings: {} } });
    fireEvent.change(screen.getByLabelText(/^Grating/), { target: { value: '600' } });
    expect(last.values?.diagnostics.spectrometer.settings).toEqual({ grating: 600 });
  });

  it("shows the relay's errors beside the fields they name, and the rest above the form", async () => {
    await setup({
      initial: { fields: {}, diagnostics: { camera: { active: true, settings: {} } } },
      errors: [
        { field: 'fields.energy', message: 'is required' },
        { field: 'diagnostics.camera.settings.exposure', message: 'is required' },
        { field: 'fields.pressure', message: 'must be a number' },
        { field: 'preset', message: 'no preset "x" in this sheet' },
      ],
    });
    const energy = screen.getByLabelText(/^Energy on target/);
    expect(energy).toHaveAttribute('aria-invalid', 'true');
    expect(within(screen.getByTestId('field-t-field-energy')).getByText('is required')).toBeInTheDocument();
    expect(within(screen.getByTestId('field-t-diag-camera-exposure')).getByText('is required')).toBeInTheDocument();
    expect(within(screen.getByTestId('field-t-field-operator')).queryByText('is required')).not.toBeInTheDocument();
    // pressure is hidden (vacuum not set): its error is not lost
    const other = screen.getByTestId('shot-form-other-errors');
    expect(other).toHaveTextContent('Pressure (hidden) must be a number');
    expect(other).toHaveTextContent('preset no preset "x" in this sheet');
  });

  it('puts pinned fields first', async () => {
    await setup({ pinned: ['energy', 'operator'] });
    const headings = screen.getAllByRole('heading').map((h) => h.textContent);
    expect(headings[0]).toBe('Pinned');
    const inputs = Array.from(document.querySelectorAll('input, textarea')).map((e) => e.id);
    expect(inputs.slice(0, 2)).toEqual(['t-field-energy', 't-field-operator']);
  });

  it('names the first input still to fill', () => {
    expect(firstEmptyInputId(layout.sections, diagnostics, { fields: { operator: 'A' }, diagnostics: {} }, 'p')).toBe(
      'p-field-notes'
    );
    expect(
      firstEmptyInputId(layout.sections, diagnostics, { fields: { operator: 'A' }, diagnostics: {} }, 'p', ['energy'])
    ).toBe('p-field-energy');
  });

  it('disables every input when read-only', async () => {
    const { api } = fakeApi({ 'GET choices/materials': () => materialsList });
    render(
      <ShotlineApiProvider api={api}>
        <ShotForm
          layout={layout}
          diagnostics={diagnostics}
          values={{ fields: {}, diagnostics: {} }}
          onChange={() => {}}
          disabled
          idPrefix="r"
        />
      </ShotlineApiProvider>
    );
    await act(async () => {});
    for (const el of Array.from(document.querySelectorAll('input, textarea'))) {
      expect(el).toBeDisabled();
    }
  });
});
