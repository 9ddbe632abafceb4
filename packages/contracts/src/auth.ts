import { z } from 'zod';

/**
 * The roles of ComplexTwin (docs/security.md). `display` is not a user's role: it is what a
 * wall display's token signs in as (what an operator can read, nothing it can change).
 */
export const ROLES = [
  'operator',
  'safety_officer',
  'plant_engineer',
  'company_admin',
  'complex_admin',
  'regulator',
  'display',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles a user account can have. */
export const USER_ROLES = [
  'operator',
  'safety_officer',
  'plant_engineer',
  'company_admin',
  'complex_admin',
  'regulator',
] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Roles of one company: their account names a company, and they see only its data. */
export const COMPANY_ROLES: readonly Role[] = ['plant_engineer', 'company_admin'];

/** What a route may need. The matrix of docs/security.md says which role has which. */
export const PERMISSIONS = [
  /** The asset register drawn as the map: network, companies, segments, equipment, sensors. */
  'network:read',
  /** Live values (WebSocket, and the live values in asset details). */
  'live:read',
  /** Stored readings: trends and the last stored value. */
  'history:read',
  /** Equipment health, anomaly scores, remaining life. */
  'equipment:read',
  'alerts:read',
  /** Acknowledge, assign, comment, shelve, unshelve, resolve. */
  'alerts:act',
  'condition:read',
  'condition:import',
  'dead-letters:read',
  'status:read',
  /** Anonymized complex-wide statistics. */
  'stats:read',
  'users:manage',
  'display-tokens:manage',
  'devices:manage',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const CONTROL_ROOM: Permission[] = [
  'network:read',
  'live:read',
  'alerts:read',
  'alerts:act',
  'status:read',
  'stats:read',
];
const PLANT_ENGINEER: Permission[] = [
  'network:read',
  'live:read',
  'history:read',
  'equipment:read',
  'alerts:read',
  'alerts:act',
  'condition:read',
  'condition:import',
  'dead-letters:read',
  'status:read',
  'stats:read',
];

/**
 * The permissions of each role. Which rows a permission reaches (the role's own company, every
 * company, or the incidents of every company) is decided by the database's policies.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  operator: CONTROL_ROOM,
  safety_officer: CONTROL_ROOM,
  plant_engineer: PLANT_ENGINEER,
  company_admin: [...PLANT_ENGINEER, 'users:manage', 'devices:manage', 'audit:read'],
  complex_admin: [
    'network:read',
    'alerts:read',
    'dead-letters:read',
    'status:read',
    'stats:read',
    'users:manage',
    'display-tokens:manage',
    'devices:manage',
    'audit:read',
  ],
  regulator: ['network:read', 'alerts:read', 'stats:read'],
  // what the control room reads, for the wall; statistics are recorded per user, and a
  // display is nobody
  display: ['network:read', 'live:read', 'alerts:read', 'status:read'],
};

/** Whether `role` has `permission`. */
export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const SignInBodySchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type SignInBody = z.infer<typeof SignInBodySchema>;

export const UserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  role: z.enum(ROLES),
  /** The company of a company role; null for complex-wide roles. */
  company_id: z.string().nullable(),
});
export type User = z.infer<typeof UserSchema>;

/** `GET /api/me`. */
export const MeSchema = z.object({
  user: UserSchema,
  permissions: z.array(z.enum(PERMISSIONS)),
  /** When the session ends unless used again (sliding), epoch ms. */
  expires_at: z.number(),
});
export type Me = z.infer<typeof MeSchema>;

/** `POST /api/auth/token`: a bearer token for API clients (same rules as a browser session). */
export const TokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  /** Seconds until it expires unless used (each use extends it, up to its absolute lifetime). */
  expires_in: z.number().int(),
});

