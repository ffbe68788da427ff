import { describe, expect, it } from 'vitest';
import { checkFieldSelector, convertFieldSelector, escapeFieldValue, parseFieldSelector, selectableFields } from './fields.ts';

describe('parseFieldSelector', () => {
  const cases: { name: string; sel: string; fields: Record<string, string>; want: boolean; str: string; exact?: [string, string | undefined] }[] = [
    { name: 'empty', sel: '', fields: {}, want: true, str: '' },
    { name: 'equals', sel: 'spec.nodeName=n1', fields: { 'spec.nodeName': 'n1' }, want: true, str: 'spec.nodeName=n1', exact: ['spec.nodeName', 'n1'] },
    { name: 'double equals prints as equals', sel: 'a==b', fields: { a: 'b' }, want: true, str: 'a=b', exact: ['a', 'b'] },
    { name: 'not equals', sel: 'a!=b', fields: { a: 'c' }, want: true, str: 'a!=b', exact: ['a', undefined] },
    { name: 'not equals same', sel: 'a!=b', fields: { a: 'b' }, want: false, str: 'a!=b' },
    { name: 'missing field reads empty', sel: 'spec.nodeName=', fields: {}, want: true, str: 'spec.nodeName=' },
    { name: 'missing field not empty', sel: 'spec.nodeName!=', fields: {}, want: false, str: 'spec.nodeName!=' },
    { name: 'terms sorted', sel: 'b=1,a=2', fields: { a: '2', b: '1' }, want: true, str: 'a=2,b=1' },
    { name: 'empty terms skipped', sel: 'a=1,,', fields: { a: '1' }, want: true, str: 'a=1' },
    { name: 'escaped comma and equals', sel: 'a=x\\,y\\=z\\\\', fields: { a: 'x,y=z\\' }, want: true, str: 'a=x\\,y\\=z\\\\' },
    { name: 'escaped equals in value', sel: 'a=b\\=c', fields: { a: 'b=c' }, want: true, str: 'a=b\\=c' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = parseFieldSelector(c.sel);
      expect(s.matches(c.fields)).toBe(c.want);
      expect(s.toString()).toBe(c.str);
      if (c.exact) expect(s.exactValue(c.exact[0])).toBe(c.exact[1]);
    });
  }

  const errors: { name: string; sel: string; want: string }[] = [
    { name: 'no operator', sel: 'foo', want: "invalid selector: 'foo'; can't understand 'foo'" },
    { name: 'bare equals in value', sel: 'a=b=c', want: 'invalid field selector: unescaped character in value: 61' },
    { name: 'bad escape', sel: 'a=\\x', want: 'invalid field selector: invalid escape sequence: \\x' },
    { name: 'trailing backslash', sel: 'a=b\\', want: 'invalid field selector: invalid escape sequence: \\' },
  ];
  for (const c of errors) {
    it(`error: ${c.name}`, () => {
      expect(() => parseFieldSelector(c.sel)).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest', message: c.want }));
    });
  }

  it('escape round-trips', () => {
    const v = 'a,b=c\\d';
    expect(parseFieldSelector(`f=${escapeFieldValue(v)}`).exactValue('f')).toBe(v);
  });
});

