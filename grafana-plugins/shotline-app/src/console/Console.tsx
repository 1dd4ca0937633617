import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createTheme } from '@grafana/data';
import { GlobalStyles, LoadingPlaceholder, PortalContainer, ThemeContext } from '@grafana/ui';

import { ApiProblem, type ShotlineApi } from '../api/client';
import { ShotlineApiProvider } from '../api/context';
import { relayClient, type RelayClientOptions } from '../api/relayClient';
import { Login } from './Login';
import { savedTheme, savedToken, saveTheme, saveToken, type ThemeMode } from './session';
import { Shell, type Me } from './Shell';

export interface ConsoleProps {
  /** how a token becomes a client; tests pass a fake */
  createApi?: (options: RelayClientOptions) => ShotlineApi;
}

interface Session {
  api: ShotlineApi;
  me: Me;
}

const EXPIRED = 'The relay no longer accepts your token (it was revoked or replaced). Sign in again.';

/** The console: a sign-in screen, then the shared components in a shell, on the relay's own API. */
export function Console({ createApi = relayClient }: ConsoleProps) {
  const [themeMode, setThemeMode] = useState<ThemeMode>(savedTheme);
  const theme = useMemo(() => createTheme({ colors: { mode: themeMode } }), [themeMode]);
  const [session, setSession] = useState<Session | null>(null);
  const [message, setMessage] = useState<string | undefined>();
  const [restoring, setRestoring] = useState(() => savedToken() !== null);
  // A 401 means "signed out" only for the session in use, not for a token being tried.
  const active = useRef<ShotlineApi | null>(null);

  /** Checks a token with the relay (`GET me`); rejects with the reason to show on the sign-in screen. */
  const connect = useCallback(
    async (token: string): Promise<Session> => {
      const api: ShotlineApi = createApi({
        token,
        onUnauthorized: () => {
          if (active.current === api) {
            active.current = null;
            saveToken(null);
            setSession(null);
            setMessage(EXPIRED);
          }
        },
      });
      try {
        return { api, me: (await api.request<Me>('GET', 'me')).body };
      } catch (err) {
        if (err instanceof ApiProblem && err.status === 401) {
          throw new Error('The relay does not know this token. Check it and try again.');
        }
        if (err instanceof ApiProblem && err.status === 429) {
          throw new Error('Too many refused tokens from this address: wait a minute, then try again.');
        }
        throw new Error(`Could not sign in: ${(err as Error).message}`);
      }
    },
    [createApi]
  );

  const begin = useCallback((token: string, next: Session) => {
    active.current = next.api;
    saveToken(token);
    setMessage(undefined);
    setSession(next);
  }, []);

  const signIn = useCallback(async (token: string) => begin(token, await connect(token)), [begin, connect]);

  useEffect(() => {
    const token = savedToken();
    if (token === null) {
      return;
    }
    connect(token)
      .then(
        (next) => begin(token, next),
        (err: Error) => {
          saveToken(null);
          setMessage(err.message);
        }
      )
      .finally(() => setRestoring(false));
  }, [begin, connect]);

  const signOut = useCallback(() => {
    active.current = null;
    saveToken(null);
    setSession(null);
    setMessage('You signed out.');
  }, []);

  const toggleTheme = useCallback(() => {
    setThemeMode((mode) => {
      const next = mode === 'dark' ? 'light' : 'dark';
      saveTheme(next);
      return next;
    });
  }, []);

  useEffect(() => {
    document.documentElement.style.colorScheme = themeMode;
  }, [themeMode]);

  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      {restoring ? (
        <LoadingPlaceholder text="Signing in…" />
      ) : session ? (
        <ShotlineApiProvider api={session.api}>
          <Shell me={session.me} themeMode={themeMode} onToggleTheme={toggleTheme} onSignOut={signOut} />
        </ShotlineApiProvider>
      ) : (
        <Login onSignIn={signIn} message={message} />
      )}
      <PortalContainer />
    </ThemeContext.Provider>
  );
}
