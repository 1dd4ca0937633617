import React, { useRef } from 'react';
import type { ComboboxOption } from '@grafana/ui';

const LISTED = 8;

const optionText = (o: ComboboxOption<string>) => o.label ?? o.value;

/** The option a typed text names: its label first, then its value, ignoring case and outer spaces. */
export function matchOption(options: Array<ComboboxOption<string>>, text: string): ComboboxOption<string> | undefined {
  const wanted = text.trim().toLowerCase();
  if (wanted === '') {
    return undefined;
  }
  return (
    options.find((o) => (o.label ?? '').toLowerCase() === wanted) ??
    options.find((o) => o.value.toLowerCase() === wanted)
  );
}

/** The choices for a message: the first few, then how many more. */
export function listChoices(options: Array<ComboboxOption<string>>): string {
  const names = options.slice(0, LISTED).map(optionText);
  const more = options.length - names.length;
  return more > 0 ? `${names.join(', ')} … (${more} more)` : names.join(', ');
}

/** Why typed text that names no option was not taken (the caller says what happened to the value). */
export function notAChoice(label: string, text: string, options: Array<ComboboxOption<string>>, loading: boolean) {
  if (loading) {
    return `${label}: the choices are still loading, so '${text.trim()}' could not be checked`;
  }
  if (options.length === 0) {
    return `${label}: '${text.trim()}' is not a choice (the list is empty)`;
  }
  return `${label}: '${text.trim()}' is not one of ${listChoices(options)}`;
}

export interface LeaveInfo {
  /** the input's text when the user left it */
  text: string;
  /** focus went to another control of the same field (its clear button) */
  withinField: boolean;
}

/**
 * Notices when the user leaves a combobox with text they typed, so the field
 * can decide what that text means. Grafana's Combobox decides by the
 * highlighted row (which can point past the filtered list and clear the
 * value) and MultiCombobox drops the text; neither is told what was typed.
 * Spread `handlers` on an element around the combobox: React's focus, change
 * and mouse events bubble to it, from the menu's portal too.
 */
export function useLeaveWithText(onLeave: (info: LeaveInfo) => void) {
  const wrapper = useRef<HTMLDivElement>(null);
  const typed = useRef(false);
  const pointerDown = useRef(false);
  const handlers = {
    ref: wrapper,
    onFocus: (e: React.FocusEvent) => {
      if (e.target instanceof HTMLInputElement) {
        typed.current = false;
      }
    },
    // React's onChange bubbles, and fires for what a user types (input) as for what a test sets (change).
    onChange: () => {
      typed.current = true;
    },
    onMouseDown: () => {
      pointerDown.current = true;
    },
    onMouseUp: () => {
      pointerDown.current = false;
    },
    onKeyDown: () => {
      pointerDown.current = false;
    },
    onBlur: (e: React.FocusEvent) => {
      if (!(e.target instanceof HTMLInputElement) || !typed.current) {
        return;
      }
      const next = e.relatedTarget;
      const withinField = next instanceof Node && !!wrapper.current?.contains(next);
      // A click on the field's own clear button: that click says what the user wants.
      if (withinField && pointerDown.current) {
        return;
      }
      typed.current = false;
      onLeave({ text: e.target.value, withinField });
    },
  };
  return {
    handlers,
    wrapper,
    /** the value was chosen from the menu: the text is that choice now, not something typed */
    chosen: () => {
      typed.current = false;
    },
  };
}
