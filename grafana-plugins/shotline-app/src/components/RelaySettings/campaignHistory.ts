import type { AuditItem, Campaign } from '../../api/relayTypes';

export interface PastCampaign {
  name: string;
  startedAt?: string;
  startedBy?: string;
  note?: string;
  endedAt?: string;
  endedBy?: string;
  shots?: number;
  lastShotAt?: string;
}

export interface CampaignCount {
  campaign: string | null;
  shots: number;
  lastShotAt: string;
}

function asCampaign(v: unknown): Campaign | null {
  return v && typeof v === 'object' && typeof (v as Campaign).name === 'string' ? (v as Campaign) : null;
}

/**
 * Campaigns, newest first, from the relay's audit of `campaign` (a start ends
 * the one before it) and the stored shots' campaigns (shot counts, and
 * campaigns older than the audit).
 */
export function campaignHistory(audit: AuditItem[], counts: CampaignCount[]): PastCampaign[] {
  const list: PastCampaign[] = [];
  const open = new Map<string, PastCampaign>();
  const close = (c: Campaign | null, at: string, by: string) => {
    const p = c && open.get(`${c.name} ${c.startedAt}`);
    if (p) {
      p.endedAt = at;
      p.endedBy = by;
    }
  };
  for (const e of [...audit].filter((a) => a.target === 'campaign').sort((a, b) => a.at.localeCompare(b.at))) {
    close(asCampaign(e.old), e.at, e.by);
    const started = e.action === 'start' ? asCampaign(e.new) : null;
    if (started) {
      const p: PastCampaign = {
        name: started.name,
        startedAt: started.startedAt,
        startedBy: started.startedBy,
        note: started.note,
      };
      open.set(`${started.name} ${started.startedAt}`, p);
      list.push(p);
    }
  }
  const byName = new Map(counts.filter((c) => c.campaign !== null).map((c) => [c.campaign as string, c]));
  for (const p of list) {
    const c = byName.get(p.name);
    if (c) {
      p.shots = c.shots;
      p.lastShotAt = c.lastShotAt;
    }
  }
  const named = new Set(list.map((p) => p.name));
  for (const c of byName.values()) {
    if (!named.has(c.campaign as string)) {
      list.push({ name: c.campaign as string, shots: c.shots, lastShotAt: c.lastShotAt });
    }
  }
  const when = (p: PastCampaign) => p.startedAt ?? p.lastShotAt ?? '';
  return list.sort((a, b) => when(b).localeCompare(when(a)));
}
