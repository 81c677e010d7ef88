/**
 * Roles and the permissions table (domain.md §2). The server checks every request against
 * `can(role, permission)`; the UI uses the same table only to hide what a role cannot do.
 */

export const ROLES = ['beheerder', 'verkiezingsleider', 'invoer', 'alleen_lezen'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  beheerder: 'Beheerder',
  verkiezingsleider: 'Verkiezingsleider',
  invoer: 'Invoer',
  alleen_lezen: 'Alleen lezen',
};

export const PERMISSIONS = [
  /** Read election data, phases, status screens. */
  'election.view',
  /** Create/disable users, reset passwords. */
  'users.manage',
  /** Import the election definition (110a) and candidate lists (230b). */
  'election.import',
  /** Create and download the installation's own key pair / certificate. */
  'keys.own',
  /** Import a municipality's public key certificate. */
  'keys.import',
  /** Move between phases. */
  'phase.change',
  /** View and export the audit log. */
  'audit.view',
  /** Import count files (510b) as first entry (phase 2). */
  'counts.import',
  /** Enter vote counts (first or second entry). */
  'counts.enter',
  /** Resolve differences and delete entries. */
  'counts.resolve',
  /** Finalise and create documents (phase 3). */
  'documents.create',
  /** Make the archive package (guide step 14). */
  'election.archive',
  /** Erase the election's data after the retention period (guide step 14). */
  'election.destroy',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TABLE: Record<Role, readonly Permission[]> = {
  beheerder: [
    'election.view',
    'users.manage',
    'election.import',
    'keys.own',
    'keys.import',
    'audit.view',
    'election.archive',
    'election.destroy',
  ],
  verkiezingsleider: [
    'election.view',
    'phase.change',
    'audit.view',
    'counts.import',
    'counts.resolve',
    'documents.create',
    'election.archive',
  ],
  invoer: ['election.view', 'counts.enter'],
  alleen_lezen: ['election.view'],
};

export function can(role: Role, permission: Permission): boolean {
  return TABLE[role].includes(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return [...TABLE[role]];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
