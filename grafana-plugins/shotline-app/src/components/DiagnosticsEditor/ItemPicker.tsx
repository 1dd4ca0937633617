import React from 'react';
import { Button, Stack } from '@grafana/ui';

interface Props {
  label: string;
  items: Array<{ name: string; label: string }>;
  selected: string | null;
  onSelect: (name: string | null) => void;
  /** shown to admins: starts a new item */
  newLabel?: string;
}

/** A row of toggle buttons naming the items (pressed: being edited), and one to start a new item. */
export function ItemPicker({ label, items, selected, onSelect, newLabel }: Props) {
  return (
    <Stack direction="row" gap={1} wrap="wrap" role="group" aria-label={label}>
      {items.map((item) => (
        <Button
          key={item.name}
          size="sm"
          variant={item.name === selected ? 'primary' : 'secondary'}
          aria-pressed={item.name === selected}
          onClick={() => onSelect(item.name)}
        >
          {item.label} ({item.name})
        </Button>
      ))}
      {items.length === 0 && <span>None yet.</span>}
      {newLabel && (
        <Button
          size="sm"
          variant="secondary"
          fill="outline"
          icon="plus"
          aria-pressed={selected === null}
          onClick={() => onSelect(null)}
        >
          {newLabel}
        </Button>
      )}
    </Stack>
  );
}
