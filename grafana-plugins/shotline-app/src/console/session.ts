// What the console remembers: the API token for this tab only (sessionStorage,
// gone when the tab closes) and the theme for good (localStorage). Storage can
// be unavailable (private modes, disabled cookies): the console then works
// without remembering.

const TOKEN_KEY = 'shotline.console.token';
const THEME_KEY = 'shotline.console.theme';

export type ThemeMode = 'dark' | 'light';

function read(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    return null;
  }
}

function write(storage: () => Storage, key: string, value: string | null) {
  try {
    if (value === null) {
      storage().removeItem(key);
    } else {
      storage().setItem(key, value);
    }
  } catch {
    // not remembered; the console still works for this page load
  }
}

export const savedToken = () => read(() => window.sessionStorage, TOKEN_KEY);
export const saveToken = (token: string | null) => write(() => window.sessionStorage, TOKEN_KEY, token);

export function savedTheme(): ThemeMode {
  const saved = read(() => window.localStorage, THEME_KEY);
  if (saved === 'dark' || saved === 'light') {
    return saved;
  }
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export const saveTheme = (mode: ThemeMode) => write(() => window.localStorage, THEME_KEY, mode);
