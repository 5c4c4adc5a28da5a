import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import { Box, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NumberInput, SelectInput, TextInput, required, useRecordContext, useTranslate } from 'react-admin';
import { FormGrid, SectionCard } from '../components/Section';
import { DialogButton } from './dialogs';
import { RunButton, useCloud } from './kit';
import type { CloudResource } from './types';

/**
 * The rules of a security group or a network ACL, edited in place: a table with add, change and delete
 * (the API's `/<path>/:id/rules[/:ruleId]`). `columns` are keys of each rule's spec; values with a
 * `resources.<resource>.choices.<column>.<value>` translation are shown in words.
 */
export function RulesEditor({ resource, id, columns, inputs, defaults, toBody }: { resource: string; id: string; columns: string[]; inputs: ReactNode; defaults: Record<string, unknown>; toBody(values: Record<string, any>): Record<string, unknown> }) {
  const translate = useTranslate();
  const dp = useCloud();
  const { data, isPending } = useQuery({ queryKey: ['cloud', 'rules', resource, id], queryFn: () => dp.cloudGet<{ items: CloudResource[] }>(`${resource}/${id}/rules`) });
  const rules = data?.items ?? [];
  const show = (col: string, v: unknown) => (v === null || v === undefined || v === '' ? '—' : translate(`resources.${resource}.choices.${col}.${String(v)}`, { _: String(v) }));
  return (
    <Box data-testid="rules">
      <Box sx={{ display: 'flex', justifyContent: 'flex-end', mb: 1 }}>
        <DialogButton label="resources.rules.add" icon={<AddIcon />} record={defaults} submit={(v) => dp.cloudPost(`${resource}/${id}/rules`, toBody(v))} testId="rule-add" variant="outlined">
          {inputs}
        </DialogButton>
      </Box>
      {!isPending && rules.length === 0 ? (
        <Typography variant="body2" color="text.secondary">{translate(`resources.${resource}.empty_rules`)}</Typography>
      ) : (
        <Box component="table" sx={{ width: '100%', borderCollapse: 'collapse', '& td, & th': { textAlign: 'left', p: 0.75, borderBottom: '1px solid', borderColor: 'divider', fontSize: 13.5 } }}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{translate(`resources.${resource}.rule_fields.${c}`)}</th>
              ))}
              <th>{translate('cloud.common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-testid="rule-row">
                {columns.map((c) => (
                  <td key={c}>{show(c, c === 'description' ? r.description : r.spec[c])}</td>
                ))}
                <td>
                  <Box sx={{ display: 'flex' }}>
                    <DialogButton label="ra.action.edit" icon={<EditIcon />} record={{ ...defaults, ...r.spec, description: r.description ?? '' }} submit={(v) => dp.cloudPut(`${resource}/${id}/rules/${r.id}`, toBody(v))}>
                      {inputs}
                    </DialogButton>
                    <RunButton label="ra.action.delete" icon={<DeleteIcon />} color="error" confirm={translate('resources.rules.delete_confirm')} run={() => dp.cloudDelete(`${resource}/${id}/rules/${r.id}`)} />
                  </Box>
                </td>
              </tr>
            ))}
          </tbody>
        </Box>
      )}
    </Box>
  );
}

/**
 * One input of a rule's form. Its label is `resources.<resource>.rule_fields.<source>`, the same key the table's
 * column heading uses, so a form and its table always name a field alike.
 */
export type RuleField =
  | { source: string; type: 'select'; choices: Array<{ id: string; name: string }>; required?: boolean }
  | { source: string; type: 'number'; min: number; max: number; required?: boolean }
  | { source: string; type: 'text'; helperText?: string };

/** The rule form's inputs, in the order given. */
function RuleInputs({ resource, fields }: { resource: string; fields: readonly RuleField[] }) {
  return (
    <FormGrid>
      {fields.map((f) => {
        const label = `resources.${resource}.rule_fields.${f.source}`;
        const validate = f.type !== 'text' && f.required ? { validate: required() } : {};
        if (f.type === 'select') return <SelectInput key={f.source} source={f.source} label={label} choices={f.choices} {...validate} />;
        if (f.type === 'number') return <NumberInput key={f.source} source={f.source} label={label} min={f.min} max={f.max} {...validate} />;
        return <TextInput key={f.source} source={f.source} label={label} {...(f.helperText ? { helperText: f.helperText } : {})} />;
      })}
    </FormGrid>
  );
}

/**
 * The rules card of a security group's or a network ACL's show page: the record's rules as a table with add, change
 * and delete. `resource` is both the API path (`/api/cloud/<resource>/:id/rules`) and the i18n resource; what differs
 * between the two kinds of rule is the form (`fields`), the table (`columns`), a new rule's `defaults` and the body
 * the API takes (`toBody`).
 */
export function RulesSection({ resource, testId, fields, ...table }: { resource: string; testId: string; fields: readonly RuleField[]; columns: string[]; defaults: Record<string, unknown>; toBody(values: Record<string, any>): Record<string, unknown> }) {
  const r = useRecordContext<CloudResource>();
  return (
    <SectionCard title={`resources.${resource}.sections.rules`} testId={testId}>
      {r ? <RulesEditor resource={resource} id={r.id} inputs={<RuleInputs resource={resource} fields={fields} />} {...table} /> : null}
    </SectionCard>
  );
}
