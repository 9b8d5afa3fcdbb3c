-- Accounts and tenants: users belong to organisations through memberships; every tenant-owned
-- row carries org_id. Plans live on the organisation. Mail goes through one outbox.

create table users (
    user_id           bigint generated always as identity primary key,
    email             text not null,
    password_hash     text not null,
    email_verified_at timestamptz,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));
create trigger users_updated_at before update on users for each row execute function set_updated_at();

create table organisations (
    org_id        bigint generated always as identity primary key,
    name          text not null,
    plan          text not null default 'free' check (plan in ('free', 'watcher', 'professional')),
    -- when a trial or an operator-set plan ends; past it the organisation is on Free
    plan_until    timestamptz,
    trial_used_at timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create trigger organisations_updated_at before update on organisations for each row execute function set_updated_at();

create table memberships (
    org_id     bigint not null references organisations on delete cascade,
    user_id    bigint not null references users on delete cascade,
    role       text not null check (role in ('owner', 'member')),
    created_at timestamptz not null default now(),
    primary key (org_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

-- Server-side sessions (tower-sessions record, serialised).
create table sessions (
    session_id text primary key,
    data       bytea not null,
    expires_at timestamptz not null
);
create index sessions_expires_idx on sessions (expires_at);

-- Platforms an organisation tracks (tenant-owned).
create table tracked_platforms (
    org_id      bigint not null references organisations on delete cascade,
    platform_id bigint not null references platforms on delete cascade,
    created_at  timestamptz not null default now(),
    primary key (org_id, platform_id)
);

-- Per user and organisation: what mail they want.
create table alert_preferences (
    org_id          bigint not null references organisations on delete cascade,
    user_id         bigint not null references users on delete cascade,
    same_day_alerts boolean not null default true,
    weekly_digest   boolean not null default true,
    -- ISO weekday, 1 = Monday
    digest_weekday  smallint not null default 1 check (digest_weekday between 1 and 7),
    digest_hour     smallint not null default 8 check (digest_hour between 0 and 23),
    empty_digest    boolean not null default true,
    primary key (org_id, user_id)
);

-- Professional: alert only when these topics or provisions are touched (tenant-owned).
create table watches (
    watch_id   bigint generated always as identity primary key,
    org_id     bigint not null references organisations on delete cascade,
    topic      text,
    lineage_id bigint references lineages on delete cascade,
    created_at timestamptz not null default now(),
    constraint watches_target_check check ((topic is null) <> (lineage_id is null))
);
create unique index watches_topic_key on watches (org_id, topic) where topic is not null;
create unique index watches_lineage_key on watches (org_id, lineage_id) where lineage_id is not null;

-- Single-use links: email verification, password reset, invitations. Only a hash is stored.
create table tokens (
    token_hash text primary key,
    kind       text not null check (kind in ('verify-email', 'reset-password', 'invitation', 'change-email')),
    user_id    bigint references users on delete cascade,
    org_id     bigint references organisations on delete cascade,
    email      text,
    expires_at timestamptz not null,
    used_at    timestamptz,
    created_at timestamptz not null default now()
);

-- Every mail (alerts, digests, account mail) is written here in the transaction of its cause,
-- keyed so that it is sent at most once per key.
create table email_outbox (
    outbox_id       bigint generated always as identity primary key,
    idempotency_key text not null unique,
    org_id          bigint references organisations on delete set null,
    user_id         bigint references users on delete set null,
    recipient       text not null,
    template        text not null,
    subject         text not null,
    body_text       text not null,
    body_html       text not null,
    headers         jsonb not null default '{}',
    status          text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'dead')),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz
);
create index email_outbox_ready_idx on email_outbox (next_attempt_at) where status = 'queued';
