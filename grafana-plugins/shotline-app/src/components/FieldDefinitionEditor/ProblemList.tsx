import React from 'react';
import { Alert } from '@grafana/ui';

import type { FieldProblem } from '../../api/client';

/** A refusal and the problems no input owns, named by their path. */
export function ProblemList({ title, problems }: { title?: string; problems: FieldProblem[] }) {
  if (!title && problems.length === 0) {
    return null;
  }
  return (
    <Alert severity="error" title={title ?? 'The relay refused this'}>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>{p.field ? `${p.field}: ${p.message}` : p.message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** The message of anything a request threw (ApiProblem or a network Error). */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
