-- Tells web processes that what a signed-in visitor may see could have changed (a session ended,
-- a plan or operator right changed, a membership came or went), so they forget the visibility
-- classes they remembered per session (web::page_cache::viewers). Sessions notify on delete only:
-- one is saved on most requests, and what it holds (the user, the organisation chosen) can only
-- choose among the rights the other tables give.
create function notify_viewers_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('clausewatch_viewers_changed', '');
    return null;
end
$$;

create trigger sessions_notify_viewers_changed after delete or truncate on sessions
    for each statement execute function notify_viewers_changed();
create trigger users_notify_viewers_changed after update or delete or truncate on users
    for each statement execute function notify_viewers_changed();
create trigger memberships_notify_viewers_changed after insert or update or delete or truncate on memberships
    for each statement execute function notify_viewers_changed();
create trigger organisations_notify_viewers_changed after update or delete or truncate on organisations
    for each statement execute function notify_viewers_changed();
