import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import type { Campaign } from '../../api/relayTypes';
import { fakeApi } from '../../test/fakeApi';
import { CampaignEditor } from './CampaignEditor';

const run3: Campaign = { name: 'run3', startedAt: '2026-11-20T08:00:00.000Z', startedBy: 'alice', note: 'old chamber' };

function setup(campaign: Campaign | null, canEdit: boolean, routes: Parameters<typeof fakeApi>[0] = {}) {
  const fake = fakeApi(routes);
  const onChanged = jest.fn();
  render(
    <ShotlineApiProvider api={fake.api}>
      <CampaignEditor campaign={campaign} canEdit={canEdit} onChanged={onChanged} />
    </ShotlineApiProvider>
  );
  return { ...fake, onChanged };
}

describe('CampaignEditor', () => {
  it('shows the campaign in force, read-only without the right', () => {
    setup(run3, false);
    expect(screen.getByTestId('campaign-current')).toHaveTextContent(/run3.*by alice.*old chamber/);
    expect(screen.queryByRole('button', { name: 'Start a new campaign' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'End campaign' })).not.toBeInTheDocument();
  });

  it('says when there is none', () => {
    setup(null, true);
    expect(screen.getByTestId('campaign-current')).toHaveTextContent('No campaign');
    expect(screen.queryByRole('button', { name: 'End campaign' })).not.toBeInTheDocument();
  });

  it('starts one: names the field of a refusal, keeps what was typed, sends the trimmed name and note', async () => {
    let fail = true;
    const { calls, onChanged } = setup(run3, true, {
      'PUT relay/campaign': ({ body }) => {
        if (fail) {
          throw new ApiProblem(400, {
            error: 'invalid body',
            details: [{ field: 'name', message: 'must match pattern "\\S"' }],
          });
        }
        return { campaign: { ...(body as object), startedAt: '2026-12-01T10:00:00.000Z', startedBy: 'root' } };
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Start a new campaign' }));
    const form = within(screen.getByRole('form', { name: 'Start a campaign' }));
    expect(form.getByText('Starting one ends run3')).toBeInTheDocument();
    fireEvent.click(form.getByRole('button', { name: 'Start campaign' }));
    expect(await form.findByText('Campaign name is required')).toBeInTheDocument();
    fireEvent.change(form.getByLabelText(/^Campaign name/), { target: { value: 'x'.repeat(129) } });
    fireEvent.click(form.getByRole('button', { name: 'Start campaign' }));
    expect(await form.findByText('Campaign name is 129 characters; at most 128')).toBeInTheDocument();
    expect(calls).toHaveLength(0);

    fireEvent.change(form.getByLabelText(/^Campaign name/), { target: { value: ' run4 ' } });
    fireEvent.change(form.getByLabelText('Note'), { target: { value: 'new target chamber ' } });
    fireEvent.click(form.getByRole('button', { name: 'Start campaign' }));
    expect(await form.findByText('must match pattern "\\S"')).toBeInTheDocument();
    expect(form.getByLabelText(/^Campaign name/)).toHaveValue(' run4 ');

    fail = false;
    fireEvent.click(form.getByRole('button', { name: 'Start campaign' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(expect.objectContaining({ name: 'run4' })));
    expect(calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['PUT', 'relay/campaign', { name: 'run4', note: 'new target chamber' }],
      ['PUT', 'relay/campaign', { name: 'run4', note: 'new target chamber' }],
    ]);
    expect(screen.queryByRole('form', { name: 'Start a campaign' })).not.toBeInTheDocument();
  });

  it('ends one after confirmation, and says why when the relay refuses', async () => {
    let fail = true;
    const { calls, onChanged } = setup(run3, true, {
      'DELETE relay/campaign': () => {
        if (fail) {
          throw new ApiProblem(403, { error: 'needs the admin role' });
        }
        return { campaign: null };
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'End campaign' }));
    fireEvent.click(screen.getByRole('button', { name: 'End it' }));
    expect(await screen.findByText('needs the admin role')).toBeInTheDocument();
    expect(onChanged).not.toHaveBeenCalled();

    // The confirmation stays offered after a refusal: trying again is one click.
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'End it' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(null));
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(2);
  });
});
