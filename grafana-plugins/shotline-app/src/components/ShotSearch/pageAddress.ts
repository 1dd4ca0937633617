// Keeps one value in the page address's hash, as a parameter after the
// route part (`#/search?q=…`, or `#q=…` when there is none), so a console
// routing by hash keeps its route and a refresh keeps the search. The
// component never routes: it only replaces its own parameter.

function split(hash: string): { route: string; params: URLSearchParams } {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  const at = h.indexOf('?');
  if (at >= 0) {
    return { route: h.slice(0, at), params: new URLSearchParams(h.slice(at + 1)) };
  }
  // No route part: the whole hash is parameters when it looks like them.
  return h.includes('=') && !h.startsWith('/')
    ? { route: '', params: new URLSearchParams(h) }
    : { route: h, params: new URLSearchParams() };
}

export function readHashParam(name: string, location: Location = window.location): string | null {
  return split(location.hash).params.get(name);
}

export function writeHashParam(name: string, value: string | undefined, win: Window = window): void {
  const { route, params } = split(win.location.hash);
  if (value === undefined) {
    params.delete(name);
  } else {
    params.set(name, value);
  }
  const query = params.toString();
  const hash = route ? (query ? `${route}?${query}` : route) : query;
  const url = `${win.location.pathname}${win.location.search}${hash ? `#${hash}` : ''}`;
  try {
    // replaceState: a search is not a page to go back to, and it fires no hashchange for a router to act on.
    win.history.replaceState(win.history.state, '', url);
  } catch {
    // A host that forbids it (a sandboxed frame): the search stays in the page's state only.
  }
}
