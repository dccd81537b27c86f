import { Initial1763900000000 } from './1763900000000-Initial';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS = [Initial1763900000000];
