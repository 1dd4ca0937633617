import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** A page of the app in Grafana (plugin.json lists the same, with the role each needs). */
export interface AppPage {
  /** the route under /a/<app id>/ */
  path: string;
  title: string;
  component: LazyExoticComponent<ComponentType<{}>>;
}

// Every page is the shared component the console shows too (src/console/pages.ts); each loads on its own.
export const APP_PAGES: AppPage[] = [
  { path: 'shot-sheet', title: 'Shot sheet', component: lazy(() => import('../components/ShotEntry/ShotEntry')) },
  { path: 'live', title: 'Live monitor', component: lazy(() => import('../components/TriggerMonitor/TriggerMonitor')) },
  { path: 'search', title: 'Search', component: lazy(() => import('../components/ShotSearch/ShotSearch')) },
  { path: 'sheets', title: 'Sheets & layouts', component: lazy(() => import('../components/SheetEditor/SheetEditor')) },
  {
    path: 'diagnostics',
    title: 'Diagnostics',
    component: lazy(() => import('../components/DiagnosticsEditor/DiagnosticsEditor')),
  },
  { path: 'choices', title: 'Choice lists', component: lazy(() => import('../components/ChoiceLists/ChoiceLists')) },
  {
    path: 'relay',
    title: 'Relay settings',
    component: lazy(() => import('../components/RelaySettings/RelaySettings')),
  },
  { path: 'audit', title: 'Audit log', component: lazy(() => import('../components/AuditLog/AuditLog')) },
];
