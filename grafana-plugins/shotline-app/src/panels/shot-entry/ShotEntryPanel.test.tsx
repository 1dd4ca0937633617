import React from 'react';
import { render, screen } from '@testing-library/react';

import { grafanaClient } from '../../api/grafanaClient';
import { entryOf, fakeRelay } from '../../components/ShotEntry/fakeRelay';
import { panelProps } from '../../test/panel';
import { plugin } from './module';
import { ShotEntryPanel } from './ShotEntryPanel';
import type { ShotEntryOptions } from './types';

jest.mock('../../api/grafanaClient', () => ({ grafanaClient: jest.fn() }));

beforeEach(() => window.localStorage.clear());

describe('ShotEntryPanel', () => {
  it('shows the sheet of its (variable) option through the datasource, pinned fields first', async () => {
    const relay = fakeRelay({ entries: [entryOf(412)] });
    jest.mocked(grafanaClient).mockReturnValue(relay.api);
    render(
      <ShotEntryPanel
        {...panelProps<ShotEntryOptions>(
          { sheet: '$sheet', mode: 'compact', pinned: ['energy, $first'], datasourceUid: '' },
          [],
          { sheet: 'ions', first: 'operator' }
        )}
      />
    );
    await screen.findByRole('heading', { name: 'Shot 412' });
    expect(grafanaClient).toHaveBeenCalledWith('shotline');
    // the sheet came from the variable: no picker
    expect(screen.queryByLabelText('Sheet')).toBeNull();
    expect(relay.calls.some((c) => c.path === 'sheets/ions/layout')).toBe(true);
    const inputs = Array.from(document.querySelectorAll('input, textarea')).map((e) => e.id);
    expect(inputs.slice(0, 2)).toEqual(['shotentry-ions-field-energy', 'shotentry-ions-field-operator']);
    expect(screen.getByRole('heading', { name: 'Pinned' })).toBeInTheDocument();
  });

  it('declares its options with the defaults the provisioned dashboard relies on', () => {
    // Records what the supplier adds (the real builder needs Grafana's option editor registry).
    const defaults: Record<string, unknown> = {};
    const builder: Record<string, unknown> = {};
    for (const method of [
      'addTextInput',
      'addRadio',
      'addStringArray',
      'addBooleanSwitch',
      'addSelect',
      'addMultiSelect',
    ]) {
      builder[method] = (item: { path: string; defaultValue: unknown }) => {
        defaults[item.path] = item.defaultValue;
        return builder;
      };
    }
    plugin.getPanelOptionsSupplier()(builder as never, { data: [] });
    expect(defaults).toEqual({ sheet: '', mode: 'compact', pinned: [], datasourceUid: 'shotline' });
  });
});
