import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { IconName } from '@grafana/ui';

export interface ConsolePage {
  /** the hash route: `#/<id>` */
  id: string;
  title: string;
  icon: IconName;
  group: 'lab' | 'admin';
  component: LazyExoticComponent<ComponentType<{}>>;
}

// Each page is its own chunk: the shell (login, navigation) loads without the editors.
export const PAGES: ConsolePage[] = [
  {
    id: 'shot-sheet',
    title: 'Shot sheet',
    icon: 'edit',
    group: 'lab',
    component: lazy(() => import('../components/ShotEntry/ShotEntry')),
  },
  {
    id: 'live',
    title: 'Live monitor',
    icon: 'heart-rate',
    group: 'lab',
    component: lazy(() => import('../components/TriggerMonitor/TriggerMonitor')),
  },
  {
    id: 'search',
    title: 'Search',
    icon: 'search',
    group: 'lab',
    component: lazy(() => import('../components/ShotSearch/ShotSearch')),
  },
  {
    id: 'debug',
    title: 'Debug',
    icon: 'bug',
    group: 'lab',
    component: lazy(() => import('../components/RawMessages/RawMessages')),
  },
  {
    id: 'sheets',
    title: 'Sheets & layouts',
    icon: 'list-ul',
    group: 'admin',
    component: lazy(() => import('../components/SheetEditor/SheetEditor')),
  },
  {
    id: 'diagnostics',
    title: 'Diagnostics',
    icon: 'sliders-v-alt',
    group: 'admin',
    component: lazy(() => import('../components/DiagnosticsEditor/DiagnosticsEditor')),
  },
  {
    id: 'choices',
    title: 'Choice lists',
    icon: 'list-ol',
    group: 'admin',
    component: lazy(() => import('../components/ChoiceLists/ChoiceLists')),
  },
  {
    id: 'relay',
    title: 'Relay settings',
    icon: 'cog',
    group: 'admin',
    component: lazy(() => import('../components/RelaySettings/RelaySettings')),
  },
  {
    id: 'audit',
    title: 'Audit log',
    icon: 'history',
    group: 'admin',
    component: lazy(() => import('../components/AuditLog/AuditLog')),
  },
];

export const DEFAULT_PAGE = PAGES[0].id;

export function pageById(id: string): ConsolePage | undefined {
  return PAGES.find((p) => p.id === id);
}
