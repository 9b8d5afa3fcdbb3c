-- The analysis of each provision for each of its topics, stored when the provision is stored:
-- the automated composition (`automated`, the JSON of pipeline::analyse::Analysis) and, per
-- field, the text an editor wrote instead (`edited`: field slug -> text). A field in `edited` is
-- editor-written; `clausewatch reanalyse` recomputes `automated` and never touches `edited`.
-- Keyed by (version, lineage) rather than provision id: a rediff recreates provisions but keeps
-- lineage ids, so editors' work survives it.
create table provision_analyses (
    version_id  bigint not null references versions on delete cascade,
    lineage_id  bigint not null references lineages on delete cascade,
    topic       text not null,
    automated   jsonb not null,
    edited      jsonb not null default '{}' check (jsonb_typeof(edited) = 'object'),
    reviewed_at timestamptz,
    reviewed_by bigint references users on delete set null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (version_id, lineage_id, topic)
);
create index provision_analyses_lineage_idx on provision_analyses (lineage_id, version_id);
create trigger provision_analyses_updated_at before update on provision_analyses
    for each row execute function set_updated_at();

-- Every field an editor changed: who, when, and the text before and after.
create table analysis_edits (
    analysis_edit_id bigint generated always as identity primary key,
    version_id    bigint not null,
    lineage_id    bigint not null,
    topic         text not null,
    field         text not null check (field in ('meaning', 'exposure', 'rationale', 'regulations',
                                                 'jurisdictions', 'contract_implications', 'compliance_actions')),
    previous_text text not null,
    new_text      text not null,
    user_id       bigint references users on delete set null,
    edited_at     timestamptz not null default now(),
    constraint analysis_edits_analysis_fkey foreign key (version_id, lineage_id, topic)
        references provision_analyses on delete cascade
);
create index analysis_edits_lineage_idx on analysis_edits (lineage_id, edited_at desc);
