import React, { useState } from 'react';
import { Button, Stack } from '@grafana/ui';

interface Props {
  /** the button's text, e.g. "Delete preset" */
  label: string;
  onConfirm: () => void;
  disabled?: boolean;
}

/** A delete that asks once more; the question takes the button's place, focus on the confirming button. */
export function ConfirmDelete({ label, onConfirm, disabled }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button variant="destructive" fill="outline" icon="trash-alt" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  }
  return (
    <Stack direction="row" gap={1} alignItems="center">
      <span>{label}?</span>
      <Button
        variant="destructive"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Delete
      </Button>
      <Button variant="secondary" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Stack>
  );
}
