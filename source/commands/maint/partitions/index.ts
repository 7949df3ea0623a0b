export const description = 'Monthly partitions: create ahead, detach (and drop) old ones';
