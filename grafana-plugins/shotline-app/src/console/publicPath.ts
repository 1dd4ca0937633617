// @grafana/ui fetches its icons from `<public path>build/img/icons/` and its
// fonts from `<public path>fonts/`; inside Grafana that is Grafana's /public/.
// The console ships both (scripts/build-console.mjs) at the root the relay
// serves it from, like its bundle (/assets/). Imported before anything renders.
declare global {
  interface Window {
    __grafana_public_path__?: string;
  }
}

window.__grafana_public_path__ = '/';

export {};
