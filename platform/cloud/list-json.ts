import { sql } from 'kysely';

/**
 * A listed resource written as JSON text straight from what PostgreSQL prints: jsonb columns arrive as their JSON
 * text (kept by PostgreSQL in generated columns, migration 007) and times as UTC text, so a page of 50 rows is
 * neither parsed into objects (JSON.parse, Date) nor shaped and serialised again. Only the keys below can leave (the response schema's, in its order); `cloud-list.test.ts`
 * holds the result equal to the row path's zod-shaped answer.
 *
 * Output names differ from the table's columns on purpose: ORDER BY prefers an output column of the same name, and
 * a text `created_at` would sort as text, without the index.
 */
export const LISTED_JSON_COLUMNS = sql`id, zone, name, description,
  case when next_at is not null and next_at <= now() then next_status else status end as effective_status,
  parent_id, spec_text as spec_json, tags_text as tags_json, vcpus, ram_gb, size_gb,
  (deleted_at at time zone 'UTC')::text as deleted_utc, (purge_after at time zone 'UTC')::text as purge_utc,
  (created_at at time zone 'UTC')::text as created_utc, (updated_at at time zone 'UTC')::text as updated_utc`;

/** A list over every tenant (platform readers) also needs each row's tenant; a tenant's own list knows it. */
export const TENANT_COLUMN = sql`tenant_id`;

export type ListedJsonRow = {
  id: string;
  /** Only in a list over every tenant (see TENANT_COLUMN). */
  tenant_id?: string;
  zone: string;
  name: string;
  description: string | null;
  effective_status: string;
  parent_id: string | null;
  spec_json: string;
  tags_json: string;
  vcpus: number;
  ram_gb: number;
  size_gb: number;
  deleted_utc: string | null;
  purge_utc: string | null;
  created_utc: string;
  updated_utc: string;
};

/**
 * `2026-11-26 04:15:50.123456` (a UTC timestamp as PostgreSQL prints it) as `Date#toJSON` writes it:
 * `2026-11-26T04:15:50.123Z`, milliseconds truncated as the pg driver truncates them.
 */
export function utcTextToJson(s: string): string {
  const frac = s.length > 20 ? s.slice(20, 23).padEnd(3, '0') : '000';
  return `${s.slice(0, 10)}T${s.slice(11, 19)}.${frac}Z`;
}

/** The same UTC text as a timestamptz literal PostgreSQL reads back exactly (microseconds kept: a seek key). */
export const utcTextToTimestamptz = (s: string) => `${s}+00`;

const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
const time = (s: string | null) => (s === null ? 'null' : `"${utcTextToJson(s)}"`);

/**
 * One listed row as the JSON object the list routes answer with. `kind` and, in a tenant's own list, `tenantId` are
 * the same for every row of the page: they come from the filter, not once per row from the database.
 */
export function listedJson(r: ListedJsonRow, page: { kind: string; tenantId: string | null }): string {
  return (
    `{"id":"${r.id}","tenantId":${str(page.tenantId ?? r.tenant_id ?? null)},"zone":${str(r.zone)},"kind":${str(page.kind)},"name":${str(r.name)},` +
    `"description":${str(r.description)},"status":${str(r.effective_status)},"parentId":${str(r.parent_id)},` +
    `"spec":${r.spec_json},"tags":${r.tags_json},"vcpus":${r.vcpus},"ramGb":${r.ram_gb},"sizeGb":${r.size_gb},` +
    `"deletedAt":${time(r.deleted_utc)},"purgeAfter":${time(r.purge_utc)},"createdAt":${time(r.created_utc)},"updatedAt":${time(r.updated_utc)}}`
  );
}
