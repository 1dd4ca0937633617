import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import type { ChannelSettings } from '../../api/relayTypes';
import { fakeApi } from '../../test/fakeApi';
import { settingsDoc } from '../shared/relayFixtures';
import { ChannelEditor } from './ChannelEditor';

const energy: ChannelSettings = { nickname: 'E', unit: 'J', enabled: true, rule: { kind: 'above', above: 2 } };
const pressure: ChannelSettings = { enabled: true, rule: { kind: 'outside', low: 1, high: 5 } };

function setup(name: string, settings: ChannelSettings | undefined, routes: Parameters<typeof fakeApi>[0] = {}) {
  const fake = fakeApi({ 'PATCH relay/channels/*': () => settingsDoc({ version: 4 }), ...routes });
  const onSaved = jest.fn();
  const onCancel = jest.fn();
  render(
    <ShotlineApiProvider api={fake.api}>
      <ChannelEditor name={name} settings={settings} onSaved={onSaved} onCancel={onCancel} />
    </ShotlineApiProvider>
  );
  const form = within(screen.getByRole('form', { name: `Edit channel ${name}` }));
  const save = () => fireEvent.click(form.getByRole('button', { name: `Save ${name}` }));
  const patches = () => fake.calls.filter((c) => c.method === 'PATCH');
  return { ...fake, form, save, patches, onSaved, onCancel };
}

