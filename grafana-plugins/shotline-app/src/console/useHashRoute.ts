import { useEffect, useState } from 'react';

/** The page id of `#/<id>` (empty when there is none), following back/forward and link clicks. */
export function useHashRoute(): string {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function routeOf(hash: string): string {
  return decodeURIComponent(hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '');
}
