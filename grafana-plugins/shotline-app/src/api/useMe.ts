import { useEffect, useState } from 'react';

import { useShotlineApi } from './context';

/** The relay's roles, lowest first (README "Roles"); a Grafana service token acts with its user's role. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `GET me`: who the relay takes the caller for. */
export interface Me {
  name: string;
  role: Role | 'service';
}

export interface MeState {
  me: Me | null;
  /** why `me` could not be read (the relay's message), when it could not */
  error?: string;
  /** whether the caller has at least this role; false until the relay has answered */
  can: (role: Role) => boolean;
}

/**
 * Who the caller is, for showing editing controls only to those the relay
 * lets use them (the relay enforces it anyway). Until the answer comes, and
 * when it cannot come, the caller can do nothing: a control is hidden rather
 * than offered and then refused.
 */
export function useMe(): MeState {
  const api = useShotlineApi();
  const [state, setState] = useState<{ me: Me | null; error?: string }>({ me: null });
  useEffect(() => {
    let live = true;
    api
      .request<Me>('GET', 'me')
      .then((r) => live && setState({ me: r.body }))
      .catch((err: Error) => live && setState({ me: null, error: err.message }));
    return () => {
      live = false;
    };
  }, [api]);
  const rank = state.me ? ROLES.indexOf(state.me.role as Role) : -1;
  return { ...state, can: (role) => rank >= ROLES.indexOf(role) };
}
