export const description = 'Maintenance: health, partitions, view refreshes, vacuum/analyze/reindex, cancel/terminate backends, audit log, schedule';
