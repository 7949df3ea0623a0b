export const description = 'Schema: migrate, status, seed';
