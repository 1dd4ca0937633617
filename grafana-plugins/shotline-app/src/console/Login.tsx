import React, { useState, type FormEvent } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Stack, Text, useStyles2 } from '@grafana/ui';

export interface LoginProps {
  /** resolves when signed in; rejects with the reason to show */
  onSignIn: (token: string) => Promise<void>;
  /** why the user is here again (a token that stopped working) */
  message?: string;
}

export function Login({ onSignIn, message }: LoginProps) {
  const styles = useStyles2(getStyles);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (!trimmed) {
      setError('Enter an API token.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(trimmed);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <form className={styles.box} onSubmit={submit} aria-labelledby="login-title" noValidate>
        <Stack direction="column" gap={2}>
          <h1 id="login-title" className={styles.title}>
            Shotline console
          </h1>
          <Text color="secondary" element="p">
            Sign in with a Shotline API token. The first admin token of a fresh installation is in{' '}
            <code>data/admin-token</code>; an admin makes tokens for others (<code>POST /api/v1/tokens</code>).
          </Text>
          {message && !error && (
            <Alert severity="warning" title="Signed out">
              {message}
            </Alert>
          )}
          {error && (
            <Alert severity="error" title="Sign-in failed">
              {error}
            </Alert>
          )}
          <Field label="API token" invalid={!!error} required>
            <Input
              id="console-token"
              type="password"
              autoComplete="current-password"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              autoFocus
            />
          </Field>
          <Button type="submit" icon={busy ? 'spinner' : 'signin'} disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </Stack>
      </form>
    </main>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    minHeight: '100vh',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    padding: theme.spacing(2),
    background: theme.colors.background.canvas,
  }),
  box: css({
    width: '100%',
    maxWidth: 440,
    padding: theme.spacing(4),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  title: css({
    margin: 0,
    ...theme.typography.h2,
  }),
});
