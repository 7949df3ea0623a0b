export const description = 'Saved connection profiles: add, list, remove, use';
