-- The operators' capture page reads each document's newest verification and newest good capture;
-- without these it would scan every row of both tables per document.
create index verifications_document_idx on verifications (document_id, verified_at desc);
create index fetch_events_good_idx on fetch_events (document_id, created_at desc)
    where outcome in ('new-version', 'unchanged', 'not-modified');

-- Operators are mailed once per failure spell of a document: the spell is named by its first
-- failed or suspect capture.
create table capture_failure_notices (
    spell_event_id bigint primary key references fetch_events on delete cascade,
    document_id    bigint not null references documents on delete cascade,
    operators      integer not null,
    notified_at    timestamptz not null default now()
);
