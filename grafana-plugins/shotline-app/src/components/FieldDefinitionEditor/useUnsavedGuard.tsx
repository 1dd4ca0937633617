import React, { useCallback, useState, type ReactNode } from 'react';
import { Alert, Button, Stack } from '@grafana/ui';

/**
 * Asks before a switch (another sheet, diagnostic, list) would drop edits not
 * saved yet: `request(target)` switches at once when nothing is unsaved, else
 * `prompt` asks, and the switch happens only on "Discard" (`discardLabel` may
 * name where it goes).
 */
export function useUnsavedGuard<T>(
  apply: (target: T) => void,
  what: string,
  discardLabel: (target: T) => string = () => 'Discard them'
) {
  const [dirty, setDirty] = useState(false);
  const [pending, setPending] = useState<{ target: T } | null>(null);
  const request = (target: T) => {
    if (dirty) {
      setPending({ target });
      return;
    }
    setPending(null);
    apply(target);
  };
  const prompt: ReactNode = pending && (
    <Alert severity="warning" title={`${what} has unsaved changes`}>
      <Stack direction="row" gap={1}>
        <Button
          size="sm"
          variant="destructive"
          onClick={() => {
            setDirty(false);
            setPending(null);
            apply(pending.target);
          }}
        >
          {discardLabel(pending.target)}
        </Button>
        <Button size="sm" variant="secondary" onClick={() => setPending(null)}>
          Keep editing
        </Button>
      </Stack>
    </Alert>
  );
  return { request, prompt, setDirty: useCallback((d: boolean) => setDirty(d), []) };
}
