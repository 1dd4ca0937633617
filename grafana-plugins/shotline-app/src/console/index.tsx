import './publicPath';

import React from 'react';
import { createRoot } from 'react-dom/client';
import { initPluginTranslations } from '@grafana/i18n';

import { Console } from './Console';

// @grafana/ui's texts go through @grafana/i18n, which Grafana initialises for
// plugins; outside Grafana the console does it (English, the defaults in the source).
async function main() {
  await initPluginTranslations('shotline-console');
  const root = document.getElementById('root');
  if (!root) {
    throw new Error('index.html has no #root element');
  }
  createRoot(root).render(
    <React.StrictMode>
      <Console />
    </React.StrictMode>
  );
}

main().catch((err) => {
  document.body.textContent = `The Shotline console failed to start: ${(err as Error).message}`;
  throw err;
});
