import type { Kysely } from 'kysely';
import type { Actor } from '../../core/authz';
import { can } from '../../core/authz';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import type { CloudCore } from './cloud-core';
import { toView, type ResourceRow } from './cloud-dal';
import type { ImageMemberStatus, ImageVisibility } from './driver/cloud-driver';

const notFound = () => new NotFoundError('no such image', { code: 'cloud.image_not_found' });

/** The visibility an image row holds; rows imported before sharing existed are private. */
export const visibilityOf = (r: Pick<ResourceRow, 'spec'>): ImageVisibility => (r.spec.visibility === 'shared' || r.spec.visibility === 'public' ? r.spec.visibility : 'private');

/**
 * Image sharing: private (the owner tenant), shared (the owner and its member tenants) or public (every tenant of
 * the zone). Members count only while the image is shared, and only once they have accepted the share (Glance's
 * member status: pending → accepted or rejected, the member's own call). An image a tenant may not see is "not found".
 */
export function createImageSharing(core: CloudCore) {
  const { dal, db } = core.deps;
  const isPlatformAdmin = (a: Actor) => a.tenantId === null && can(a, 'cloud.admin');

  async function canSee(actor: Actor, row: ResourceRow, tx: Kysely<any>): Promise<boolean> {
    if (actor.tenantId === null || row.tenant_id === actor.tenantId) return true;
    const v = visibilityOf(row);
    return v === 'public' || (v === 'shared' && (await dal.isImageMember(row.id, actor.tenantId, tx)));
  }

  /** The image row if the actor may see it (and so boot it), else 404. */
  async function visible(actor: Actor, id: string, tx: Kysely<any> = db): Promise<ResourceRow> {
    const row = await dal.find(id, tx);
    if (!row || row.kind !== 'image' || !(await canSee(actor, row, tx))) throw notFound();
    return row;
  }

  /** Locks an image its owner tenant (or the platform admin) may change; a member may look but not change. */
  async function manageable(actor: Actor, id: string, tx: Kysely<any>): Promise<ResourceRow> {
    const row = await dal.lock(id, tx);
    if (!row || row.kind !== 'image' || !(await canSee(actor, row, tx))) throw notFound();
    if (actor.tenantId !== null ? row.tenant_id !== actor.tenantId : !isPlatformAdmin(actor)) {
      throw new ForbiddenError('only the tenant that owns the image changes who may use it', { code: 'cloud.image_not_owner' });
    }
    return row;
  }

  /** The owner tenant's driver: the image lives in the owner's project. */
  const driverOf = (row: ResourceRow) => core.driverFor(row.zone, row.tenant_id);

  /** A share offered to the actor's tenant (any status) of an image shared now; anything else is 404. */
  async function offered(actor: Actor, id: string, tx: Kysely<any> = db) {
    if (!actor.tenantId) throw new ForbiddenError('only a tenant answers a share', { code: 'cloud.tenant_only' });
    const row = await dal.find(id, tx);
    const member = row && row.kind === 'image' && visibilityOf(row) === 'shared' ? await dal.imageMembership(row.id, actor.tenantId, tx) : undefined;
    if (!row || !member) throw notFound();
    return { row, member };
  }

  return {
    visible,

    async get(actor: Actor, id: string) {
      return toView(await visible(actor, id));
    },

    async setVisibility(actor: Actor, id: string, visibility: ImageVisibility) {
      // Public reaches every tenant of the zone: that is the platform's call, never one tenant's.
      if (visibility === 'public' && !isPlatformAdmin(actor)) {
        throw new ForbiddenError('only the platform administrator makes an image public', { code: 'cloud.image_public_admin_only' });
      }
      return db.transaction().execute(async (tx) => {
        const row = await manageable(actor, id, tx);
        const before = visibilityOf(row);
        if (before === visibility) return toView(row);
        if (row.status !== 'active' && visibility !== 'private') throw new ConflictError(`the image ${row.name} is ${row.status}, not active`, { code: 'cloud.image_not_ready' });
        const updated = await dal.update(row.id, { spec: { ...row.spec, visibility } }, tx);
        await core.audit(tx, actor, 'image.visibility_changed', row, { before: { visibility: before }, after: { visibility } });
        if (row.provider_ref) await driverOf(row).setImageVisibility(row.provider_ref, visibility);
        return toView(updated);
      });
    },

    async members(actor: Actor, id: string) {
      const row = await visible(actor, id);
      if (actor.tenantId !== null && row.tenant_id !== actor.tenantId) throw new ForbiddenError('only the tenant that owns the image sees its members', { code: 'cloud.image_not_owner' });
      const rows = await dal.imageMembers(row.id);
      const names = await core.deps.tenants.directory(rows.map((r) => r.tenant_id));
      const byId = new Map(names.map((n) => [n.id, n.name]));
      const items = rows.map((r) => ({ tenantId: r.tenant_id, tenantName: byId.get(r.tenant_id) ?? null, addedBy: r.added_by, addedAt: r.added_at, status: r.status, decidedAt: r.decided_at }));
      return { items, total: items.length };
    },

    /** The shares other tenants offer the actor's tenant, with how it answered them (pending ones to decide). */
    async shares(actor: Actor, status?: ImageMemberStatus) {
      if (!actor.tenantId) throw new ForbiddenError('only a tenant has shares offered to it', { code: 'cloud.tenant_only' });
      const rows = await dal.imagesOfferedTo(actor.tenantId, status);
      const owners = new Map((await core.deps.tenants.directory([...new Set(rows.map((r) => r.image.tenant_id))])).map((n) => [n.id, n.name]));
      const items = rows.map((r) => ({
        imageId: r.image_id, imageName: r.image.name, osType: (r.image.spec.osType as string | undefined) ?? null, imageStatus: r.image.status,
        ownerTenantId: r.image.tenant_id, ownerTenantName: owners.get(r.image.tenant_id) ?? null, status: r.status, addedAt: r.added_at, decidedAt: r.decided_at,
      }));
      return { items, total: items.length };
    },

    /**
     * The receiving tenant accepts or rejects a share. The region hears it first (Glance takes it only from the
     * member's project), then the record changes with its audit; a refusal by the region changes nothing.
     */
    async answer(actor: Actor, id: string, status: Exclude<ImageMemberStatus, 'pending'>) {
      const first = await offered(actor, id);
      if (first.member.status !== status && first.row.provider_ref) {
        await core.driverFor(first.row.zone, first.row.tenant_id).setImageMemberStatus(first.row.provider_ref, actor.tenantId!, status);
      }
      return db.transaction().execute(async (tx) => {
        await dal.lock(id, tx);
        const { row, member } = await offered(actor, id, tx);
        if (member.status === status) return { ...toView(row), shareStatus: status };
        await dal.setImageMemberStatus(row.id, actor.tenantId!, status, actor.loginId, tx);
        // Recorded under the answering tenant (its own operation); the owner is in the detail.
        await core.audit(tx, actor, status === 'accepted' ? 'image.share_accepted' : 'image.share_rejected', { id: row.id, kind: 'image', tenant_id: actor.tenantId! }, { before: { status: member.status }, after: { status }, detail: { ownerTenantId: row.tenant_id } });
        return { ...toView(row), shareStatus: status };
      });
    },

    async addMember(actor: Actor, id: string, tenantId: string) {
      return db.transaction().execute(async (tx) => {
        const row = await manageable(actor, id, tx);
        if (visibilityOf(row) !== 'shared') throw new ConflictError('share the image (visibility "shared") before adding members', { code: 'cloud.image_not_shared' });
        if (tenantId === row.tenant_id) throw new InputError('the owner tenant is not a member of its own image', { code: 'cloud.image_member_is_owner' });
        // The image lives in one zone's store: only an active tenant of that zone can boot it.
        const [t] = await core.deps.tenants.directory([tenantId]);
        if (!t || t.zone !== row.zone || t.status !== 'active') throw new NotFoundError('no such tenant in the image’s zone', { code: 'cloud.tenant_not_found' });
        if (await dal.addImageMember(row.id, tenantId, actor.loginId, tx)) {
          await core.audit(tx, actor, 'image.member_added', row, { after: { member: tenantId } });
          if (row.provider_ref) await driverOf(row).addImageMember(row.provider_ref, tenantId);
        }
        return toView(row);
      });
    },

    async removeMember(actor: Actor, id: string, tenantId: string) {
      await db.transaction().execute(async (tx) => {
        const row = await manageable(actor, id, tx);
        if (!(await dal.removeImageMember(row.id, tenantId, tx))) throw new NotFoundError('the tenant is not a member of the image', { code: 'cloud.image_member_not_found' });
        await core.audit(tx, actor, 'image.member_removed', row, { before: { member: tenantId } });
        if (row.provider_ref) await driverOf(row).removeImageMember(row.provider_ref, tenantId);
      });
    },
  };
}

export type ImageSharing = ReturnType<typeof createImageSharing>;
