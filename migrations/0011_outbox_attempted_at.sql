-- When a mail was last handed to the SMTP server, so operators see when its last error happened
-- (`clausewatch mail status`). Rows attempted before this migration have none.
alter table email_outbox add column last_attempt_at timestamptz;
create index email_outbox_errors_idx on email_outbox (last_attempt_at desc) where last_error is not null;
