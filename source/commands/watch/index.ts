export const description = 'Watch live views full-screen: vehicles, charging, routes (--once --json for scripts)';
