import React, { Suspense, useMemo } from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { ErrorBoundaryAlert, LoadingPlaceholder } from '@grafana/ui';

import { ShotlineApiProvider } from '../api/context';
import type { ShotlineApi } from '../api/client';
import { grafanaClient } from '../api/grafanaClient';
import Overview from '../components/Overview/Overview';
import { DEFAULT_DATASOURCE_UID, type AppSettings } from '../constants';
import { APP_PAGES, type AppPage } from './pages';

export interface AppRootOptions {
  /** how a datasource uid becomes a client; tests pass a fake */
  createApi?: (datasourceUid: string) => ShotlineApi;
}

/**
 * The app's pages in Grafana, routed under /a/<app id>/: the overview at the
 * root, and the shared components, each talking to the relay through the
 * datasource chosen on the configuration page (jsonData.datasourceUid).
 */
export function AppRoot({ createApi = grafanaClient, ...props }: AppRootProps<AppSettings> & AppRootOptions) {
  const uid = props.meta.jsonData?.datasourceUid || DEFAULT_DATASOURCE_UID;
  const api = useMemo(() => createApi(uid), [createApi, uid]);
  return (
    <ShotlineApiProvider api={api}>
      <Routes>
        {APP_PAGES.map((page) => (
          <Route key={page.path} path={page.path} element={<AppPageView page={page} />} />
        ))}
        <Route path="*" element={<Overview {...props} />} />
      </Routes>
    </ShotlineApiProvider>
  );
}

function AppPageView({ page }: { page: AppPage }) {
  const Component = page.component;
  return (
    <PluginPage>
      <ErrorBoundaryAlert title={`The ${page.title} page failed`}>
        <Suspense fallback={<LoadingPlaceholder text={`Loading ${page.title}…`} />}>
          <Component />
        </Suspense>
      </ErrorBoundaryAlert>
    </PluginPage>
  );
}

export default AppRoot;
