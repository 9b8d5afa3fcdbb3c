-- The governance exposure of each (provision, topic), as the analysis rubric computed it when the
-- provision was classified: pages count and colour by it without re-running the analysis.
-- Rows stored before this migration have none until `clausewatch rediff` recomputes them.
alter table provision_topics
    add column exposure text check (exposure in ('high', 'medium', 'low'));
create index provision_topics_exposure_idx on provision_topics (topic, exposure);
