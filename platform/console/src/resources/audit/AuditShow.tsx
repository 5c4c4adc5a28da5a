import { Grid } from '@mui/material';
import { Show, TextField, TopToolbar, useRecordContext } from 'react-admin';
import type { AuditRecord } from '../../api/types';
import { DateTimeField, JsonBlock, Mono, RoleChips } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { ActionText, OutcomeChip } from './AuditFields';

const AuditDetails = () => {
  const r = useRecordContext<AuditRecord>();
  if (!r) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.audit.sections.what">
          <FieldGrid>
            <Item source="action">
              <ActionText action={r.action} />
            </Item>
            <Item source="outcome">
              <OutcomeChip record={r} />
            </Item>
            <Item source="targetType">
              <TextField source="targetType" />
            </Item>
            <Item source="targetId">
              <Mono>{r.targetId ?? '—'}</Mono>
            </Item>
            <Item source="occurredAt">
              <DateTimeField source="occurredAt" />
            </Item>
            <Item source="requestId">
              <Mono>{r.requestId ?? '—'}</Mono>
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.audit.sections.who">
          <FieldGrid>
            <Item source="actorLogin">
              <TextField source="actorLogin" />
            </Item>
            <Item source="actorKind">
              <TextField source="actorKind" />
            </Item>
            <Item source="actorRoles">
              <RoleChips roles={r.actorRoles} />
            </Item>
            <Item source="sourceIp">
              <TextField source="sourceIp" emptyText="yiyun.common.none" />
            </Item>
            <Item source="tenantId">
              <Mono>{r.tenantId ?? '—'}</Mono>
            </Item>
            <Item source="actorAccount">
              <Mono>{r.actorAccount ?? '—'}</Mono>
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.audit.sections.change">
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, md: 4 }}>
              <Item source="beforeSummary">
                <JsonBlock value={r.beforeSummary} />
              </Item>
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <Item source="afterSummary">
                <JsonBlock value={r.afterSummary} />
              </Item>
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
              <Item source="detail">
                <JsonBlock value={r.detail} />
              </Item>
            </Grid>
          </Grid>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.audit.sections.integrity" testId="audit-integrity">
          <FieldGrid>
            <Item source="seq">
              <Mono>{r.seq}</Mono>
            </Item>
            <Item source="id">
              <Mono>{r.recordId ?? '—'}</Mono>
            </Item>
            <Item source="prevHash">
              <Mono>{r.prevHash}</Mono>
            </Item>
            <Item source="hash">
              <Mono>{r.hash}</Mono>
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
    </Grid>
  );
};

/** One audit record: who, what, the change, and its place in the hash chain. Records cannot be edited. */
export const AuditShow = () => (
  <Show actions={<TopToolbar />} component="div">
    <AuditDetails />
  </Show>
);
