-- Topics of each provision, with the classifier's confidence and the phrases that matched.
create table provision_topics (
    provision_id bigint not null references provisions on delete cascade,
    topic        text not null,
    confidence   real not null check (confidence > 0 and confidence <= 1),
    evidence     text[] not null default '{}',
    primary key (provision_id, topic)
);
create index provision_topics_topic_idx on provision_topics (topic, provision_id);
