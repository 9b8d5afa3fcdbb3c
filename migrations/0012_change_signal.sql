-- Change classes a reader would use (issue 17): only substantive changes alert. Chrome (site
-- furniture shared across a platform's pages), markup, renumbering, regional variants and
-- broken captures are stored and shown on request, never alerted.
alter table changes drop constraint changes_class_check;
alter table changes add constraint changes_class_check check (class in
    ('substantive', 'metadata', 'renumbered', 'cosmetic', 'markup', 'chrome', 'variant', 'broken'));
alter table provision_changes drop constraint provision_changes_class_check;
alter table provision_changes add constraint provision_changes_class_check check (class in
    ('substantive', 'metadata', 'renumbered', 'cosmetic', 'markup', 'chrome', 'variant', 'broken'));

-- What alerts, digests, severity and the API's "alert" field follow: one definition.
alter table changes add column alert boolean generated always as (class = 'substantive') stored;

-- The region a version says it is for ("United Kingdom"), when it says so: variants of a
-- document are tracked apart.
alter table versions add column variant text;

-- Lines a platform's documents share (navigation, footers, banners, cookie notices, buttons),
-- learnt from the archive by `rediff` and imports: a change confined to them is chrome.
create table chrome_lines (
    platform_id bigint not null references platforms on delete cascade,
    fingerprint text not null,
    sample      text not null,
    primary key (platform_id, fingerprint)
);

create trigger chrome_lines_notify_content_changed after insert or update or delete or truncate on chrome_lines
    for each statement execute function notify_content_changed();
