import React, { useLayoutEffect, useRef, useState } from 'react';
import { Combobox, MultiCombobox, Stack, Text } from '@grafana/ui';

import type { InputProps } from './inputs';
import { matchOption, notAChoice, useLeaveWithText } from './typedChoice';
import { useChoices } from './useChoices';

function Notes({ notice, error }: { notice?: string; error?: string }) {
  return (
    <>
      {notice && (
        <div role="alert">
          <Text variant="bodySmall" color="error">
            {notice}
          </Text>
        </div>
      )}
      {error && (
        <Text variant="bodySmall" color="warning">
          {error}
        </Text>
      )}
    </>
  );
}

export function SelectInput({ def, id, value, onChange, disabled, invalid }: InputProps) {
  const { options, loading, error } = useChoices(def);
  const [notice, setNotice] = useState<string>();
  // Leaving with typed text mounts a new Combobox: the old one may still
  // commit its own pick (the highlighted row) and would show that text, not
  // the value decided here. `live` tells the current one's callbacks apart.
  const [instance, setInstance] = useState(0);
  const live = useRef(0);
  const refocus = useRef(false);
  const current =
    typeof value === 'string' ? (options.find((o) => o.value === value) ?? { value, label: value }) : null;

  const leave = useLeaveWithText(({ text, withinField }) => {
    const typed = text.trim();
    const match = matchOption(options, typed);
    let next: unknown = value;
    let message: string | undefined;
    if (typed === '') {
      next = undefined;
    } else if (match) {
      next = match.value;
    } else if (error) {
      // Without its list the operator can still type the value; the relay checks it.
      next = typed;
    } else {
      const kept = current ? `kept '${current.label ?? current.value}'` : 'left empty';
      message = `${notAChoice(def.label, typed, options, loading)}; ${kept}`;
    }
    setNotice(message);
    live.current += 1;
    setInstance(live.current);
    refocus.current = withinField;
    if (next !== value) {
      onChange(next);
    }
  });

  useLayoutEffect(() => {
    // Tab from the text goes to the clear button, which the new Combobox replaced.
    if (!refocus.current) {
      return;
    }
    refocus.current = false;
    const root = leave.wrapper.current;
    (root?.querySelector<HTMLElement>('[role="button"]') ?? root?.querySelector('input'))?.focus();
  }, [instance, leave.wrapper]);

  const mine = instance;
  return (
    <Stack direction="column" gap={0.5}>
      <div {...leave.handlers}>
        <Combobox<string>
          key={instance}
          id={id}
          options={options}
          value={current}
          loading={loading}
          disabled={disabled}
          invalid={invalid || !!notice}
          isClearable
          createCustomValue={!!error}
          onChange={(option) => {
            if (mine !== live.current) {
              return;
            }
            leave.chosen();
            setNotice(undefined);
            onChange(option ? option.value : undefined);
          }}
        />
      </div>
      <Notes notice={notice} error={error} />
    </Stack>
  );
}

export function MultiSelectInput({ def, id, value, onChange, disabled, invalid }: InputProps) {
  const { options, loading, error } = useChoices(def);
  const [notice, setNotice] = useState<string>();
  const current = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const shown = current.map((v) => options.find((o) => o.value === v) ?? { value: v, label: v });

  // MultiCombobox empties its text on blur; text naming a choice is added, other text is named in a message.
  const leave = useLeaveWithText(({ text }) => {
    const typed = text.trim();
    if (typed === '') {
      return;
    }
    const match = matchOption(options, typed);
    const add = match ? match.value : error ? typed : undefined;
    if (add === undefined) {
      setNotice(`${notAChoice(def.label, typed, options, loading)}; not added`);
      return;
    }
    setNotice(undefined);
    if (!current.includes(add)) {
      onChange([...current, add]);
    }
  });

  return (
    <Stack direction="column" gap={0.5}>
      <div {...leave.handlers}>
        <MultiCombobox<string>
          id={id}
          options={options}
          value={shown}
          loading={loading}
          disabled={disabled}
          invalid={invalid || !!notice}
          createCustomValue={!!error}
          onChange={(selected) => {
            leave.chosen();
            setNotice(undefined);
            const values = selected.map((o) => o.value);
            onChange(values.length > 0 ? values : undefined);
          }}
        />
      </div>
      <Notes notice={notice} error={error} />
    </Stack>
  );
}
