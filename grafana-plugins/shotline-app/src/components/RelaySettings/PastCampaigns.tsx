import React from 'react';

import type { Campaign } from '../../api/relayTypes';
import { formatTime } from '../shared/format';
import { Table } from '../shared/Table';
import type { PastCampaign } from './campaignHistory';

interface Props {
  current: Campaign | null;
  past: PastCampaign[];
}

/** Every campaign the audit and the stored shots know of, newest first, with when it ran and its shots. */
export function PastCampaigns({ current, past }: Props) {
  return (
    <Table
      label="Campaigns"
      columns={['Campaign', 'Started', 'Ended', 'Shots stored', 'Note']}
      empty="No campaigns yet."
    >
      {past.map((p) => (
        <tr key={`${p.name} ${p.startedAt ?? p.lastShotAt}`}>
          <td>{p.name}</td>
          <td>{p.startedAt ? `${formatTime(p.startedAt)} by ${p.startedBy}` : 'before the audit'}</td>
          <td>
            {p.endedAt
              ? `${formatTime(p.endedAt)} by ${p.endedBy}`
              : current && current.name === p.name && current.startedAt === p.startedAt
                ? 'in force'
                : ''}
          </td>
          <td>{p.shots ?? 0}</td>
          <td>{p.note ?? ''}</td>
        </tr>
      ))}
    </Table>
  );
}
