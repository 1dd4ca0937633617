import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ShotlineApiProvider } from '../../api/context';
import { ShotEntry } from './ShotEntry';
import { entryOf, fakeRelay } from './fakeRelay';

type Relay = ReturnType<typeof fakeRelay>;

function mount(relay: Relay, props: React.ComponentProps<typeof ShotEntry> = { sheet: 'ions' }) {
  return render(
    <ShotlineApiProvider api={relay.api}>
      <ShotEntry {...props} />
    </ShotlineApiProvider>
  );
}

const operator = () => screen.getByLabelText(/^Operator/);
const energy = () => screen.getByLabelText(/^Energy on target/);
const patches = (relay: Relay) => relay.calls.filter((c) => c.method === 'PATCH');

beforeEach(() => window.localStorage.clear());

describe('ShotEntry', () => {
  it('opens the newest draft prefilled, focused on the first empty field; Ctrl+Enter saves with If-Match, then the next draft opens', async () => {
    const relay = fakeRelay({
      entries: [entryOf(411), entryOf(412, { fields: { operator: 'Ada' } }), entryOf(410, { status: 'complete' })],
    });
    mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    expect(operator()).toHaveValue('Ada');
    // Operator is filled: the cursor waits in the next empty field.
    await waitFor(() => expect(document.activeElement?.id).toBe('shotentry-ions-field-notes'));
    expect(screen.getByRole('navigation', { name: /waiting/ })).toHaveTextContent('#412#411');

    fireEvent.change(energy(), { target: { value: '42' } });
    await act(async () => {
      fireEvent.keyDown(energy(), { key: 'Enter', ctrlKey: true });
    });
    const [patch] = patches(relay);
    expect(patch.path).toBe('sheets/ions/entries/0190-412');
    expect(patch.ifMatch).toBe('"1"');
    expect(patch.body).toEqual({ status: 'complete', fields: { energy: 42 } });

    await screen.findByRole('heading', { name: 'Shot 411' });
    expect(screen.getByText(/Saved shot 412 as complete \(revision 2\)/)).toBeInTheDocument();
    expect(energy()).toHaveValue('');
  });

  it("shows a 400's details beside the fields they name and keeps everything typed", async () => {
    const relay = fakeRelay({
      entries: [entryOf(412)],
      validate: (e) =>
        e.status === 'complete' && e.fields.energy === undefined
          ? [{ field: 'fields.energy', message: 'is required' }]
          : [],
    });
    mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    fireEvent.change(operator(), { target: { value: 'Grace' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });
    const field = screen.getByTestId('field-shotentry-ions-field-energy');
    expect(within(field).getByText('is required')).toBeInTheDocument();
    expect(energy()).toHaveAttribute('aria-invalid', 'true');
    expect(within(screen.getByTestId('field-shotentry-ions-field-operator')).queryByText('is required')).toBeNull();
    expect(operator()).toHaveValue('Grace');
    await waitFor(() => expect(document.activeElement).toBe(energy()));

    // Fixing it clears the mark; saving goes through on the same revision.
    fireEvent.change(energy(), { target: { value: '3.5' } });
    expect(within(field).queryByText('is required')).toBeNull();
    await act(async () => {
      fireEvent.keyDown(energy(), { key: 'Enter', ctrlKey: true });
    });
    expect(patches(relay).at(-1)).toMatchObject({
      ifMatch: '"1"',
      body: { status: 'complete', fields: { operator: 'Grace', energy: 3.5 } },
    });
    expect(relay.entries.get('0190-412')?.status).toBe('complete');
  });

  it('on a conflict shows both versions field by field and saves the picks on the new revision', async () => {
    const relay = fakeRelay({ entries: [entryOf(412, { fields: { operator: 'Ada', notes: 'ok' } })] });
    mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    fireEvent.change(operator(), { target: { value: 'Grace' } });
    fireEvent.change(energy(), { target: { value: '10' } });
    // Bob saves meanwhile: another operator, other notes.
    relay.changeBehind('0190-412', { fields: { operator: 'Bob', notes: 'cracked target' } });
    await act(async () => {
      fireEvent.keyDown(operator(), { key: 'Enter', ctrlKey: true });
    });
    const merge = await screen.findByTestId('shot-entry-merge');
    const operatorRow = within(merge).getByTestId('merge-row-fields.operator');
    expect(operatorRow).toHaveTextContent('Grace');
    expect(operatorRow).toHaveTextContent('Bob');
    expect(within(merge).getByTestId('merge-row-fields.notes')).toHaveTextContent('cracked target');
    expect(within(merge).getByTestId('merge-row-fields.energy')).toHaveTextContent('10');
    // Keep Bob's operator; my energy and Bob's notes are the defaults.
    fireEvent.click(within(operatorRow).getByLabelText('Keep theirs for Operator'));
    await act(async () => {
      fireEvent.click(within(merge).getByRole('button', { name: 'Save merged' }));
    });
    const last = patches(relay).at(-1)!;
    expect(last.ifMatch).toBe('"2"');
    expect(last.body).toEqual({ status: 'complete', fields: { energy: 10 } });
    expect(relay.entries.get('0190-412')?.fields).toEqual({ operator: 'Bob', notes: 'cracked target', energy: 10 });
  });

  it('keeps unsaved changes in the browser and restores them after a remount, until discarded', async () => {
    const relay = fakeRelay({ entries: [entryOf(412)] });
    const first = mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    fireEvent.change(operator(), { target: { value: 'Grace' } });
    first.unmount();

    mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    expect(operator()).toHaveValue('Grace');
    const notice = screen.getByTestId('shot-entry-restored');
    expect(notice).toHaveTextContent('Unsaved changes restored');
    fireEvent.click(within(notice).getByRole('button', { name: /Discard/ }));
    expect(operator()).toHaveValue('');
    expect(window.localStorage.length).toBe(0);
  });

  it('modifies an earlier shot by its number and shows the revision diff old → new', async () => {
    const relay = fakeRelay({
      entries: [entryOf(300, { status: 'complete', revision: 2, fields: { operator: 'Ada', energy: 5 } })],
    });
    mount(relay);
    await screen.findByText(/No shot waiting/);
    fireEvent.click(screen.getByRole('tab', { name: 'Earlier shot' }));
    fireEvent.change(screen.getByLabelText('Shot number'), { target: { value: '300' } });
    await act(async () => {
      fireEvent.submit(screen.getByLabelText('Shot number').closest('form')!);
    });
    await screen.findByRole('heading', { name: 'Shot 300' });
    expect(energy()).toHaveValue('5');
    fireEvent.change(energy(), { target: { value: '6' } });
    await act(async () => {
      fireEvent.keyDown(energy(), { key: 'Enter', ctrlKey: true });
    });
    expect(patches(relay).at(-1)).toMatchObject({
      ifMatch: '"2"',
      body: { status: 'complete', fields: { energy: 6 } },
    });
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    const row = await screen.findByTestId('revision-3-fields.energy');
    expect(row).toHaveTextContent('Energy on target');
    expect(row).toHaveTextContent('5 → 6');
    expect(screen.getByTestId('shot-entry-history')).toHaveTextContent('Revision 3: changed by ada');
  });

  it('offers to make the entry of a shot that has none (POST)', async () => {
    const relay = fakeRelay();
    mount(relay);
    fireEvent.click(await screen.findByRole('tab', { name: 'Earlier shot' }));
    fireEvent.change(screen.getByLabelText('Shot number'), { target: { value: '77' } });
    await act(async () => {
      fireEvent.submit(screen.getByLabelText('Shot number').closest('form')!);
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Make its entry' }));
    await waitFor(() => expect(document.activeElement).toBe(operator()));
    fireEvent.change(operator(), { target: { value: 'Ada' } });
    await act(async () => {
      fireEvent.keyDown(operator(), { key: 'Enter', ctrlKey: true });
    });
    const post = relay.calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ shotNumber: 77, status: 'complete', fields: { operator: 'Ada' }, diagnostics: {} });
    expect(await screen.findByText(/Saved shot 77 as complete/)).toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    const relay = fakeRelay({ role: 'viewer', entries: [entryOf(412, { fields: { operator: 'Ada' } })] });
    mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    expect(screen.getByText('Read-only')).toBeInTheDocument();
    expect(operator()).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    fireEvent.keyDown(operator(), { key: 'Enter', ctrlKey: true });
    expect(patches(relay)).toHaveLength(0);
  });

  it('is read-only, and says so, when the role cannot be read', async () => {
    const relay = fakeRelay({ meError: 'the relay is restarting', entries: [entryOf(412)] });
    mount(relay);
    await screen.findByRole('heading', { name: 'Shot 412' });
    expect(screen.getByText('Could not tell your role: the sheet is read-only')).toBeInTheDocument();
    expect(screen.getByText('the relay is restarting')).toBeInTheDocument();
    expect(operator()).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });

  it('a new shot (live) brings its draft: an untouched form follows it', async () => {
    const relay = fakeRelay({ entries: [entryOf(412)] });
    mount(relay, { mode: 'compact' });
    // no sheet given: a picker, with the default sheet picked
    await screen.findByRole('heading', { name: 'Shot 412' });
    expect(screen.getByLabelText('Sheet')).toHaveAttribute('id', 'shot-entry-sheet');
    expect(screen.getByLabelText('Sheet')).toHaveValue('Ion line');
    relay.entries.set('0190-413', entryOf(413));
    act(() => relay.emit({ type: 'shot', shot: { shotNumber: 413 } }));
    await screen.findByRole('heading', { name: 'Shot 413' });
    expect(screen.getByRole('navigation', { name: /waiting/ })).toHaveTextContent('#413#412');
  });
});
