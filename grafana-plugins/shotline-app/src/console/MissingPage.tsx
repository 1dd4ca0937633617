import React from 'react';
import { Alert } from '@grafana/ui';

/** What the console shows for a page whose component was not in the source tree when it was built. */
export function MissingPage({ file }: { file: string }) {
  return (
    <Alert severity="error" title="This page is not part of this build" data-testid="console-missing-page">
      The console was built without {file}. Rebuild it (npm run build:console in grafana-plugins/shotline-app) once that
      component exists.
    </Alert>
  );
}
