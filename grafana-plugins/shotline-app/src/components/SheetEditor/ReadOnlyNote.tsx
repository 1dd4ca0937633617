import React from 'react';
import { Alert } from '@grafana/ui';

import type { Role } from './useRole';

/** Told to everyone who is not an admin, so the missing controls are not a puzzle. */
export function ReadOnlyNote({ role, what }: { role: Role | null; what: string }) {
  if (role === null || role === 'admin') {
    return null;
  }
  return (
    <Alert severity="info" title="Read-only">
      You are signed in as {role}: {what} can be changed by admins only. This is what is set now.
    </Alert>
  );
}
