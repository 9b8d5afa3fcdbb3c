-- Which changes each user has been alerted about. One alert mail lists every pending change of
-- a recipient from the same capture day; the alert jobs of the other changes in that mail find
-- them here and send nothing more.
create table alert_deliveries (
    change_id       bigint not null references changes on delete cascade,
    user_id         bigint not null references users on delete cascade,
    org_id          bigint references organisations on delete set null,
    idempotency_key text not null,
    created_at      timestamptz not null default now(),
    primary key (change_id, user_id)
);
create index alert_deliveries_user_idx on alert_deliveries (user_id, created_at desc);
