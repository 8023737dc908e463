import {
  CAA_TAGS,
  DNS_RECORD_TYPES,
  type DnsRecordSpec,
  type DnsRecordType,
  dnsRecordProblem,
} from '@overcast/contracts/provider-dns';
import { useState } from 'react';
import { createDnsRecord, dnsKeys, updateDnsRecord } from '../api/dns';
import { errorField } from '../api/errors';
import type { DnsRecord } from '../api/types';
import { SelectField } from '../ui/Field';
import { FormDialog } from '../ui/FormDialog';
import forms from '../ui/forms.module.css';
import { TextField } from '../ui/TextField';
import { useResourceMutation } from '../ui/useResourceMutation';
import { NumberField } from '../ui/ValueFields';

/** Where the record goes: a zone of a cloud. */
export interface ZoneRef {
  cloudId: string;
  zoneId: string;
  zoneName: string;
}

const FIELDS = ['name', 'type', 'ttl', 'value', 'priority', 'weight', 'port', 'flags', 'tag'] as const;
type Field = (typeof FIELDS)[number];

const VALUE_LABEL: Record<DnsRecordType, { label: string; placeholder: string }> = {
  A: { label: 'IPv4 address', placeholder: '203.0.113.10' },
  AAAA: { label: 'IPv6 address', placeholder: '2001:db8::1' },
  CNAME: { label: 'Target host', placeholder: 'app.example.net' },
  MX: { label: 'Mail server', placeholder: 'mail.example.com' },
  TXT: { label: 'Text', placeholder: 'v=spf1 include:_spf.example.com ~all' },
  SRV: { label: 'Target host', placeholder: 'sip.example.com' },
  NS: { label: 'Name server', placeholder: 'ns1.example.net' },
  CAA: { label: 'Certificate authority', placeholder: 'letsencrypt.org' },
};

type Values = Record<Field, string>;

function initial(record?: DnsRecord, prefill?: Partial<Values>): Values {
  const s = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    name: record?.name ?? prefill?.name ?? '',
    type: record?.type ?? prefill?.type ?? 'A',
    ttl: record ? String(record.ttl) : (prefill?.ttl ?? '3600'),
    value: record?.value ?? prefill?.value ?? '',
    priority: s(record?.priority) || (prefill?.priority ?? '10'),
    weight: s(record?.weight) || '0',
    port: s(record?.port),
    flags: s(record?.flags) || '0',
    tag: record?.tag ?? 'issue',
  };
}

/** The request for the chosen type: only the fields that type uses. */
function toSpec(v: Values): DnsRecordSpec {
  const type = v.type as DnsRecordType;
  const spec: DnsRecordSpec = { name: v.name.trim(), type, ttl: Number(v.ttl), value: v.value.trim() };
  const num = (t: string) => (t.trim() === '' ? undefined : Number(t));
  if (type === 'MX' || type === 'SRV') spec.priority = num(v.priority);
  if (type === 'SRV') {
    spec.weight = num(v.weight);
    spec.port = num(v.port);
  }
  if (type === 'CAA') {
    spec.flags = num(v.flags);
    spec.tag = v.tag as DnsRecordSpec['tag'];
  }
  return spec;
}

/**
 * Adds a record to a zone, or changes one. The per-type rules are the API's own (from
 * contracts), checked here first so a mistake is shown beside its field before anything is sent.
 */
export function RecordDialog({
  zone,
  record,
  prefill,
  onClose,
}: {
  zone: ZoneRef;
  record?: DnsRecord;
  prefill?: Partial<Values>;
  onClose: () => void;
}) {
  const [values, setValues] = useState<Values>(() => initial(record, prefill));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const type = values.type as DnsRecordType;

  const save = useResourceMutation({
    mutationFn: (spec: DnsRecordSpec) =>
      record
        ? updateDnsRecord(zone.cloudId, zone.zoneId, record.id, spec)
        : createDnsRecord(zone.cloudId, zone.zoneId, spec),
    invalidates: [dnsKeys.records(zone.cloudId, zone.zoneId)],
    success: (_, spec) =>
      `${record ? 'Changed' : 'Added'} ${spec.type} ${spec.name === '@' ? zone.zoneName : `${spec.name}.${zone.zoneName}`}`,
    onSuccess: onClose,
    onError: (error) => {
      const field = errorField(error, FIELDS);
      if (field) setErrors({ [field]: error.message });
    },
  });

  function onSubmit() {
    const spec = toSpec(values);
    const problem = Number.isFinite(spec.ttl)
      ? dnsRecordProblem(spec, zone.zoneName)
      : { field: 'ttl' as const, message: 'The TTL is a whole number of seconds.' };
    setErrors(problem ? { [problem.field]: problem.message } : {});
    if (!problem) save.mutate(spec);
  }

  const value = VALUE_LABEL[type] ?? VALUE_LABEL.A;
  return (
    <FormDialog
      onClose={onClose}
      busy={save.isPending}
      size="sm"
      title={record ? `Edit ${record.type} record` : `Add a record to ${zone.zoneName}`}
      description={`Names are relative to ${zone.zoneName}; "@" is the zone itself.`}
      formId="dns-record"
      noValidate
      submitLabel={record ? 'Save record' : 'Add record'}
      error={errorField(save.error, FIELDS) ? null : save.error}
      onSubmit={onSubmit}
    >
      <div className={forms.twoColumns}>
        <SelectField
          label="Type"
          value={values.type}
          onChange={(e) => set('type')(e.target.value)}
          error={errors.type}
        >
          {DNS_RECORD_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </SelectField>
        <NumberField
          label="TTL (seconds)"
          value={values.ttl}
          onChange={set('ttl')}
          error={errors.ttl}
          min={30}
        />
      </div>
      <TextField
        label="Name"
        placeholder={type === 'SRV' ? '_sip._tcp' : 'www, or @ for the zone itself'}
        value={values.name}
        onChange={(e) => set('name')(e.target.value)}
        error={errors.name}
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
      />
      {type === 'CAA' && (
        <div className={forms.twoColumns}>
          <SelectField
            label="Tag"
            value={values.tag}
            onChange={(e) => set('tag')(e.target.value)}
            error={errors.tag}
          >
            {CAA_TAGS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Flags"
            value={values.flags}
            onChange={(e) => set('flags')(e.target.value)}
            error={errors.flags}
          >
            <option value="0">0</option>
            <option value="128">128 (critical)</option>
          </SelectField>
        </div>
      )}
      <TextField
        label={value.label}
        placeholder={value.placeholder}
        value={values.value}
        onChange={(e) => set('value')(e.target.value)}
        error={errors.value}
        autoComplete="off"
        spellCheck={false}
        maxLength={255}
      />
      {(type === 'MX' || type === 'SRV') && (
        <div className={forms.twoColumns}>
          <NumberField
            label="Priority"
            value={values.priority}
            onChange={set('priority')}
            error={errors.priority}
            min={0}
          />
          {type === 'SRV' && (
            <NumberField
              label="Weight"
              value={values.weight}
              onChange={set('weight')}
              error={errors.weight}
              min={0}
            />
          )}
        </div>
      )}
      {type === 'SRV' && (
        <NumberField label="Port" value={values.port} onChange={set('port')} error={errors.port} min={0} />
      )}
    </FormDialog>
  );
}
