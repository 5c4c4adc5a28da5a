import { z } from 'zod';

/** A trimmed, bounded string: every free-text input goes through this. */
export const text = (max = 200, min = 1) => z.string().trim().min(min).max(max);

/** An optional trimmed string where an empty value means absent. */
export const optionalText = (max = 200) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max).optional());

export const uuid = () => z.uuid();

export const idParams = z.strictObject({ id: z.uuid() });

/** Paging and sorting accepted by every list route (react-admin's vocabulary). */
export const pageQuery = {
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(25),
};

export const sortOrder = z.enum(['asc', 'desc']).default('asc');

/** A list answer: one page and the total count. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** A point in time in a response (serialised as an ISO string; documented as date-time). */
export const timestamp = () => z.date();
