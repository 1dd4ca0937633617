import React, { createContext, useContext, type ReactNode } from 'react';

import type { ShotlineApi } from './client';

const ShotlineApiContext = createContext<ShotlineApi | null>(null);

/** Each host (a Grafana panel or page, a console page) provides its client once, at its root. */
export function ShotlineApiProvider({ api, children }: { api: ShotlineApi; children: ReactNode }) {
  return <ShotlineApiContext.Provider value={api}>{children}</ShotlineApiContext.Provider>;
}

export function useShotlineApi(): ShotlineApi {
  const api = useContext(ShotlineApiContext);
  if (!api) {
    throw new Error('useShotlineApi: no ShotlineApiProvider above this component');
  }
  return api;
}
