// Who may do what. Roles are ordered: each one may do everything the one
// below it may do.
//   viewer  read, search, export
//   editor  add and change shot-sheet entries
//   admin   sheets, layouts, diagnostics, presets, choice lists, hiding entries,
//           API tokens, relay settings
// A `service` token (Grafana's plugin backend) acts for the Grafana user it
// names in X-Grafana-User, with that user's role from X-Grafana-Role.

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a token is issued for: one of the roles, or `service` (acts for a named Grafana user). */
export const TOKEN_ROLES = [...ROLES, 'service'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A caller's effective role; `none` is a Grafana user without an organisation role: may do nothing. */
export type CallerRole = Role | 'none';

const RANK: Record<CallerRole, number> = { none: 0, viewer: 1, editor: 2, admin: 3 };

/** Whether `role` may do what `needed` may. */
export function allows(role: CallerRole, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Grafana's organisation roles (X-Grafana-Role), case-insensitive; undefined for anything else. */
export function fromGrafanaRole(value: string): CallerRole | undefined {
  switch (value.trim().toLowerCase()) {
    case 'viewer':
      return 'viewer';
    case 'editor':
      return 'editor';
    case 'admin':
      return 'admin';
    case 'none':
      return 'none';
    default:
      return undefined;
  }
}
