import { useEffect, useState } from 'react';

import { useShotlineApi } from '../../api/context';
import type { Me } from './types';

/**
 * Who the relay says we are (GET me). Until it answers, and when it cannot,
 * nobody is an admin: the controls stay hidden rather than offered and refused.
 */
export function useMe(): { me: Me | null; isAdmin: boolean } {
  const api = useShotlineApi();
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    let live = true;
    api
      .request<Me>('GET', 'me')
      .then((r) => live && setMe(r.body))
      .catch(() => live && setMe(null));
    return () => {
      live = false;
    };
  }, [api]);
  return { me, isAdmin: me?.role === 'admin' };
}