const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'letters, digits, . _ @ -; 2-64 characters');
/** At least 12 characters: length is what makes a password strong (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(1024);

export const AccountSchema = UserSchema.extend({
  role: z.enum(USER_ROLES),
  disabled: z.boolean(),
  created_at: z.number(),
  oidc_issuer: z.string().nullable(),
  oidc_subject: z.string().nullable(),
});
export type Account = z.infer<typeof AccountSchema>;

export const CreateUserBodySchema = z.strictObject({
  username: Username,
  display_name: z.string().trim().min(1).max(100),
  role: z.enum(USER_ROLES),
  company_id: z.string().min(1).max(64).nullable().optional(),
  /** Absent: the answer carries a one-time sign-in link instead (valid 24 h). */
  password: PasswordSchema.optional(),
  oidc_issuer: z.string().url().max(300).optional(),
  oidc_subject: z.string().min(1).max(300).optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z.strictObject({
  display_name: z.string().trim().min(1).max(100).optional(),
  role: z.enum(USER_ROLES).optional(),
  company_id: z.string().min(1).max(64).nullable().optional(),
  disabled: z.boolean().optional(),
  password: PasswordSchema.optional(),
});
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const ChangePasswordBodySchema = z.strictObject({
  current_password: z.string().min(1).max(1024),
  new_password: PasswordSchema,
});

export const DisplayTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  created_at: z.number(),
  created_by: z.number().int(),
  expires_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
  last_used_at: z.number().nullable(),
});
export type DisplayToken = z.infer<typeof DisplayTokenSchema>;

export const CreateDisplayTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Lifetime in days; absent: until revoked. */
  valid_days: z.number().int().min(1).max(3650).optional(),
});

export const MQTT_SERVICES = ['ingest', 'api', 'detector', 'simulator'] as const;

export const MqttAccountSchema = z.object({
  username: z.string(),
  kind: z.enum(['device', 'service']),
  company_id: z.string().nullable(),
  service: z.enum(MQTT_SERVICES).nullable(),
  description: z.string().nullable(),
  disabled: z.boolean(),
  created_at: z.number(),
});
export type MqttAccount = z.infer<typeof MqttAccountSchema>;

export const CreateMqttAccountBodySchema = z.strictObject({
  username: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . -; at most 64 characters'),
  /** The company whose devices use it; a company admin may name only their own. */
  company_id: z.string().min(1).max(64),
  description: z.string().trim().max(200).optional(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  time: z.number(),
  actor_id: z.number().int().nullable(),
  actor: z.string(),
  actor_role: z.string().nullable(),
  company_id: z.string().nullable(),
  action: z.string(),
  object_type: z.string().nullable(),
  object_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

// ---------------------------------------------------------------- anonymized statistics

export const STATS_DATASETS = ['corrosion', 'failures'] as const;
export type StatsDataset = (typeof STATS_DATASETS)[number];

export const StatsCellSchema = z.object({
  /** `cell` (both dimensions), `row` (d1 margin), `column` (d2 margin) or `total`. */
  level: z.enum(['cell', 'row', 'column', 'total']),
  d1: z.string().nullable(),
  d2: z.string().nullable(),
  /** Null when suppressed. */
  companies: z.number().int().nullable(),
  /** Segments (corrosion) or segment-km (failures); null when suppressed. */
  weight: z.number().nullable(),
  /** The published figure: mean corrosion rate mm/y, or failures per 1,000 km-years. */
  value: z.number().nullable(),
  suppressed: z.boolean(),
  /** Why: `min_companies`, `dominance`, `secondary`, `differencing`. */
  reason: z.enum(['min_companies', 'dominance', 'secondary', 'differencing']).nullable(),
});
export type StatsCell = z.infer<typeof StatsCellSchema>;

export const StatsResponseSchema = z.object({
  dataset: z.enum(STATS_DATASETS),
  d1: z.string(),
  d2: z.string(),
  unit: z.string(),
  rules: z.object({
    min_companies: z.number().int(),
    max_share: z.number(),
    secondary: z.boolean(),
    differencing_window_days: z.number(),
  }),
  filters: z.record(z.string(), z.unknown()),
  cells: z.array(StatsCellSchema),
  suppressed: z.number().int(),
});
export type StatsResponse = z.infer<typeof StatsResponseSchema>;
