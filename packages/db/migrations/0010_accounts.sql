-- Accounts, sessions and the audit trail (issue 6, docs/security.md). Passwords and tokens are
-- stored only as hashes; a session, display token or sign-in link is found by the SHA-256 of
-- the secret the client holds.

create table app_user (
  id bigserial primary key,
  username text not null unique check (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
  display_name text not null,
  role text not null check (role in (
    'operator', 'safety_officer', 'plant_engineer', 'company_admin', 'complex_admin', 'regulator')),
  -- the company of a company role; complex-wide roles have none
  company_id text references company (id),
  -- scrypt, PHC-like: scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>; null for accounts that sign
  -- in only through an identity provider
  password_hash text,
  -- OpenID Connect: the issuer and subject a plant's identity provider signs in as this user
  oidc_issuer text,
  oidc_subject text,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  created_by bigint references app_user (id),
  check ((role in ('plant_engineer', 'company_admin')) = (company_id is not null)),
  unique (oidc_issuer, oidc_subject)
);

-- Browser sessions and API tokens: sliding expiry (idle) within an absolute lifetime.
create table session (
  token_hash bytea primary key,
  user_id bigint references app_user (id),
  display_token_id bigint,
  kind text not null check (kind in ('browser', 'api', 'display')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text,
  check ((user_id is null) <> (display_token_id is null))
);
create index session_user_idx on session (user_id) where revoked_at is null;

-- Long-lived read-only tokens for wall displays, made and revoked by a complex admin.
create table display_token (
  id bigserial primary key,
  name text not null,
  token_hash bytea not null unique,
  created_by bigint not null references app_user (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
alter table session add foreign key (display_token_id) references display_token (id);

-- One-time sign-in links (the launcher prints one for the first admin): valid once, until expiry.
create table signin_link (
  token_hash bytea primary key,
  user_id bigint not null references app_user (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

-- Append-only: every sign-in and every change to alerts, users, roles, thresholds and tokens.
-- No role may update or delete a row (the trigger refuses it even for the owner); the api role
-- has only insert and select.
create table audit_log (
  id bigserial primary key,
  time timestamptz not null default now(),
  -- who: the user (null for a failed sign-in of an unknown name, or the system)
  actor_id bigint,
  actor text not null,
  actor_role text,
  -- the company the entry concerns (the actor's or the object's), for company admins' view
  company_id text,
  action text not null,
  object_type text,
  object_id text,
  -- from where
  ip text,
  user_agent text,
  outcome text not null default 'ok' check (outcome in ('ok', 'denied', 'failed')),
  detail jsonb
);
create index audit_log_time_idx on audit_log (time desc);
create index audit_log_company_idx on audit_log (company_id, time desc);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % is not allowed', tg_op;
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();

-- MQTT credentials: devices of one company (may publish only under twin/v1/<company>/#) and
-- the platform's services. The hash is Mosquitto's PBKDF2-SHA512 form ($7$...), so the password
-- file for a real Mosquitto is written from this table and the embedded broker checks the same.
create table mqtt_account (
  username text primary key check (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  kind text not null check (kind in ('device', 'service')),
  company_id text references company (id),
  -- services: ingest, api, detector, simulator (their topic rights are fixed in code)
  service text check (service in ('ingest', 'api', 'detector', 'simulator')),
  password_hash text not null,
  description text,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  created_by bigint references app_user (id),
  check ((kind = 'device') = (company_id is not null)),
  check ((kind = 'service') = (service is not null))
);

-- Queries of the anonymized statistics, with the (pseudonymous) contributors of every cell
-- released, so that a later query overlapping an earlier one can be checked for differencing.
create table stats_query (
  id bigserial primary key,
  time timestamptz not null default now(),
  user_id bigint not null references app_user (id),
  company_id text,
  dataset text not null,
  filters jsonb not null,
  released jsonb not null,
  suppressed integer not null
);
create index stats_query_user_idx on stats_query (user_id, dataset, time desc);
create index stats_query_company_idx on stats_query (company_id, dataset, time desc);

-- The consortium's salt for pseudonymous company ids; no application role can read it.
create table stats_secret (
  id boolean primary key default true check (id),
  salt text not null
);
insert into stats_secret (salt) values (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
