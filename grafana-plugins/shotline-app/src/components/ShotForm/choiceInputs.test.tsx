import React, { useState } from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { ShotlineApiProvider } from '../../api/context';
import type { FieldDef, Layout } from '../../api/sheetTypes';
import { ApiProblem } from '../../api/client';
import { fakeApi } from '../../test/fakeApi';
import { FieldInput } from './inputs';
import { ShotForm, reactKeys } from './ShotForm';
import { materialsList } from './fixtures';

const target: FieldDef = { key: 'target', label: 'Target', type: 'select', options: ['foil', 'gas'] };
const material: FieldDef = { key: 'material', label: 'Material', type: 'select', choices: 'materials' };
const tags: FieldDef = { key: 'tags', label: 'Tags', type: 'multiselect', options: ['calibration', 'test', 'physics'] };

function Harness({ def, initial, onValue }: { def: FieldDef; initial?: unknown; onValue: (v: unknown) => void }) {
  const [value, setValue] = useState<unknown>(initial);
  return (
    <>
      <FieldInput
        def={def}
        id="f"
        value={value}
        onChange={(v) => {
          onValue(v);
          setValue(v);
        }}
      />
      <button type="button">next</button>
    </>
  );
}

async function setup(def: FieldDef, initial?: unknown, listFails = false) {
  const { api } = fakeApi({
    'GET choices/materials': () => {
      if (listFails) {
        throw new ApiProblem(503, { error: 'store down' });
      }
      return materialsList;
    },
  });
  const seen: { value?: unknown } = { value: initial };
  render(
    <ShotlineApiProvider api={api}>
      <Harness def={def} initial={initial} onValue={(v) => (seen.value = v)} />
    </ShotlineApiProvider>
  );
  await act(async () => {});
  return seen;
}

const input = () => document.getElementById('f') as HTMLInputElement;

/** Focus the field, open it and type `text` (replacing what it shows). */
async function type(text: string) {
  await act(async () => {
    input().focus();
    fireEvent.click(input());
  });
  await act(async () => {
    fireEvent.change(input(), { target: { value: text } });
  });
}

/** Leave the field the way Tab does: focus moves to the next control. */
async function tabTo(next: HTMLElement = screen.getByRole('button', { name: 'next' })) {
  await act(async () => {
    next.focus();
  });
}

describe('select: leaving with typed text', () => {
  it('takes the option typed exactly (any case) although another one was chosen', async () => {
    const seen = await setup(target, 'gas');
    await type('foil');
    await tabTo();
    expect(seen.value).toBe('foil');
    expect(input()).toHaveValue('foil');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await type('GAS');
    await tabTo();
    expect(seen.value).toBe('gas');
  });

  it('takes the option typed from empty even when left at once', async () => {
    const seen = await setup(target);
    await type('gas');
    await tabTo();
    expect(seen.value).toBe('gas');
    expect(input()).toHaveValue('gas');
  });

  it('keeps the old value and names the field when the text is no option', async () => {
    const seen = await setup(target, 'gas');
    await type('xyz');
    await tabTo();
    expect(seen.value).toBe('gas');
    expect(input()).toHaveValue('gas');
    expect(screen.getByRole('alert')).toHaveTextContent("Target: 'xyz' is not one of foil, gas; kept 'gas'");
    expect(input()).toHaveAttribute('aria-invalid', 'true');

    // a part of an option is not that option either
    await type('fo');
    await tabTo();
    expect(seen.value).toBe('gas');
    expect(screen.getByRole('alert')).toHaveTextContent("'fo' is not one of foil, gas");

    // choosing a value afterwards clears the message
    await type('foil');
    await tabTo();
    expect(seen.value).toBe('foil');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says the field stays empty when it was empty', async () => {
    const seen = await setup(target);
    await type('plasma');
    await tabTo();
    expect(seen.value).toBeUndefined();
    expect(screen.getByRole('alert')).toHaveTextContent("Target: 'plasma' is not one of foil, gas; left empty");
  });

  it('clears the value when the text was emptied', async () => {
    const seen = await setup(target, 'gas');
    await type('x');
    await type('');
    await tabTo();
    expect(seen.value).toBeUndefined();
    expect(input()).toHaveValue('');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the value when the field is only opened and left', async () => {
    const seen = await setup(target, 'gas');
    await act(async () => {
      input().focus();
      fireEvent.click(input());
    });
    await tabTo();
    expect(seen.value).toBe('gas');
  });

  it('Tab onto its own clear button takes the typed option and keeps focus in the field', async () => {
    const seen = await setup(target, 'gas');
    await type('foil');
    const clear = input().parentElement!.querySelector<HTMLElement>('[data-testid="times"]')!;
    // jest's react-inlinesvg mock drops the Icon's role and tabIndex; a browser has them
    clear.setAttribute('tabindex', '0');
    await tabTo(clear);
    expect(seen.value).toBe('foil');
    expect(input()).toHaveValue('foil');
    // the button was replaced: focus goes back into the field (onto the new button in a browser), not lost
    expect(document.activeElement).not.toBe(document.body);
    expect(document.activeElement?.isConnected).toBe(true);
  });

  it('matches the labels and values of a choice list', async () => {
    const seen = await setup(material);
    await type('aluminium');
    await tabTo();
    expect(seen.value).toBe('Al');
    await type('cu');
    await tabTo();
    expect(seen.value).toBe('Cu');
    expect(input()).toHaveValue('Cu');
  });

  it('takes the typed text as the value when the choice list cannot be read', async () => {
    const seen = await setup(material, undefined, true);
    expect(screen.getByText(/choice list "materials" could not be read/)).toBeInTheDocument();
    await type(' Nb ');
    await tabTo();
    expect(seen.value).toBe('Nb');
  });
});

describe('multiselect: leaving with typed text', () => {
  it('adds the option typed exactly', async () => {
    const seen = await setup(tags, ['physics']);
    await type('Test');
    await tabTo();
    expect(seen.value).toEqual(['physics', 'test']);
  });

  it('adds nothing and says so when the text is no option', async () => {
    const seen = await setup(tags, ['physics']);
    await type('tset');
    await tabTo();
    expect(seen.value).toEqual(['physics']);
    expect(screen.getByRole('alert')).toHaveTextContent(
      "Tags: 'tset' is not one of calibration, test, physics; not added"
    );
  });
});

describe('layouts that repeat a key', () => {
  it('gives repeated keys distinct React keys and keeps unique ones as they are', () => {
    expect(reactKeys(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a#1', 'a#2']);
  });

  it('renders a layout with a repeated field key without a duplicate-key warning', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    const layout: Layout = {
      sheet: 's',
      version: 1,
      createdAt: '2026-11-20T08:00:00.000Z',
      createdBy: 'alice',
      sections: [
        {
          key: 'main',
          title: 'Main',
          fields: [
            { key: 'energy', label: 'Energy', type: 'number' },
            { key: 'energy', label: 'Energy again', type: 'number' },
          ],
        },
        { key: 'main', title: 'Main again', fields: [{ key: 'notes', label: 'Notes', type: 'text' }] },
      ],
    };
    const { api } = fakeApi({});
    render(
      <ShotlineApiProvider api={api}>
        <ShotForm layout={layout} diagnostics={[]} values={{ fields: {}, diagnostics: {} }} onChange={() => {}} />
      </ShotlineApiProvider>
    );
    await act(async () => {});
    expect(screen.getByText('Main again')).toBeInTheDocument();
    const keyWarnings = errors.mock.calls.filter((args) => String(args[0]).includes('same key'));
    errors.mockRestore();
    expect(keyWarnings).toEqual([]);
  });
});
