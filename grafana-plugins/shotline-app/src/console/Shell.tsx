import React, { Suspense, useEffect } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, ErrorBoundaryAlert, Icon, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import { DEFAULT_PAGE, PAGES, pageById } from './pages';
import type { ThemeMode } from './session';
import { useHashRoute } from './useHashRoute';

export interface Me {
  name: string;
  role: string;
}

export interface ShellProps {
  me: Me;
  themeMode: ThemeMode;
  onToggleTheme: () => void;
  onSignOut: () => void;
}

const GROUPS = [
  { id: 'lab', title: 'Lab' },
  { id: 'admin', title: 'Administration' },
] as const;

export function Shell({ me, themeMode, onToggleTheme, onSignOut }: ShellProps) {
  const styles = useStyles2(getStyles);
  const route = useHashRoute() || DEFAULT_PAGE;
  const page = pageById(route);

  useEffect(() => {
    document.title = `${page ? page.title : 'Not found'} · Shotline console`;
  }, [page]);

  const Page = page?.component;
  return (
    <div className={styles.layout}>
      <a className={styles.skip} href="#console-main" onClick={skipToMain}>
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Shotline console</span>
        <span className={styles.spacer} />
        <span className={styles.who} data-testid="console-user">
          <Icon name="user" aria-hidden /> {me.name} <span className={styles.role}>({me.role})</span>
        </span>
        <Button
          variant="secondary"
          fill="text"
          icon="adjust-circle"
          onClick={onToggleTheme}
          aria-label={themeMode === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
        />
        <Button variant="secondary" icon="signout" onClick={onSignOut}>
          Sign out
        </Button>
      </header>
      <nav className={styles.nav} aria-label="Console pages">
        {GROUPS.map((group) => (
          <div key={group.id}>
            <h2 className={styles.groupTitle}>{group.title}</h2>
            <ul className={styles.list}>
              {PAGES.filter((p) => p.group === group.id).map((p) => (
                <li key={p.id}>
                  <a
                    href={`#/${p.id}`}
                    className={cx(styles.link, p.id === route && styles.active)}
                    aria-current={p.id === route ? 'page' : undefined}
                  >
                    <Icon name={p.icon} aria-hidden />
                    {p.title}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="console-main" className={styles.main} tabIndex={-1}>
        {page && Page ? (
          <>
            <h1 className={styles.title}>{page.title}</h1>
            {/* keyed by page: an error on one page is forgotten when the user goes elsewhere */}
            <ErrorBoundaryAlert key={page.id} title={`The ${page.title} page failed`}>
              <Suspense fallback={<LoadingPlaceholder text={`Loading ${page.title}…`} />}>
                <Page />
              </Suspense>
            </ErrorBoundaryAlert>
          </>
        ) : (
          <>
            <h1 className={styles.title}>Not found</h1>
            <Alert severity="warning" title="No such page">
              <Text>
                The console has no page &quot;{route}&quot;. Pick one from the list, or go to the{' '}
                <a href={`#/${DEFAULT_PAGE}`}>shot sheet</a>.
              </Text>
            </Alert>
          </>
        )}
      </main>
    </div>
  );
}

/** Moves focus without changing the hash, which is the console's route. */
function skipToMain(event: React.MouseEvent) {
  event.preventDefault();
  document.getElementById('console-main')?.focus();
}

const getStyles = (theme: GrafanaTheme2) => ({
  layout: css({
    display: 'grid',
    gridTemplateColumns: '220px 1fr',
    gridTemplateRows: 'auto 1fr',
    gridTemplateAreas: '"header header" "nav main"',
    minHeight: '100vh',
    background: theme.colors.background.canvas,
    [theme.breakpoints.down('md')]: {
      gridTemplateColumns: '1fr',
      gridTemplateAreas: '"header" "nav" "main"',
    },
  }),
  skip: css({
    position: 'absolute',
    left: -10000,
    '&:focus': {
      left: theme.spacing(1),
      top: theme.spacing(1),
      zIndex: theme.zIndex.portal,
      padding: theme.spacing(1),
      background: theme.colors.background.primary,
    },
  }),
  header: css({
    gridArea: 'header',
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2),
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  brand: css({
    fontSize: theme.typography.h4.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  spacer: css({ flex: 1 }),
  who: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  role: css({ color: theme.colors.text.secondary }),
  nav: css({
    gridArea: 'nav',
    padding: theme.spacing(2, 1),
    background: theme.colors.background.primary,
    borderRight: `1px solid ${theme.colors.border.weak}`,
  }),
  groupTitle: css({
    ...theme.typography.bodySmall,
    margin: theme.spacing(1, 1, 0.5),
    color: theme.colors.text.secondary,
    textTransform: 'uppercase',
  }),
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  link: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.75, 1),
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.primary,
    '&:hover': { background: theme.colors.action.hover },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  active: css({
    background: theme.colors.action.selected,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  main: css({
    gridArea: 'main',
    padding: theme.spacing(2, 3),
    minWidth: 0,
    '&:focus': { outline: 'none' },
  }),
  title: css({ ...theme.typography.h2, marginBottom: theme.spacing(2) }),
});
