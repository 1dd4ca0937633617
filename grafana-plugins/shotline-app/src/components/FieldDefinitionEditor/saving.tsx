// What the admin editors' forms (diagnostic, preset, choice-list items and
// source) share around a save: unsaved edits told to the page's guard, the
// buttons disabled while a request runs, and what the last request came to.
import React, { useEffect, useState } from 'react';

import type { FieldProblem } from '../../api/client';
import { messageOf, ProblemList } from './ProblemList';

export interface Outcome {
  ok: boolean;
  message: string;
}

export function useSaving(onDirtyChange?: (dirty: boolean) => void) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  /**
   * Runs a request with the buttons disabled. Done: the edits are saved and
   * `done(result)` is the outcome. Failed: `onFailure` places the error's
   * details, its message is the outcome, and the result is undefined.
   */
  const run = async <T,>(
    request: () => Promise<T>,
    done: (result: T) => string,
    onFailure?: (e: unknown) => void
  ): Promise<T | undefined> => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await request();
      setDirty(false);
      setOutcome({ ok: true, message: done(result) });
      return result;
    } catch (e) {
      onFailure?.(e);
      setOutcome({ ok: false, message: messageOf(e) });
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  return { outcome, setOutcome, busy, dirty, setDirty, run };
}

/** The last request's outcome: a status line, or the refusal with the problems no input shows. */
export function SaveOutcome({ outcome, problems }: { outcome: Outcome | null; problems: FieldProblem[] }) {
  if (!outcome) {
    return null;
  }
  return outcome.ok ? (
    <p role="status">{outcome.message}</p>
  ) : (
    <ProblemList title={outcome.message} problems={problems} />
  );
}
