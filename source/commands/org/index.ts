export const description = 'Organizations: which database logins may see them (logins)';
