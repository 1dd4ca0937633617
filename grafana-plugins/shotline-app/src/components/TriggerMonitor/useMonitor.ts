import { useCallback, useEffect, useReducer, useRef, useState } from 'react';

import { ApiProblem, type LiveMessage } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import type { ChannelView, RelaySettingsDoc, RelayStatus } from '../../api/relayTypes';
import { initialState, reduce } from './monitorState';

export type LoadState =
  { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; unreachable: boolean; message: string };

/**
 * Loads the relay's settings, channels and status, then
 * follows the live feed. Settings changed elsewhere (another operator, the
 * API) are fetched again when the relay's status reports a newer version.
 */
export function useMonitor() {
  const api = useShotlineApi();
  const [state, dispatch] = useReducer(reduce, initialState);
  const [load, setLoad] = useState<LoadState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const refetching = useRef(false);

  useEffect(() => {
    let cancelled = false;
    // 404: no relay has reported yet, which the page says instead of failing.
    const status = api
      .request<RelayStatus>('GET', 'relay/status')
      .then((r) => r.body)
      .catch((err) => {
        if (err instanceof ApiProblem && err.status === 404) {
          return null;
        }
        throw err;
      });
    Promise.all([
      api.request<RelaySettingsDoc>('GET', 'relay/settings'),
      api.request<{ items: ChannelView[] }>('GET', 'relay/channels'),
      status,
    ])
      .then(([settings, channels, st]) => {
        if (cancelled) {
          return;
        }
        dispatch({ type: 'loaded', settings: settings.body, channels: channels.body.items ?? [], status: st });
        setLoad({ kind: 'ready' });
      })
      .catch((err: unknown) => {
        if (cancelled) {
          return;
        }
        const unreachable = !(err instanceof ApiProblem);
        const message = err instanceof Error ? err.message : String(err);
        setLoad({ kind: 'error', unreachable, message });
      });
    return () => {
      cancelled = true;
    };
  }, [api, attempt]);

  useEffect(
    () =>
      api.live(
        ['channels', 'status', 'shots'],
        (message: LiveMessage) => dispatch({ type: 'live', message, now: Date.now() }),
        (s) => dispatch({ type: 'liveState', state: s })
      ),
    [api]
  );

  const known = state.settings?.version;
  const reported = state.status?.settingsVersion;
  useEffect(() => {
    if (known === undefined || reported === undefined || reported <= known || refetching.current) {
      return;
    }
    refetching.current = true;
    api
      .request<RelaySettingsDoc>('GET', 'relay/settings')
      .then((r) => dispatch({ type: 'settings', settings: r.body }))
      // The next status tries again.
      .catch(() => {})
      .finally(() => {
        refetching.current = false;
      });
  }, [api, known, reported]);

  const retry = useCallback(() => {
    setLoad({ kind: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  return { state, dispatch, load, retry };
}

/** Re-renders every second, for ages ("3 s ago"). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) {
    return `${s} s ago`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s ago`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}
