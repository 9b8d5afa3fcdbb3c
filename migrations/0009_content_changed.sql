-- Tells web processes that something the public pages show has changed, so their page caches
-- start afresh (web::page_cache). Postgres delivers a notification when the writing transaction
-- commits, and one per transaction however many statements fired it.
create function notify_content_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('clausewatch_content_changed', '');
    return null;
end
$$;

do $$
declare
    t text;
begin
    foreach t in array array['platforms', 'documents', 'snapshots', 'versions', 'verifications',
                             'lineages', 'provisions', 'changes', 'provision_changes', 'provision_topics',
                             'provision_analyses']
    loop
        execute format('create trigger %I after insert or update or delete or truncate on %I '
                       'for each statement execute function notify_content_changed()',
                       t || '_notify_content_changed', t);
    end loop;
end
$$;
