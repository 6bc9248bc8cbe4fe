/** The CLI's user-error type lives in src/config (the lowest layer) so every layer can throw it. */
export { UserError, located } from '../config/errors.ts';
