import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import { fakeApi } from '../../test/fakeApi';
import type { DebugEntry } from '../../api/relayTypes';
import { RawMessages } from './RawMessages';

const ok: DebugEntry = {
  receivedAt: '2026-12-01T10:00:02.000123Z',
  endpoint: 'tcp://127.0.0.1:5556',
  topic: 'laser',
  frames: 2,
  size: 40,
  status: 'ok',
  preview: '{"shot_id":7,"energy_J":2.5}',
  previewEncoding: 'text',
  truncated: false,
};
const bad: DebugEntry = {
  receivedAt: '2026-12-01T10:00:01.000000Z',
  endpoint: 'tcp://127.0.0.1:5556',
  topic: '',
  frames: 1,
  size: 9,
  status: 'not-json',
  detail: 'Unexpected token < in JSON at position 0',
  preview: '<img src=x onerror=alert(1)>\\n',
  previewEncoding: 'text',
  truncated: true,
};
const binary: DebugEntry = {
  ...bad,
  status: 'invalid-utf8',
  detail: 'not UTF-8',
  preview: 'fffe00',
  previewEncoding: 'hex',
  truncated: false,
};

function setup(handler?: (query: Record<string, unknown>) => unknown) {
  const fake = fakeApi({
    'GET relay/debug/messages': ({ query }) =>
      handler ? handler(query ?? {}) : { items: query?.rejectedOnly ? [bad, binary] : [ok, bad, binary] },
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <RawMessages />
    </ShotlineApiProvider>
  );
  return fake;
}

describe('RawMessages', () => {
  it('lists the messages newest first, rejected ones marked with their reason, bytes shown as text', async () => {
    const { calls } = setup();
    const rows = await screen.findAllByTestId('raw-message');
    expect(calls[0]).toMatchObject({ path: 'relay/debug/messages', query: { limit: 50, rejectedOnly: false } });
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(['ok', 'not-json', 'invalid-utf8']);
    expect(within(rows[0]).getByText('{"shot_id":7,"energy_J":2.5}')).toBeInTheDocument();
    expect(within(rows[0]).getByText('topic laser')).toBeInTheDocument();
    expect(within(rows[1]).getByText('not-json')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Unexpected token < in JSON at position 0')).toBeInTheDocument();
    // What the laser sent stays text: no element is made of it.
    expect(within(rows[1]).getByText('<img src=x onerror=alert(1)>\\n…')).toBeInTheDocument();
    expect(document.querySelector('img')).toBeNull();
    expect(within(rows[1]).getByText('truncated')).toBeInTheDocument();
    expect(within(rows[2]).getByText('hex')).toBeInTheDocument();
    expect(within(rows[2]).getByText('fffe00')).toBeInTheDocument();
    expect(rows[1].className).not.toBe(rows[0].className);
    expect(screen.getByTestId('raw-summary')).toHaveTextContent('3 messages, 2 rejected');
  });

  it('filters to rejected messages and changes how many to show', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('raw-message');
    fireEvent.click(screen.getByLabelText('Rejected only'));
    await waitFor(() => expect(screen.getAllByTestId('raw-message')).toHaveLength(2));
    expect(calls[calls.length - 1].query).toEqual({ limit: 50, rejectedOnly: true });
    expect(screen.queryByText('{"shot_id":7,"energy_J":2.5}')).not.toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('200'));
    await waitFor(() => expect(calls[calls.length - 1].query).toEqual({ limit: 200, rejectedOnly: true }));
  });

  it('refreshes by hand and on its own while auto-refresh is on', async () => {
    jest.useFakeTimers();
    try {
      let n = 0;
      const { calls } = setup(() => ({ items: [{ ...ok, preview: `message ${++n}` }] }));
      expect(await screen.findByText('message 1')).toBeInTheDocument();
      fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
      expect(await screen.findByText('message 2')).toBeInTheDocument();
      fireEvent.click(screen.getByLabelText('Auto-refresh'));
      await act(async () => {
        jest.advanceTimersByTime(2000);
      });
      expect(await screen.findByText('message 3')).toBeInTheDocument();
      fireEvent.click(screen.getByLabelText('Auto-refresh'));
      await act(async () => {
        jest.advanceTimersByTime(10000);
      });
      expect(calls).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it("says when there is nothing, and shows the relay's refusal", async () => {
    let answer: 'empty' | 'elsewhere' | 'down' = 'empty';
    setup(() => {
      if (answer === 'elsewhere') {
        throw new ApiProblem(404, {
          error: 'the relay does not run in this process; ask the relay role for its debug buffer',
        });
      }
      if (answer === 'down') {
        throw new TypeError('Failed to fetch');
      }
      return { items: [] };
    });
    expect(await screen.findByText('No messages yet')).toBeInTheDocument();
    answer = 'elsewhere';
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('The relay did not give its raw messages')).toBeInTheDocument();
    expect(screen.getByText(/the relay does not run in this process/)).toBeInTheDocument();
    answer = 'down';
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('The relay cannot be reached')).toBeInTheDocument();
  });
});
