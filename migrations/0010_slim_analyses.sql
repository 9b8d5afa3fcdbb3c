-- Stored analyses keep only what the provision decides: the topic's own text (regulations,
-- jurisdictions, implications, actions) is read from the taxonomy when an analysis is shown
-- (pipeline::analyse::Analysis::with_topic_text). Drop the copies stored before.
update provision_analyses
set automated = automated - 'regulations' - 'jurisdictions' - 'contract_implications' - 'compliance_actions'
where automated ?| array['regulations', 'jurisdictions', 'contract_implications', 'compliance_actions'];
