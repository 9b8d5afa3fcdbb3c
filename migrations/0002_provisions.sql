-- Provisions of each version, their lineage through history, and the changes between versions.

-- "The same provision" through history: provisions linked by the aligner share a lineage.
create table lineages (
    lineage_id  bigint generated always as identity primary key,
    document_id bigint not null references documents on delete cascade,
    created_at  timestamptz not null default now()
);
create index lineages_document_idx on lineages (document_id, lineage_id);

create table provisions (
    provision_id bigint generated always as identity primary key,
    version_id   bigint not null references versions on delete cascade,
    lineage_id   bigint not null references lineages on delete cascade,
    ordinal      integer not null,
    key          text not null,
    heading_path text[] not null default '{}',
    clause       text,
    title        text,
    text         text not null,
    sha256       text not null,
    constraint provisions_version_ordinal_key unique (version_id, ordinal),
    constraint provisions_version_key_key unique (version_id, key)
);
create index provisions_lineage_idx on provisions (lineage_id, version_id);

create table changes (
    change_id       bigint generated always as identity primary key,
    document_id     bigint not null references documents on delete cascade,
    from_version_id bigint not null references versions on delete cascade,
    to_version_id   bigint not null references versions on delete cascade,
    class           text not null check (class in ('substantive', 'cosmetic', 'metadata')),
    summary         text not null,
    detected_at     timestamptz not null default now(),
    constraint changes_versions_key unique (from_version_id, to_version_id)
);
create index changes_document_idx on changes (document_id, change_id desc);
create index changes_to_version_idx on changes (to_version_id);

create table provision_changes (
    provision_change_id bigint generated always as identity primary key,
    change_id        bigint not null references changes on delete cascade,
    ordinal          integer not null,
    kind             text not null check (kind in ('added', 'removed', 'modified', 'moved', 'renumbered')),
    class            text not null check (class in ('substantive', 'cosmetic', 'metadata')),
    lineage_id       bigint references lineages on delete set null,
    old_provision_id bigint references provisions on delete cascade,
    new_provision_id bigint references provisions on delete cascade,
    key              text not null,
    label            text not null,
    summary          text not null,
    -- word diff: [{"Equal": "…"}, {"Insert": "…"}, {"Delete": "…"}]
    words            jsonb not null default '[]',
    constraint provision_changes_change_ordinal_key unique (change_id, ordinal)
);
create index provision_changes_lineage_idx on provision_changes (lineage_id);
