import React, { useState } from 'react';
import { Tab, TabContent, TabsBar } from '@grafana/ui';

import { useMe } from '../../api/useMe';
import { EntryHistory } from './EntryHistory';
import { LayoutHistory } from './LayoutHistory';
import { RelayAudit } from './RelayAudit';

type View = 'relay' | 'layouts' | 'entries';

const VIEWS: Array<{ value: View; label: string }> = [
  { value: 'relay', label: 'Relay settings' },
  { value: 'layouts', label: 'Sheet layouts' },
  { value: 'entries', label: 'Entries' },
];

/**
 * Who changed what, from every history the relay keeps: its settings audit,
 * the versions of each sheet's layout, and each entry's revisions (hidden and
 * restored entries included, for admins).
 */
export function AuditLog() {
  const { can } = useMe();
  const [view, setView] = useState<View>('relay');
  return (
    <div>
      <TabsBar>
        {VIEWS.map((v) => (
          <Tab key={v.value} label={v.label} active={view === v.value} onChangeTab={() => setView(v.value)} />
        ))}
      </TabsBar>
      <TabContent>
        {view === 'relay' && <RelayAudit />}
        {view === 'layouts' && <LayoutHistory />}
        {view === 'entries' && <EntryHistory isAdmin={can('admin')} />}
      </TabContent>
    </div>
  );
}

export default AuditLog;
