import GavelIcon from '@mui/icons-material/Gavel';
import { Alert, Button } from '@mui/material';
import { useState } from 'react';
import {
  ArrayInput,
  FileField,
  FileInput,
  maxLength,
  maxValue,
  minLength,
  minValue,
  NumberInput,
  required,
  SelectInput,
  SimpleFormIterator,
  TextInput,
  useNotify,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { choicesOf } from '../../components/choices';
import { FormDialog } from '../../components/FormDialog';
import { FormGrid } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { fileToBase64, MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, recordConclusion, recordVerdict } from './complianceApi';
import { formatBytes } from './ComplianceFields';
import { RISKS, VERDICTS, type AssessedObject, type ComplianceItem, type ManualVerdictBody, type Risk, type Verdict } from './types';

type FormValues = {
  verdict: Verdict | '';
  risk: Risk | '' | null;
  note: string;
  files?: Array<{ rawFile: File; title?: string }>;
  objects?: AssessedObject[];
};

const unit = [minValue(0), maxValue(1)];

/** The form's values as the API's body: files read as base64, empty optionals left out. */
async function bodyOf(values: FormValues): Promise<ManualVerdictBody> {
  const files = (values.files ?? []).filter((f) => f?.rawFile instanceof File);
  if (files.length > MAX_UPLOAD_FILES) throw new Error(`≤ ${MAX_UPLOAD_FILES}`);
  const body: ManualVerdictBody = {
    verdict: values.verdict as Verdict,
    note: values.note.trim(),
    files: await Promise.all(
      files.map(async (f) => ({ name: f.rawFile.name, contentBase64: await fileToBase64(f.rawFile), ...(f.rawFile.type ? { contentType: f.rawFile.type } : {}) })),
    ),
  };
  if (values.risk) body.risk = values.risk;
  const objects = (values.objects ?? []).filter((o) => o && o.name);
  if (objects.length > 0) body.objects = objects.map((o) => ({ name: o.name.trim(), d: Number(o.d), a: Number(o.a), k: Number(o.k), ...(o.note ? { note: o.note } : {}) }));
  return body;
}

/**
 * The manual-evidence form: a verdict with a note, the risk of a finding, evidence files, and for 密评 units the
 * assessed objects (D / A / K). `evidence` needs compliance.manual_verdict (secadmin, a tenant admin on its own
 * items); `conclusion` is the assessor's 测评结论 (compliance.assess): the same form without files. Recording is
 * audited by the server (compliance.verdict_recorded / compliance.conclusion_recorded).
 */
export const ManualVerdictButton = ({ item, mode = 'evidence' }: { item: ComplianceItem; mode?: 'evidence' | 'conclusion' }) => {
  const { can } = usePerms();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const conclusion = mode === 'conclusion';
  if (!can('compliance', conclusion ? 'conclude' : 'record_verdict')) return null;
  const isMiping = item.catalogue === 'miping-l3';
  const tooBig = (files: FormValues['files']) => {
    const big = (files ?? []).find((f) => f?.rawFile && f.rawFile.size > MAX_UPLOAD_BYTES);
    return big ? translate('resources.compliance.verdict_form.too_big', { name: big.rawFile.name, max: formatBytes(MAX_UPLOAD_BYTES) }) : undefined;
  };
  return (
    <>
      <Button size="small" variant="contained" startIcon={<GavelIcon />} onClick={() => setOpen(true)} data-testid={conclusion ? 'compliance-record-conclusion' : 'compliance-record-verdict'}>
        {translate(conclusion ? 'resources.compliance.actions.record_conclusion' : 'resources.compliance.actions.record_verdict')}
      </Button>
      <FormDialog<FormValues>
        open={open}
        title={translate('resources.compliance.verdict_form.title', { id: item.id })}
        record={{ verdict: item.verdict ?? '', risk: item.risk ?? '', note: '' }}
        onClose={() => setOpen(false)}
        testId="verdict-dialog"
        onSubmit={async (values) => {
          const body = await bodyOf(values);
          if (conclusion) {
            const { files: _files, ...rest } = body;
            await recordConclusion(item.id, rest);
          } else await recordVerdict(item.id, body);
          notify('resources.compliance.notifications.verdict_recorded', { type: 'success', messageArgs: { id: item.id } });
          refresh();
        }}
      >
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate(item.checkKind === 'automated' ? 'resources.compliance.verdict_form.intro_automated' : 'resources.compliance.verdict_form.intro')}
        </Alert>
        <FormGrid>
          <SelectInput source="verdict" label="resources.compliance.fields.verdict" choices={choicesOf('compliance', 'verdict', VERDICTS)} validate={required()} />
          <SelectInput source="risk" label="resources.compliance.fields.risk" choices={choicesOf('compliance', 'risk', RISKS)} emptyText="yiyun.common.none" helperText="resources.compliance.verdict_form.risk_help" />
        </FormGrid>
        <TextInput
          source="note"
          label="resources.compliance.verdict_form.note"
          multiline
          minRows={3}
          fullWidth
          validate={[required(), minLength(2), maxLength(4000)]}
          helperText="resources.compliance.verdict_form.note_help"
        />
        {!conclusion && (
          <FileInput source="files" label="resources.compliance.verdict_form.files" multiple validate={tooBig} helperText="resources.compliance.verdict_form.files_help">
            <FileField source="src" title="title" />
          </FileInput>
        )}
        {isMiping && (
          <ArrayInput source="objects" label="resources.compliance.verdict_form.objects">
            <SimpleFormIterator inline disableReordering>
              <TextInput source="name" label="resources.compliance.verdict_form.object_name" validate={required()} />
              <NumberInput source="d" label="D" step={0.1} validate={[required(), ...unit]} sx={{ width: 90 }} />
              <NumberInput source="a" label="A" step={0.1} validate={[required(), ...unit]} sx={{ width: 90 }} />
              <NumberInput source="k" label="K" step={0.1} validate={[required(), ...unit]} sx={{ width: 90 }} />
              <TextInput source="note" label="resources.compliance.verdict_form.object_note" />
            </SimpleFormIterator>
          </ArrayInput>
        )}
      </FormDialog>
    </>
  );
};
