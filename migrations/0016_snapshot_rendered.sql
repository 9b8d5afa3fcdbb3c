-- A snapshot of a page built by scripts is the DOM the headless browser rendered, not the bytes
-- the server sent: the evidence says which it is.
alter table snapshots add column rendered boolean not null default false;
