import { describe, expect, it } from 'vitest';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName } from './names.ts';

describe('name formats', () => {
  it.each([
    { name: 'label ok', fn: isDNS1123Label, in: 'my-name', out: [] },
    { name: 'label with dots', fn: isDNS1123Label, in: 'a.b', out: ['must not contain dots'] },
    {
      name: 'label upper case', fn: isDNS1123Label, in: 'Foo',
      out: ["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
    },
    { name: 'label too long', fn: isDNS1123Label, in: 'a'.repeat(64), out: ['must be no more than 63 characters'] },
    { name: 'subdomain ok', fn: isDNS1123Subdomain, in: 'example.com', out: [] },
    {
      name: 'subdomain underscore', fn: isDNS1123Subdomain, in: 'Foo_1',
      out: ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
    },
    {
      name: 'dns-1035 starts with digit', fn: isDNS1035Label, in: '1abc',
      out: ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    },
    { name: 'qualified with prefix', fn: isQualifiedName, in: 'example.com/MyName', out: [] },
    { name: 'qualified empty prefix', fn: isQualifiedName, in: '/a', out: ['prefix part must be non-empty'] },
    {
      name: 'qualified empty name', fn: isQualifiedName, in: 'a/',
      out: [
        'name part must be non-empty',
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    },
    { name: 'label value empty', fn: isValidLabelValue, in: '', out: [] },
    {
      name: 'label value trailing dash', fn: isValidLabelValue, in: 'a-',
      out: ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
    },
    { name: 'config key dotdot', fn: isConfigMapKey, in: '..a', out: ["must not start with '..'"] },
    { name: 'port name digits only', fn: isValidPortName, in: '123', out: ['must contain at least one letter (a-z)'] },
  ])('$name', (c) => {
    expect(c.fn(c.in)).toEqual(c.out);
  });
});