describe('ChannelEditor', () => {
  it("starts from the channel's settings, with stable ids by channel name", () => {
    const { form } = setup('energy_J', energy);
    expect(form.getByLabelText(/^Nickname/)).toHaveValue('E');
    expect(form.getByLabelText(/^Unit/)).toHaveValue('J');
    expect(form.getByLabelText(/^Threshold( \*)?$/)).toHaveValue('2');
    expect(document.getElementById('channel-energy_J-nickname')).toBe(form.getByLabelText(/^Nickname/));
    expect(document.getElementById('channel-energy_J-above')).toBe(form.getByLabelText(/^Threshold( \*)?$/));
  });

  it('sends only the changed fields, and hands on the settings the relay answers', async () => {
    const { form, save, patches, onSaved } = setup('energy_J', energy);
    fireEvent.change(form.getByLabelText(/^Nickname/), { target: { value: 'Energy' } });
    fireEvent.click(form.getByLabelText('Outside'));
    fireEvent.change(form.getByLabelText(/^Band low/), { target: { value: '0.5' } });
    fireEvent.change(form.getByLabelText(/^Band high/), { target: { value: '2' } });
    save();
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ version: 4 })));
    expect(patches()).toHaveLength(1);
    expect(patches()[0]).toMatchObject({
      path: 'relay/channels/energy_J',
      body: { nickname: 'Energy', rule: { kind: 'outside', low: 0.5, high: 2 } },
    });
  });

  it('reads a band typed in exponent form', async () => {
    const first = setup('energy_J', energy);
    fireEvent.click(first.form.getByLabelText('Outside'));
    fireEvent.change(first.form.getByLabelText(/^Band low/), { target: { value: '1e-3' } });
    fireEvent.change(first.form.getByLabelText(/^Band high/), { target: { value: '4' } });
    first.save();
    await waitFor(() => expect(first.patches()).toHaveLength(1));
    expect(first.patches()[0].body).toEqual({ rule: { kind: 'outside', low: 0.001, high: 4 } });
  });

  it('removes a rule with null', async () => {
    const { form, save, patches } = setup('pressure', pressure);
    fireEvent.click(form.getByLabelText('None'));
    save();
    await waitFor(() => expect(patches()).toHaveLength(1));
    expect(patches()[0]).toMatchObject({ path: 'relay/channels/pressure', body: { rule: null } });
  });

  it('configures a channel the relay has only seen', async () => {
    const { form, save, patches } = setup('new_ch', undefined);
    expect(form.getByRole('radio', { name: 'None' })).toBeChecked();
    fireEvent.click(form.getByLabelText('Below'));
    fireEvent.change(form.getByLabelText(/^Threshold( \*)?$/), { target: { value: '-3' } });
    save();
    await waitFor(() => expect(patches()).toHaveLength(1));
    expect(patches()[0].body).toEqual({ rule: { kind: 'below', below: -3 } });
  });

  it('closes without asking the relay when nothing changed', () => {
    const { save, patches, onCancel } = setup('energy_J', energy);
    save();
    expect(onCancel).toHaveBeenCalled();
    expect(patches()).toHaveLength(0);
  });

  it('refuses bad numbers before sending, naming the field', async () => {
    const { form, save, patches } = setup('pressure', pressure);
    fireEvent.change(form.getByLabelText(/^Band low/), { target: { value: 'abc' } });
    fireEvent.change(form.getByLabelText(/^Band high/), { target: { value: '' } });
    save();
    expect(await form.findByText('Band low must be a number (e.g. 2.5 or 1e-4), not "abc"')).toBeInTheDocument();
    expect(form.getByText('Band high is required')).toBeInTheDocument();
    fireEvent.change(form.getByLabelText(/^Band low/), { target: { value: '6' } });
    fireEvent.change(form.getByLabelText(/^Band high/), { target: { value: '5' } });
    save();
    expect(await form.findByText('Band high (5) must be above band low (6)')).toBeInTheDocument();

    fireEvent.click(form.getByLabelText('Above'));
    fireEvent.change(form.getByLabelText(/^Threshold( \*)?$/), { target: { value: '2,5' } });
    save();
    expect(await form.findByText('Threshold must be a number (e.g. 2.5 or 1e-4), not "2,5"')).toBeInTheDocument();
    expect(patches()).toHaveLength(0);
  });

  it("shows the relay's 400 next to the field and keeps what was typed", async () => {
    let refuse: 'details' | 'message' = 'details';
    const { form, save, patches, onSaved } = setup('energy_J', energy, {
      'PATCH relay/channels/energy_J': () => {
        if (refuse === 'details') {
          throw new ApiProblem(400, {
            error: 'invalid body: rule.above must be <= 1e6',
            details: [{ field: 'rule.above', message: 'must be <= 1e6' }],
          });
        }
        // The settings service names the field only in its message.
        throw new ApiProblem(400, { error: 'nickname: "P" is already used by channel pressure' });
      },
    });
    fireEvent.change(form.getByLabelText(/^Threshold( \*)?$/), { target: { value: '9e9' } });
    save();
    expect(await form.findByText('must be <= 1e6')).toBeInTheDocument();
    expect(form.getByLabelText(/^Threshold( \*)?$/)).toHaveValue('9e9');

    refuse = 'message';
    fireEvent.change(form.getByLabelText(/^Nickname/), { target: { value: 'P' } });
    save();
    expect(await form.findByText('"P" is already used by channel pressure')).toBeInTheDocument();
    expect(form.getByLabelText(/^Nickname/)).toHaveValue('P');
    expect(form.getByLabelText(/^Threshold( \*)?$/)).toHaveValue('9e9');
    expect(patches().map((p) => p.body)).toEqual([
      { rule: { kind: 'above', above: 9e9 } },
      { nickname: 'P', rule: { kind: 'above', above: 9e9 } },
    ]);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('says why when the relay cannot be reached, keeping the form open', async () => {
    const { form, save, onSaved } = setup('energy_J', energy, {
      'PATCH relay/channels/energy_J': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    fireEvent.change(form.getByLabelText(/^Unit/), { target: { value: 'mJ' } });
    save();
    expect(await form.findByText('Failed to fetch')).toBeInTheDocument();
    expect(form.getByText('Not saved')).toBeInTheDocument();
    expect(form.getByLabelText(/^Unit/)).toHaveValue('mJ');
    expect(onSaved).not.toHaveBeenCalled();
  });
});