describe('selectableFields', () => {
  const cases: { name: string; kind: string; obj: unknown; want: Record<string, string> }[] = [
    {
      name: 'pod',
      kind: 'Pod',
      obj: {
        metadata: { name: 'p', namespace: 'ns' },
        spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
        status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }] },
      },
      want: {
        'metadata.name': 'p', 'metadata.namespace': 'ns', 'spec.nodeName': 'n1', 'spec.restartPolicy': 'Always',
        'spec.schedulerName': 'default-scheduler', 'spec.serviceAccountName': 'default', 'spec.hostNetwork': 'false',
        'status.phase': 'Running', 'status.podIP': '10.0.0.1', 'status.nominatedNodeName': '', 'spec.host': 'n1',
      },
    },
    {
      name: 'unscheduled pod',
      kind: 'Pod',
      obj: { metadata: { name: 'p' }, spec: { hostNetwork: true } },
      want: {
        'metadata.name': 'p', 'metadata.namespace': '', 'spec.nodeName': '', 'spec.restartPolicy': '', 'spec.schedulerName': '',
        'spec.serviceAccountName': '', 'spec.hostNetwork': 'true', 'status.phase': '', 'status.podIP': '', 'status.nominatedNodeName': '', 'spec.host': '',
      },
    },
    { name: 'node', kind: 'Node', obj: { metadata: { name: 'n' }, spec: { unschedulable: true } }, want: { 'metadata.name': 'n', 'spec.unschedulable': 'true' } },
    { name: 'namespace', kind: 'Namespace', obj: { metadata: { name: 'x' }, status: { phase: 'Active' } }, want: { 'metadata.name': 'x', 'status.phase': 'Active' } },
    { name: 'secret', kind: 'Secret', obj: { metadata: { name: 's', namespace: 'd' }, type: 'Opaque' }, want: { 'metadata.name': 's', 'metadata.namespace': 'd', type: 'Opaque' } },
    { name: 'job counts', kind: 'Job', obj: { metadata: { name: 'j', namespace: 'd' } }, want: { 'metadata.name': 'j', 'metadata.namespace': 'd', 'status.successful': '0' } },
    {
      name: 'event source falls back to reporter',
      kind: 'Event',
      obj: { metadata: { name: 'e', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'd' }, reason: 'Started', type: 'Normal', reportingComponent: 'kubelet' },
      want: {
        'metadata.name': 'e', 'metadata.namespace': 'd', 'involvedObject.kind': 'Pod', 'involvedObject.namespace': 'd', 'involvedObject.name': 'p',
        'involvedObject.uid': '', 'involvedObject.apiVersion': '', 'involvedObject.resourceVersion': '', 'involvedObject.fieldPath': '',
        reason: 'Started', reportingComponent: 'kubelet', source: 'kubelet', type: 'Normal',
      },
    },
    { name: 'any other kind', kind: 'Deployment', obj: { metadata: { name: 'd', namespace: 'x' } }, want: { 'metadata.name': 'd', 'metadata.namespace': 'x' } },
  ];
  for (const c of cases) {
    it(c.name, () => expect(selectableFields(c.kind, c.obj)).toEqual(c.want));
  }
});

describe('checkFieldSelector', () => {
  const cases: { name: string; kind: string; sel: string; want?: string }[] = [
    { name: 'pod node name', kind: 'Pod', sel: 'spec.nodeName=n,status.phase!=Failed' },
    { name: 'pod legacy host', kind: 'Pod', sel: 'spec.host=n' },
    { name: 'pod podIPs accepted', kind: 'Pod', sel: 'status.podIPs=1.2.3.4' },
    { name: 'pod unknown', kind: 'Pod', sel: 'spec.foo=x', want: 'field label not supported: spec.foo' },
    { name: 'event involvedObject', kind: 'Event', sel: 'involvedObject.name=p,involvedObject.kind=Pod' },
    { name: 'node namespace rejected', kind: 'Node', sel: 'metadata.namespace=x', want: 'field label not supported: metadata.namespace' },
    { name: 'namespace phase', kind: 'Namespace', sel: 'status.phase=Active' },
    { name: 'secret type', kind: 'Secret', sel: 'type=Opaque' },
    { name: 'job', kind: 'Job', sel: 'status.successful=1' },
    { name: 'job unknown', kind: 'Job', sel: 'spec.x=1', want: 'field label "spec.x" not supported for Job' },
    { name: 'default kind metadata', kind: 'Deployment', sel: 'metadata.name=a,metadata.namespace=b' },
    { name: 'default kind rejects', kind: 'ReplicaSet', sel: 'status.replicas=0', want: '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sel = parseFieldSelector(c.sel);
      if (c.want) expect(() => checkFieldSelector(c.kind, sel)).toThrow(expect.objectContaining({ code: 400, message: c.want }));
      else expect(() => checkFieldSelector(c.kind, sel)).not.toThrow();
    });
  }

  it('converts the legacy pod label', () => {
    const sel = convertFieldSelector('Pod', parseFieldSelector('spec.host=n1'));
    expect(sel.toString()).toBe('spec.nodeName=n1');
    expect(sel.exactValue('spec.nodeName')).toBe('n1');
  });
});
