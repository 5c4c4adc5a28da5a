import { Box, Grid } from '@mui/material';
import type { ReactElement, ReactNode } from 'react';
import { DeleteButton, Show, TextField, TopToolbar, useRecordContext, useResourceContext, useTranslate } from 'react-admin';
import { DateTimeField, JsonBlock } from '../components/fields';
import { FieldGrid, Item, SectionCard } from '../components/Section';
import { StatusField, TagsField } from './kit';
import type { CloudResource } from './types';

/** Every entry of the record's spec, labelled by `resources.<r>.fields.spec.<key>` where there is one. */
export const SpecGrid = ({ hide = [] }: { hide?: string[] }) => {
  const r = useRecordContext<CloudResource>();
  const resource = useResourceContext();
  const translate = useTranslate();
  if (!r) return null;
  const entries = Object.entries(r.spec).filter(([k]) => !hide.includes(k));
  return (
    <FieldGrid>
      {entries.map(([k, v]) => (
        <Item key={k} label={translate(`resources.${resource}.fields.spec.${k}`, { _: k })}>
          {v === null || v === undefined || v === '' ? '—' : typeof v === 'boolean' ? translate(v ? 'yiyun.common.yes' : 'yiyun.common.no') : typeof v === 'object' ? <JsonBlock value={v} /> : String(v)}
        </Item>
      ))}
    </FieldGrid>
  );
};

/** The basic fields every cloud object has. */
export const BasicGrid = ({ children }: { children?: ReactNode }) => (
  <FieldGrid>
    <Item source="name"><TextField source="name" /></Item>
    <Item source="status"><StatusField /></Item>
    {children}
    <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
    <Item source="id"><TextField source="id" /></Item>
    <Item source="description"><TextField source="description" emptyText="yiyun.common.none" /></Item>
    <Item source="tags"><TagsField /></Item>
  </FieldGrid>
);

/** A show page for a cloud object: its basic fields, its spec, optional extra sections and action buttons. */
export const CloudShow = ({ actions, basic, children, deletable = true, hideSpec }: { actions?: ReactElement | ReactElement[]; basic?: ReactNode; children?: ReactNode; deletable?: boolean; hideSpec?: string[] }) => (
  <Show
    component="div"
    actions={
      <TopToolbar>
        {actions}
        {deletable && <DeleteButton mutationMode="pessimistic" />}
      </TopToolbar>
    }
  >
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 5 }}>
        <SectionCard title="cloud.common.basic" testId="cloud-basic">
          <BasicGrid>{basic}</BasicGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 7 }}>
        <SectionCard title="cloud.common.spec" testId="cloud-spec">
          <SpecGrid hide={hideSpec} />
        </SectionCard>
      </Grid>
      {children && (
        <Grid size={12}>
          <Box>{children}</Box>
        </Grid>
      )}
    </Grid>
  </Show>
);
