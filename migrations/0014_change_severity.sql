-- A change's severity, decided when it is diffed (issue 17): the highest exposure among the
-- topics whose wording or facts the change altered, not every topic of every provision it
-- touched. Null when the change does not alert or touches no topic.
alter table changes add column severity text check (severity in ('low', 'medium', 'high'));

-- Until `clausewatch rediff` recomputes it, a stored change keeps the severity it was shown with:
-- the highest exposure of the topics of its substantive provision changes.
update changes c set severity = (
    select (array['low', 'medium', 'high'])[max(case pt.exposure when 'high' then 3 when 'medium' then 2
                                                when 'low' then 1 end)]
    from provision_changes pc
    join provision_topics pt on pt.provision_id in (pc.old_provision_id, pc.new_provision_id)
    where pc.change_id = c.change_id and c.alert and pc.class = 'substantive');
