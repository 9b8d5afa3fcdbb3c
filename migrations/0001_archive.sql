-- The archive: platforms and their documents, raw snapshots as evidence, extracted versions,
-- verifications ("unchanged since X, last verified Y") and one fetch event per capture attempt.

create or replace function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end $$;

create table platforms (
    platform_id bigint generated always as identity primary key,
    slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name        text not null,
    enabled     boolean not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create trigger platforms_updated_at before update on platforms
    for each row execute function set_updated_at();

create table documents (
    document_id   bigint generated always as identity primary key,
    platform_id   bigint not null references platforms on delete cascade,
    slug          text not null check (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    terms_type    text not null,
    -- the declaration (OTA format) in force, as the catalogue gave it
    declaration   jsonb not null,
    enabled       boolean not null default true,
    -- validators of the last successful fetch, for conditional GET
    etag          text,
    last_modified text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint documents_platform_slug_key unique (platform_id, slug)
);
create trigger documents_updated_at before update on documents
    for each row execute function set_updated_at();

create table snapshots (
    snapshot_id  bigint generated always as identity primary key,
    document_id  bigint not null references documents on delete cascade,
    url          text not null,
    status       smallint not null,
    content_type text,
    headers      jsonb not null default '[]',
    body         bytea not null,
    sha256       text not null,
    size         integer not null,
    fetched_at   timestamptz not null default now()
);
create index snapshots_document_idx on snapshots (document_id, fetched_at desc);

-- A version is stored only when its text differs from the document's latest version. The same
-- text may come back later (a reverted policy is a real change), so sha256 is indexed, not unique.
create table versions (
    version_id   bigint generated always as identity primary key,
    document_id  bigint not null references documents on delete cascade,
    snapshot_id  bigint references snapshots on delete set null,
    text         text not null,
    sha256       text not null,
    captured_at  timestamptz not null,
    origin       text not null default 'capture' check (origin in ('capture', 'import')),
    created_at   timestamptz not null default now()
);
create index versions_document_idx on versions (document_id, captured_at desc, version_id desc);
create index versions_sha_idx on versions (document_id, sha256);
-- an import of the same dated text twice is a no-op
create unique index versions_document_captured_sha_key on versions (document_id, captured_at, sha256);

create table verifications (
    verification_id bigint generated always as identity primary key,
    document_id     bigint not null references documents on delete cascade,
    version_id      bigint not null references versions on delete cascade,
    snapshot_id     bigint references snapshots on delete set null,
    verified_at     timestamptz not null default now()
);
create index verifications_version_idx on verifications (version_id, verified_at desc);

create table fetch_events (
    fetch_event_id bigint generated always as identity primary key,
    document_id    bigint not null references documents on delete cascade,
    outcome        text not null check (outcome in ('new-version', 'unchanged', 'not-modified', 'suspect', 'failed')),
    http_status    smallint,
    error_kind     text,
    error          text,
    snapshot_id    bigint references snapshots on delete set null,
    version_id     bigint references versions on delete set null,
    attempts       integer not null default 1,
    duration_ms    integer not null,
    created_at     timestamptz not null default now()
);
create index fetch_events_document_idx on fetch_events (document_id, created_at desc);

-- Background work, claimed with `for update skip locked` by any number of workers.
create table jobs (
    job_id       bigint generated always as identity primary key,
    kind         text not null,
    payload      jsonb not null default '{}',
    priority     smallint not null default 0,
    run_after    timestamptz not null default now(),
    attempts     integer not null default 0,
    max_attempts integer not null default 5,
    last_error   text,
    dead_at      timestamptz,
    created_at   timestamptz not null default now()
);
create index jobs_ready_idx on jobs (priority desc, run_after) where dead_at is null;

-- One row per schedule tick: the process that inserts it enqueues that tick's jobs, so several
-- schedulers never enqueue the same capture twice.
create table schedule_ticks (
    schedule   text not null,
    tick       timestamptz not null,
    created_at timestamptz not null default now(),
    primary key (schedule, tick)
);
