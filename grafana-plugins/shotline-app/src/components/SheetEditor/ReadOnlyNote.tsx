import React from 'react';
import { Alert } from '@grafana/ui';

import type { MeState } from '../../api/useMe';

/**
 * Told to everyone who is not an admin, so the missing controls are not a
 * puzzle; and when the role could not be read, why the controls are hidden.
 */
export function ReadOnlyNote({ me, error, what }: Pick<MeState, 'me' | 'error'> & { what: string }) {
  if (error) {
    return (
      <Alert severity="warning" title="Could not tell your role: editing is hidden">
        {error}
      </Alert>
    );
  }
  if (!me || me.role === 'admin') {
    return null;
  }
  return (
    <Alert severity="info" title="Read-only">
      You are signed in as {me.role}: {what} can be changed by admins only. This is what is set now.
    </Alert>
  );
}
