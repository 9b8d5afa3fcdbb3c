-- The line where a version's document states its date ("Last updated: May 1, 2025"), read once
-- when the version is stored (`pipeline::diff::stated_date`), so pages that quote it need not
-- load the whole text. The date is read by Rust, which a migration cannot run: versions stored
-- before this column existed have `stated_date_read` false and are filled by a cheap pass at
-- start-up and by `clausewatch rediff` (`db::versions::backfill_stated_dates`); until then the
-- evidence query hands such a version's text to the page, which reads the date as it used to.
alter table versions
    add column stated_date text,
    add column stated_date_read boolean not null default false;

-- Only the versions still to be read: the pass finds them without scanning the texts.
create index versions_stated_date_unread_idx on versions (version_id) where not stated_date_read;
