-- Accounts, part two: operators, rate limiting, idempotent plan forms, and the plan limits
-- enforced in the database as well as on the server.

alter table users add column is_admin boolean not null default false;

-- One row per counted attempt (login, sign-up, password reset), per bucket such as
-- 'login:ip:127.0.0.1' or 'login:account:ada@example.com'. Old rows are pruned as they are read.
create table rate_limit_hits (
    bucket text not null,
    hit_at timestamptz not null default now()
);
create index rate_limit_hits_bucket_idx on rate_limit_hits (bucket, hit_at);

-- Forms that change a plan carry an idempotency key: a second submit of the same form is a no-op.
create table plan_changes (
    idempotency_key text primary key,
    org_id          bigint not null references organisations on delete cascade,
    plan            text not null,
    plan_until      timestamptz,
    changed_by      text not null,
    created_at      timestamptz not null default now()
);

-- The plan in force: the stored plan until plan_until passes, then Free.
create function effective_plan(plan text, plan_until timestamptz) returns text
language sql stable as $$
    select case when plan_until is not null and plan_until <= now() then 'free' else plan end
$$;

-- How many platforms a plan may track, and how many members it may have (DESIGN.md's table;
-- "several" team members is 10). Keep in step with src/domain/plan.rs.
create function plan_platform_limit(plan text) returns integer
language sql immutable as $$
    select case plan when 'free' then 1 when 'watcher' then 10 when 'professional' then 10 else 0 end
$$;

create function plan_member_limit(plan text) returns integer
language sql immutable as $$
    select case plan when 'professional' then 10 else 1 end
$$;

-- Locks the organisation row, then counts: a second concurrent insert waits for the first to
-- commit and then sees it, so no two requests together can exceed the limit.
create function enforce_tracked_platform_limit() returns trigger language plpgsql as $$
declare
    allowed integer;
    tracked integer;
begin
    select plan_platform_limit(effective_plan(plan, plan_until)) into allowed
    from organisations where org_id = new.org_id for update;
    select count(*) into tracked from tracked_platforms where org_id = new.org_id;
    if tracked >= allowed then
        raise exception 'the plan of organisation % allows % tracked platforms', new.org_id, allowed
            using errcode = 'check_violation', constraint = 'tracked_platforms_plan_limit';
    end if;
    return new;
end $$;
create trigger tracked_platforms_plan_limit before insert on tracked_platforms
    for each row execute function enforce_tracked_platform_limit();

create function enforce_member_limit() returns trigger language plpgsql as $$
declare
    allowed integer;
    members integer;
begin
    select plan_member_limit(effective_plan(plan, plan_until)) into allowed
    from organisations where org_id = new.org_id for update;
    select count(*) into members from memberships where org_id = new.org_id;
    if members >= allowed then
        raise exception 'the plan of organisation % allows % members', new.org_id, allowed
            using errcode = 'check_violation', constraint = 'memberships_plan_limit';
    end if;
    return new;
end $$;
create trigger memberships_plan_limit before insert on memberships
    for each row execute function enforce_member_limit();

-- What a downgrade keeps active: the platforms tracked first, up to the plan's limit. Rows beyond
-- it stay stored (so an upgrade restores them) but alerts and digests read this view.
create view active_tracked_platforms as
select t.org_id, t.platform_id, t.created_at
from (
    select tp.*, row_number() over (partition by tp.org_id order by tp.created_at, tp.platform_id) as position
    from tracked_platforms tp
) t
join organisations o on o.org_id = t.org_id
where t.position <= plan_platform_limit(effective_plan(o.plan, o.plan_until));

create index tokens_user_kind_idx on tokens (user_id, kind);
