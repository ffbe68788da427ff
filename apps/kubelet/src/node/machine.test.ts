import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { goArch, machineInfo, prettyName } from './machine.ts';

describe('machineInfo', () => {
  it('reads plausible values from this host', async () => {
    const m = await machineInfo({ rootDir: tmpdir(), nodeIP: '127.0.0.1', hostname: 'Node-A' });
    expect(m.cpuCores).toBeGreaterThan(0);
    expect(m.memoryBytes).toBeGreaterThan(64 * 1024 ** 2);
    expect(m.diskBytes).toBeGreaterThan(0);
    expect(m.hostname).toBe('node-a');
    expect(m.internalIP).toBe('127.0.0.1');
    expect(m.kernelVersion).not.toBe('');
    expect(m.osImage).not.toBe('');
    expect(m.operatingSystem).toBe(process.platform);
    expect(m.architecture).toBe(goArch());
    expect(m.bootID).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('goArch', () => {
  const cases = [
    { name: 'x64', arch: 'x64', want: 'amd64' },
    { name: 'arm64', arch: 'arm64', want: 'arm64' },
    { name: 'ia32', arch: 'ia32', want: '386' },
    { name: 'unknown passes through', arch: 'mips', want: 'mips' },
  ];
  it.each(cases)('$name', ({ arch, want }) => expect(goArch(arch)).toBe(want));
});

describe('prettyName', () => {
  const cases = [
    { name: 'quoted', text: 'NAME="Ubuntu"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n', want: 'Ubuntu 24.04.1 LTS' },
    { name: 'bare', text: 'PRETTY_NAME=Alpine', want: 'Alpine' },
    { name: 'missing', text: 'NAME=x', want: undefined },
  ];
  it.each(cases)('$name', ({ text, want }) => expect(prettyName(text)).toBe(want));
});
