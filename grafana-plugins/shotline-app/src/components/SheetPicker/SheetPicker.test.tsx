import React, { useState } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import type { Sheet } from '../../api/sheetTypes';
import { optionsOf, pick } from '../../test/combobox';
import { fakeApi } from '../../test/fakeApi';
import { stamp } from '../ShotForm/fixtures';
import { SheetPicker, type SheetPickerProps } from './SheetPicker';

const sheet = (name: string, title: string, more: Partial<Sheet> = {}): Sheet => ({
  ...stamp,
  name,
  title,
  archived: false,
  default: false,
  campaigns: [],
  layoutVersion: 1,
  ...more,
});

const laser = sheet('laser', 'Laser hall');
const ions = sheet('ions', 'Ion line', { default: true });
const old = sheet('old', 'Old line', { archived: true });

function setup(props: Partial<SheetPickerProps> = {}, list: () => unknown = () => ({ items: [laser, ions] })) {
  const fake = fakeApi({ 'GET sheets': (o) => (o.query?.archived ? { items: [laser, ions, old] } : list()) });
  const picks: Array<string | undefined> = [];
  function Host() {
    const [value, setValue] = useState<string | undefined>(props.value);
    return (
      <SheetPicker
        id="picker"
        {...props}
        value={value}
        onChange={(s) => {
          picks.push(s);
          setValue(s);
        }}
      />
    );
  }
  render(
    <ShotlineApiProvider api={fake.api}>
      <Host />
    </ShotlineApiProvider>
  );
  return { fake, picks };
}

beforeEach(() => window.localStorage.clear());

describe('SheetPicker', () => {
  it('is labelled, offers the default sheet first and picks it, and remembers nothing', async () => {
    const { fake, picks } = setup();
    await waitFor(() => expect(screen.getByLabelText('Sheet')).toHaveValue('Ion line'));
    expect(screen.getByLabelText('Sheet')).toHaveAttribute('id', 'picker');
    expect(picks).toEqual(['ions']);
    expect(fake.calls).toEqual([{ method: 'GET', path: 'sheets' }]);
    expect(await optionsOf('picker')).toEqual([
      expect.stringMatching(/^Ion line.*default sheet/),
      expect.stringMatching(/^Laser hall/),
    ]);
    await pick('picker', /^Laser hall/);
    expect(picks).toEqual(['ions', 'laser']);
    expect(window.localStorage.length).toBe(0);
  });

  it('shows archived sheets, marked, only when asked', async () => {
    setup({ includeArchived: true });
    await waitFor(() => expect(screen.getByLabelText('Sheet')).toHaveValue('Ion line'));
    expect(await optionsOf('picker')).toEqual([
      expect.stringMatching(/^Ion line/),
      expect.stringMatching(/^Laser hall/),
      expect.stringMatching(/^Old line.*archived/),
    ]);
  });

  it('remembers a pick under the key it is given, and starts from it next time', async () => {
    const first = setup({ rememberAs: 'test.sheet' });
    await waitFor(() => expect(first.picks).toEqual(['ions']));
    await pick('picker', /^Laser hall/);
    expect(window.localStorage.getItem('test.sheet')).toBe('laser');
    cleanup();
    const second = setup({ rememberAs: 'test.sheet' });
    await waitFor(() => expect(second.picks).toEqual(['laser']));
  });

  it('picks nothing by itself when it offers "all sheets"', async () => {
    const { fake, picks } = setup({ allLabel: 'All sheets' });
    await waitFor(() => expect(fake.calls).toHaveLength(1));
    await act(async () => {});
    expect(await optionsOf('picker')).toEqual([
      'All sheets',
      expect.stringMatching(/^Ion line/),
      expect.stringMatching(/^Laser hall/),
    ]);
    expect(screen.getByLabelText('Sheet')).toHaveValue('All sheets');
    await pick('picker', /^Laser hall/);
    await pick('picker', 'All sheets');
    expect(picks).toEqual(['laser', undefined]);
  });

  it('says when the sheets cannot be listed', async () => {
    setup({}, () => {
      throw new ApiProblem(403, { error: 'no role' });
    });
    expect(await screen.findByText('Cannot list the sheets: no role')).toBeInTheDocument();
  });
});
