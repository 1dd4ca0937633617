// The monitor's state as one reducer: what the first requests answered, then
// every live message. Pure, so the live behaviour is testable without React.
import type { LiveMessage, LiveState } from '../../api/client';
import type { ChannelView, RelaySettingsDoc, RelayStatus } from '../../api/relayTypes';

/** Values kept per channel for its trace. */
export const HISTORY = 60;

export interface LastShot {
  shotNumber: number | null;
  campaign: string | null;
  receivedAt: string | null;
  triggeredBy: string[];
}

export interface MonitorState {
  settings: RelaySettingsDoc | null;
  /** every channel seen or configured, sorted */
  names: string[];
  values: Record<string, number | null>;
  history: Record<string, number[]>;
  valuesAt: string | null;
  counters: Record<string, number>;
  /** counters reset by us: ignore the relay's count until its status shows this settings version */
  resetPending: Record<string, number>;
  status: RelayStatus | null;
  lastShot: LastShot | null;
  live: LiveState;
  /** Date.now() of the last live message, for its age */
  lastMessageAt: number | null;
}

export const initialState: MonitorState = {
  settings: null,
  names: [],
  values: {},
  history: {},
  valuesAt: null,
  counters: {},
  resetPending: {},
  status: null,
  lastShot: null,
  live: 'connecting',
  lastMessageAt: null,
};

export type Action =
  | {
      type: 'loaded';
      settings: RelaySettingsDoc;
      channels: ChannelView[];
      status: RelayStatus | null;
    }
  | { type: 'settings'; settings: RelaySettingsDoc }
  | { type: 'counterReset'; name: string; version: number }
  | { type: 'live'; message: LiveMessage | { type: string }; now: number }
  | { type: 'liveState'; state: LiveState };

function withNames(names: string[], more: Iterable<string>): string[] {
  const all = new Set(names);
  let added = false;
  for (const n of more) {
    if (!all.has(n)) {
      all.add(n);
      added = true;
    }
  }
  return added ? [...all].sort() : names;
}

function applyStatus(state: MonitorState, status: RelayStatus): MonitorState {
  const counters = { ...state.counters };
  const resetPending = { ...state.resetPending };
  for (const [name, count] of Object.entries(status.counters ?? {})) {
    const waitFor = resetPending[name];
    if (waitFor !== undefined && (status.settingsVersion ?? 0) < waitFor) {
      continue;
    }
    delete resetPending[name];
    counters[name] = count;
  }
  return { ...state, status, counters, resetPending };
}

export function reduce(state: MonitorState, action: Action): MonitorState {
  switch (action.type) {
    case 'loaded': {
      const values: Record<string, number | null> = { ...state.values };
      const counters: Record<string, number> = { ...state.counters };
      const history = { ...state.history };
      for (const c of action.channels) {
        if (!(c.name in values)) {
          values[c.name] = c.value;
          if (c.value !== null && !history[c.name]) {
            history[c.name] = [c.value];
          }
        }
        counters[c.name] = c.triggerCount;
      }
      const names = withNames(state.names, [
        ...action.channels.map((c) => c.name),
        ...Object.keys(action.settings.channels),
      ]);
      const next = { ...state, settings: action.settings, names, values, history, counters };
      return action.status ? applyStatus(next, action.status) : next;
    }
    case 'settings':
      // An older answer (a slow refetch) never replaces a newer one.
      if (state.settings && action.settings.version < state.settings.version) {
        return state;
      }
      return {
        ...state,
        settings: action.settings,
        names: withNames(state.names, Object.keys(action.settings.channels)),
      };
    case 'counterReset':
      return {
        ...state,
        counters: { ...state.counters, [action.name]: 0 },
        resetPending: { ...state.resetPending, [action.name]: action.version },
      };
    case 'liveState':
      return { ...state, live: action.state };
    case 'live': {
      const m = action.message;
      const seen = { ...state, lastMessageAt: action.now };
      if (m.type === 'channels' && 'values' in m) {
        if (m.at !== null && m.at === state.valuesAt) {
          return seen;
        }
        const values = { ...state.values };
        const history = { ...state.history };
        for (const [name, raw] of Object.entries(m.values)) {
          const v = typeof raw === 'number' ? raw : null;
          values[name] = v;
          if (v !== null) {
            const h = history[name] ?? [];
            history[name] = h.length >= HISTORY ? [...h.slice(h.length - HISTORY + 1), v] : [...h, v];
          }
        }
        return { ...seen, values, history, valuesAt: m.at, names: withNames(state.names, Object.keys(m.values)) };
      }
      if (m.type === 'status' && 'status' in m && m.status) {
        const status = m.status as RelayStatus;
        return applyStatus({ ...seen, names: withNames(state.names, Object.keys(status.counters ?? {})) }, status);
      }
      if (m.type === 'shot' && 'shot' in m) {
        const s = m.shot;
        return {
          ...seen,
          lastShot: {
            shotNumber: typeof s.shotNumber === 'number' ? s.shotNumber : null,
            campaign: typeof s.campaign === 'string' ? s.campaign : null,
            receivedAt: typeof s.receivedAt === 'string' ? s.receivedAt : null,
            triggeredBy: Array.isArray(s.triggeredBy) ? s.triggeredBy.map(String) : [],
          },
        };
      }
      return seen;
    }
  }
}

/** The shot counter: the relay's own (status) or the newest stored shot's, whichever is further. */
export function shotCounter(state: MonitorState): number | null {
  const a = state.status?.lastShotNumber;
  const b = state.lastShot?.shotNumber;
  const known = [a, b].filter((n): n is number => typeof n === 'number');
  return known.length ? Math.max(...known) : null;
}
