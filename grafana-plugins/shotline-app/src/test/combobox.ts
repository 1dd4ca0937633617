import { act, fireEvent, screen, waitFor } from '@testing-library/react';

/** Opens a Combobox (by its input id) and picks the option whose text (label and description) matches. */
export async function pick(inputId: string, option: RegExp | string) {
  const input = document.getElementById(inputId);
  if (!input) {
    throw new Error(`no input #${inputId}`);
  }
  await act(async () => {
    fireEvent.click(input);
  });
  const matches = (text: string) => (typeof option === 'string' ? text === option : option.test(text));
  let item: HTMLElement | undefined;
  await waitFor(() => {
    item = screen.getAllByRole('option').find((o) => matches(o.textContent ?? ''));
    expect(item).toBeDefined();
  });
  await act(async () => {
    fireEvent.click(item!);
  });
}

/**
 * The option names a Combobox (by its input id) offers when opened, after
 * typing `filter` (the menu is virtualised: only the first rows render).
 */
export async function optionsOf(inputId: string, filter?: string): Promise<string[]> {
  const input = document.getElementById(inputId)!;
  await act(async () => {
    fireEvent.click(input);
  });
  if (filter) {
    await act(async () => {
      fireEvent.change(input, { target: { value: filter } });
    });
  }
  await screen.findAllByRole('option');
  if (filter) {
    // The menu shows the previous list until the debounced search answers, and offers only
    // "Use custom value" (which echoes the filter) until options loaded elsewhere arrive.
    await waitFor(() => {
      const offered = screen
        .getAllByRole('option')
        .map((o) => o.textContent ?? '')
        .filter((text) => !text.includes('Use custom value'));
      expect(offered.length).toBeGreaterThan(0);
      expect(offered.every((text) => text.includes(filter))).toBe(true);
    });
  }
  const names = screen.getAllByRole('option').map((o) => o.textContent ?? '');
  await act(async () => {
    fireEvent.keyDown(input, { key: 'Escape' });
  });
  return names;
}
