import { readHashParam, writeHashParam } from './pageAddress';

const go = (url: string) => window.history.replaceState(null, '', url);

describe('the search in the page address', () => {
  afterEach(() => go('/'));

  it('keeps a hash route and its other parameters', () => {
    go('/console?x=1#/search?tab=2');
    writeHashParam('search', '{"where":[]}');
    expect(window.location.pathname + window.location.search).toBe('/console?x=1');
    expect(window.location.hash.startsWith('#/search?')).toBe(true);
    expect(readHashParam('search')).toBe('{"where":[]}');
    expect(readHashParam('tab')).toBe('2');

    writeHashParam('search', undefined);
    expect(window.location.hash).toBe('#/search?tab=2');
  });

  it('uses the whole hash when there is no route (a Grafana app page)', () => {
    go('/a/shotline-shotline-app/search');
    expect(readHashParam('search')).toBeNull();
    writeHashParam('search', 'a b&c');
    expect(readHashParam('search')).toBe('a b&c');
    expect(window.location.pathname).toBe('/a/shotline-shotline-app/search');
  });
});
