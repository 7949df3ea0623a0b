export const description = 'Maintenance: health, partitions, view refreshes, vacuum/analyze/reindex, audit log, schedule';
