import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships without messages ("Invalid input" for every issue); classic zod's English ones are
// part of the API's 422 details and of the template and email-string errors. Imported for its effect
// by schemas/common.ts (so by every schema module) and by the modules that check files with zod.
// Imported by path: `z.locales.en` would bundle all 50 locales.
z.config(en());
