import { useEffect, useState } from 'react';

import { useShotlineApi } from '../../api/context';

export type Role = 'viewer' | 'editor' | 'admin' | 'service' | string;

/**
 * The caller's role (`GET me`); null until known. Editing controls show only
 * to admins: the relay refuses the others anyway, this spares them the try.
 * When `me` cannot be read the controls show and the relay decides.
 */
export function useRole(): { role: Role | null; isAdmin: boolean; error?: string } {
  const api = useShotlineApi();
  const [state, setState] = useState<{ role: Role | null; error?: string }>({ role: null });
  useEffect(() => {
    let live = true;
    api
      .request<{ name: string; role: Role }>('GET', 'me')
      .then((r) => live && setState({ role: r.body.role }))
      .catch((e: Error) => live && setState({ role: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [api]);
  return { role: state.role, isAdmin: state.role === 'admin' || state.error !== undefined, error: state.error };
}
