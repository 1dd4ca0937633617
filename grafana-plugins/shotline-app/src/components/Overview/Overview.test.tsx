import React from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';

import Overview from './Overview';

describe('Overview', () => {
  it('links every provisioned dashboard by its stable uid', () => {
    render(
      <MemoryRouter>
        <Overview {...({} as AppRootProps)} />
      </MemoryRouter>
    );
    for (const [title, uid] of [
      ['Shot sheet', 'shotline-shot-sheet'],
      ['Trigger monitor', 'shotline-trigger-monitor'],
      ['Shot search', 'shotline-shot-search'],
      ['Pipeline health', 'shotline-pipeline-health'],
    ]) {
      expect(screen.getByRole('link', { name: new RegExp(title) })).toHaveAttribute('href', `/d/${uid}`);
    }
  });
});
