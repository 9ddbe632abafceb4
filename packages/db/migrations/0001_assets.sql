-- The complex's assets. Every asset row carries company_id: tenancy is enforced in the database.
-- Coordinates are site metres (x east, y north, z up); units are in the column names.

create table site (
  id text primary key,
  name text not null,
  origin_lat double precision not null,
  origin_lon double precision not null,
  bounds_min_m double precision[] not null,
  bounds_max_m double precision[] not null,
  -- flat [x0, y0, x1, y1, ...]
  coastline_m double precision[] not null
);

create table area (
  id text primary key,
  name text not null
);

create table company (
  id text primary key,
  name text not null,
  short_name text not null unique,
  area_id text not null references area (id),
  -- flat [x0, y0, x1, y1, ...]
  plot_m double precision[] not null
);

create table substance (
  id text primary key,
  name text not null,
  formula text not null,
  cas text,
  molar_mass_g_mol double precision not null,
  phase text not null,
  density_kg_m3 double precision not null,
  bulk_modulus_pa double precision not null,
  toxic boolean not null,
  flammable boolean not null,
  dense_gas boolean not null,
  lfl_pct double precision,
  aegl_ppm double precision[],
  aegl_source text,
  erpg_ppm double precision[],
  erpg_source text,
  toxic_component jsonb,
  piping_class smallint not null
);

create table line (
  id text primary key,
  company_id text not null references company (id),
  tag text not null,
  name text not null,
  substance_id text not null references substance (id),
  area_id text not null references area (id),
  nominal_flow_m3h double precision not null,
  inlet_pressure_kpa double precision not null,
  operating_temp_c double precision not null,
  unique (company_id, tag)
);

create table node (
  id text primary key,
  company_id text not null references company (id),
  kind text not null check (kind in ('terminal', 'junction', 'equipment', 'valve')),
  x_m double precision not null,
  y_m double precision not null,
  z_m double precision not null
);

create table segment (
  id text primary key,
  company_id text not null references company (id),
  line_id text not null references line (id),
  line_order integer not null,
  from_node_id text not null references node (id),
  to_node_id text not null references node (id),
  -- flat [x0, y0, z0, x1, y1, z1, ...]
  path_m double precision[] not null,
  length_m double precision not null,
  diameter_mm double precision not null,
  wall_mm double precision not null,
  corrosion_allowance_mm double precision not null,
  material text not null,
  install_year smallint not null,
  substance_id text not null references substance (id),
  design_pressure_kpa double precision not null,
  design_temp_c double precision not null,
  piping_class smallint not null check (piping_class between 1 and 4),
  placement text not null check (placement in ('rack', 'buried', 'sleeper')),
  area_id text not null references area (id)
);
create index segment_line_idx on segment (line_id, line_order);
create index segment_company_idx on segment (company_id);

create table equipment (
  id text primary key,
  company_id text not null references company (id),
  kind text not null check (kind in ('pump', 'compressor', 'valve', 'tank')),
  tag text not null,
  name text not null,
  x_m double precision not null,
  y_m double precision not null,
  z_m double precision not null,
  area_id text not null references area (id),
  line_id text references line (id),
  node_id text references node (id),
  rated_kw double precision,
  speed_rpm double precision,
  machine_group smallint,
  foundation text,
  isolation boolean,
  capacity_m3 double precision
);
create index equipment_company_idx on equipment (company_id);

create table device (
  company_id text not null references company (id),
  id text not null,
  kind text not null,
  name text not null,
  area_id text not null references area (id),
  -- last status message ('online' | 'offline') and when it came
  status text,
  status_at timestamptz,
  primary key (company_id, id)
);

create table sensor (
  id serial primary key,
  company_id text not null references company (id),
  device_id text not null,
  tag text not null,
  quantity text not null,
  unit text not null,
  segment_id text references segment (id),
  equipment_id text references equipment (id),
  position_m double precision,
  unique (company_id, tag),
  foreign key (company_id, device_id) references device (company_id, id)
);
create index sensor_segment_idx on sensor (segment_id);
create index sensor_equipment_idx on sensor (equipment_id);

-- What was loaded: generator seed and size, or an import.
create table plant_meta (
  id boolean primary key default true check (id),
  source text not null,
  seed integer,
  size text,
  version integer not null,
  loaded_at timestamptz not null default now()
);

-- Messages ingest could not store, with the reason and the bytes as they came.
create table dead_letter (
  id bigserial primary key,
  received_at timestamptz not null default now(),
  topic text not null,
  company_id text,
  device_id text,
  reason text not null,
  detail text,
  payload bytea not null,
  payload_bytes integer not null
);
create index dead_letter_received_idx on dead_letter (received_at);
