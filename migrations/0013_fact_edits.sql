-- Editors can correct an analysis's summary and the facts read from the provision, kept as
-- editor-written like the other fields (the facts themselves live in `automated`, beside the
-- rest of the analysis).
alter table analysis_edits drop constraint analysis_edits_field_check;
alter table analysis_edits add constraint analysis_edits_field_check
    check (field in ('summary', 'facts', 'meaning', 'exposure', 'rationale', 'regulations',
                     'jurisdictions', 'contract_implications', 'compliance_actions'));
