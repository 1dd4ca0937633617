import React from 'react';
import { render, screen } from '@testing-library/react';
import { toDataFrame } from '@grafana/data';

import { panelProps } from '../../test/panel';
import { ShotEntryPanel } from './ShotEntryPanel';
import type { ShotEntryOptions } from './types';

describe('ShotEntryPanel', () => {
  it('says what it will be and reads its options (variables replaced)', () => {
    const shots = toDataFrame({ fields: [{ name: 'shotNumber', values: [411, 412] }] });
    render(
      <ShotEntryPanel
        {...panelProps<ShotEntryOptions>(
          { sheet: '$sheet', followLatestShot: true, confirmBeforeSave: false },
          [shots],
          { sheet: 'ions' }
        )}
      />
    );
    expect(screen.getByText('Shot entry form: not built yet')).toBeInTheDocument();
    expect(screen.getByTestId('shot-entry-sheet')).toHaveTextContent('Sheet: ions');
    expect(screen.getByTestId('shot-entry-options')).toHaveTextContent('Follows the newest shot; saves without asking');
    expect(screen.getByText('2 shot rows in the panel data')).toBeInTheDocument();
  });
});
